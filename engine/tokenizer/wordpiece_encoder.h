#pragma once
// WordPiece ("bert" vocab), as converted to GGUF: word-initial pieces carry a leading ▁,
// continuation pieces are bare.
#include <cstdint>
#include <string_view>
#include <vector>

#include "tokenizer/token_index.h"
#include "tokenizer/vocab.h"

namespace hearth {

class WordPieceEncoder {
public:
    WordPieceEncoder(const Vocab& vocab, const TokenIndex& index);
    void encode(std::string_view text, std::vector<int32_t>& out) const;

private:
    const Vocab& vocab_;
    const TokenIndex& index_;
};

}  // namespace hearth
