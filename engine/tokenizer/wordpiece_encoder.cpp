#include "tokenizer/wordpiece_encoder.h"

#include "core/error.h"

namespace hearth {

WordPieceEncoder::WordPieceEncoder(const Vocab& vocab, const TokenIndex& index)
    : vocab_(vocab), index_(index) {
    throw Error(ErrorCode::unsupported, "WordPiece (bert) vocabularies are not supported yet");
}

void WordPieceEncoder::encode(std::string_view, std::vector<int32_t>&) const {}

}  // namespace hearth
