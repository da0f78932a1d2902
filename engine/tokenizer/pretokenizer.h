#pragma once
// Splits text into the words a byte-level BPE model merges within, reproducing the
// pre-tokenizer regexes of the HF tokenizers (as llama.cpp names them in
// tokenizer.ggml.pre). The regexes are not interpreted: each one is a hand-written matcher
// with the same leftmost, ordered-alternation, greedy-with-backtracking result. A pre-tokenizer
// is a list of stages; each stage splits every piece of the previous stage into its matches
// and the unmatched gaps between them (both kept), so no byte is ever dropped.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

class PreTokenizer {
public:
    // Throws Error(unsupported) for a name we have no matcher for.
    explicit PreTokenizer(std::string_view pre_name);

    // Byte-level BPE merges are forbidden across these boundaries; ignore_merges families
    // (Llama 3) also look each whole word up in the vocabulary first.
    bool ignore_merges() const { return ignore_merges_; }

    // Words in order; their concatenation is `text`. Invalid UTF-8 bytes are kept, each
    // treated as a non-letter, non-number, non-space character.
    std::vector<std::string_view> split(std::string_view text) const;

    enum class Stage {
        gpt2,       // 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
        llama3,     // (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
                    //  ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
        qwen2,      // as llama3 with \p{N} (one digit) instead of \p{N}{1,3}
        one_digit,  // \p{N}
        digit_run,  // \p{N}+
        three_ascii_digits,  // [0-9][0-9][0-9]
        punctuation_run,     // [\p{P}\$\+<=>\^~\|]+
    };

private:
    std::vector<Stage> stages_;
    bool ignore_merges_ = false;
};

}  // namespace hearth
