#pragma once
// Text <-> token ids for the vocabularies GGUF models ship: SentencePiece ("llama"),
// byte-level BPE ("gpt2") and WordPiece ("bert"), matching llama.cpp's tokenizer id for id.
//
// A Tokenizer is immutable after construction and safe to use from several threads.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/token_index.h"
#include "tokenizer/vocab.h"

namespace hearth {

class PreTokenizer;
class SpmEncoder;
class BpeEncoder;
class WordPieceEncoder;
class SpecialTokenMatcher;

class Tokenizer {
public:
    // Throws Error(unsupported) for a pre-tokenizer or model kind we cannot run,
    // Error(format) for an inconsistent vocabulary.
    explicit Tokenizer(Vocab vocab);
    static std::unique_ptr<Tokenizer> from_gguf(const gguf::GgufFile& file);
    ~Tokenizer();
    Tokenizer(const Tokenizer&) = delete;
    Tokenizer& operator=(const Tokenizer&) = delete;

    // add_special: BOS/EOS (CLS/SEP for WordPiece) as the vocabulary's add_* flags say.
    // parse_special: control tokens written in the text (<|im_start|>, <s>) become their
    // ids; otherwise they are tokenized as plain text. User-defined tokens always match.
    // Invalid UTF-8 never throws: SPM byte-falls-back, BPE keeps the raw bytes.
    std::vector<int32_t> encode(std::string_view text, bool add_special, bool parse_special) const;

    // The raw bytes a token stands for (may be part of a UTF-8 character: feed streams
    // through Utf8StreamDecoder). <0xNN> byte tokens give the byte, SPM ▁ gives a space,
    // byte-level BPE text gives its bytes. Control/unknown tokens give their text when
    // render_control, else nothing. Throws Error(invalid_argument) for an id out of range.
    std::string token_to_piece(int32_t id, bool render_control = true) const;

    // Concatenated pieces; drops the space the SPM dummy prefix put before the first word,
    // so decode(encode(x, false, false)) == x for text a vocabulary can represent.
    std::string decode(const std::vector<int32_t>& ids, bool render_control = false) const;

    int32_t bos() const { return vocab_.bos_id; }
    int32_t eos() const { return vocab_.eos_id; }
    bool add_bos() const { return vocab_.add_bos; }
    bool add_eos() const { return vocab_.add_eos; }
    // End of generation: eos, eot, eom and the end-of-turn tokens chat models use.
    bool is_eog(int32_t id) const;
    int n_vocab() const { return static_cast<int>(vocab_.tokens.size()); }
    std::optional<int32_t> find_token(std::string_view text) const;
    TokenType token_type(int32_t id) const;
    const Vocab& vocab() const { return vocab_; }

private:
    void encode_text(std::string_view text, bool after_special, std::vector<int32_t>& out) const;

    Vocab vocab_;
    TokenIndex index_;  // text -> id; the encoders keep references to it and to vocab_
    std::unique_ptr<SpecialTokenMatcher> specials_;
    std::unique_ptr<PreTokenizer> pre_;
    std::unique_ptr<SpmEncoder> spm_;
    std::unique_ptr<BpeEncoder> bpe_;
    std::unique_ptr<WordPieceEncoder> wordpiece_;
    std::vector<bool> eog_;
};

}  // namespace hearth
