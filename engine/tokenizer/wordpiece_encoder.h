#pragma once
// WordPiece ("bert" vocab), as converted to GGUF: word-initial pieces carry a leading ▁,
// continuation pieces are bare. Text is split on whitespace, punctuation and CJK ideographs,
// normalised uncased (NFD, lower case, accents dropped), then each word is matched greedily,
// longest piece first; a word that cannot be covered becomes the unknown token.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/token_index.h"
#include "tokenizer/vocab.h"

namespace hearth {

class WordPieceEncoder {
public:
    WordPieceEncoder(const Vocab& vocab, const TokenIndex& index);
    void encode(std::string_view text, std::vector<int32_t>& out) const;

    // The normalised words, in order (exposed for tests).
    static std::vector<std::string> split_words(std::string_view text);

private:
    const Vocab& vocab_;
    const TokenIndex& index_;
    size_t max_token_len_ = 0;  // bytes
};

}  // namespace hearth
