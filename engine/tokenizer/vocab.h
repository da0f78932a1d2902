#pragma once
// A tokenizer vocabulary as plain data, independent of where it came from: vocab_from_gguf()
// fills it from the tokenizer.ggml.* metadata of a GGUF file, tests build one in memory.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hearth {

namespace gguf {
class GgufFile;
}

// tokenizer.ggml.model
enum class VocabKind {
    spm,        // "llama": SentencePiece, score-driven merges, byte fallback, ▁ for space
    bpe,        // "gpt2": byte-level BPE with merge ranks and a pre-tokenizer regex
    wordpiece,  // "bert"
};

// tokenizer.ggml.token_type values (llama.cpp's numbering, stored in the GGUF).
enum class TokenType : int32_t {
    undefined = 0,
    normal = 1,
    unknown = 2,
    control = 3,
    user_defined = 4,
    unused = 5,
    byte = 6,  // SentencePiece byte fallback, text "<0xNN>"
};

struct Vocab {
    VocabKind kind = VocabKind::spm;
    std::string pre = "default";      // tokenizer.ggml.pre (BPE pre-tokenizer name)
    std::vector<std::string> tokens;  // id -> text, as stored (▁ / byte-level unicode)
    std::vector<float> scores;        // SPM merge priority; empty = all 0
    std::vector<TokenType> types;     // empty = all normal
    std::vector<std::string> merges;  // BPE: "left right", highest priority first

    int32_t bos_id = -1;
    int32_t eos_id = -1;
    int32_t eot_id = -1;
    int32_t eom_id = -1;
    int32_t unk_id = -1;
    int32_t sep_id = -1;
    int32_t pad_id = -1;
    int32_t cls_id = -1;
    int32_t mask_id = -1;

    bool add_bos = false;
    bool add_eos = false;
    bool add_sep = false;
    bool add_space_prefix = true;  // SPM dummy prefix (tokenizer.ggml.add_space_prefix)

    TokenType type_of(int32_t id) const {
        return types.empty() ? TokenType::normal : types[static_cast<size_t>(id)];
    }
    float score_of(int32_t id) const {
        return scores.empty() ? 0.0f : scores[static_cast<size_t>(id)];
    }
};

// Reads tokenizer.ggml.*; missing optional keys get the defaults llama.cpp uses for the
// model kind. Throws Error(format) for missing/inconsistent arrays, Error(unsupported) for
// an unknown tokenizer.ggml.model.
Vocab vocab_from_gguf(const gguf::GgufFile& file);

}  // namespace hearth
