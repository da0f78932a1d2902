#pragma once
// Byte-level BPE ("gpt2" vocab): each pre-tokenized word is spelled in the byte-level
// alphabet, split into characters, and the adjacent pair with the lowest merge rank is merged
// (ties: leftmost) until no ranked pair remains; each symbol is then looked up as a token.
#include <cstdint>
#include <string_view>
#include <vector>

#include "tokenizer/token_index.h"
#include "tokenizer/vocab.h"

namespace hearth {

class BpeEncoder {
public:
    // `vocab` and `index` must outlive the encoder. Throws Error(format) on a malformed merge.
    BpeEncoder(const Vocab& vocab, const TokenIndex& index, bool ignore_merges);

    // `word` is raw bytes (one pre-tokenizer piece).
    void encode_word(std::string_view word, std::vector<int32_t>& out) const;

private:
    void emit_symbol(std::string_view symbol, std::vector<int32_t>& out) const;

    const Vocab& vocab_;
    const TokenIndex& index_;
    bool ignore_merges_;
    StringMap<int32_t> ranks_;  // "left right" -> rank (0 = merged first)
};

}  // namespace hearth
