#pragma once
// SentencePiece ("llama" vocab) encoding as llama.cpp does it: start from UTF-8 characters,
// repeatedly merge the adjacent pair whose concatenation is a token with the highest score
// (ties: leftmost), then emit each remaining symbol's id, falling back to <0xNN> byte tokens
// for symbols that are not in the vocabulary.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "tokenizer/token_index.h"
#include "tokenizer/vocab.h"

namespace hearth {

class SpmEncoder {
public:
    // `vocab` and `index` must outlive the encoder.
    SpmEncoder(const Vocab& vocab, const TokenIndex& index);

    // `text` already has spaces written as ▁ (and the dummy prefix, if any).
    void encode(std::string_view text, std::vector<int32_t>& out) const;

private:
    void emit_symbol(std::string_view symbol, std::vector<int32_t>& out) const;

    const Vocab& vocab_;
    const TokenIndex& index_;
    std::array<int32_t, 256> byte_tokens_;  // -1 = no token for that byte
};

}  // namespace hearth
