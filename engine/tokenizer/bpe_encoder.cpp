#include "tokenizer/bpe_encoder.h"

#include <string>

#include "core/error.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/symbol_merge.h"
#include "tokenizer/unicode_props.h"

namespace hearth {

BpeEncoder::BpeEncoder(const Vocab& vocab, const TokenIndex& index, bool ignore_merges)
    : vocab_(vocab), index_(index), ignore_merges_(ignore_merges) {
    ranks_.reserve(vocab.merges.size());
    for (size_t i = 0; i < vocab.merges.size(); ++i) {
        const std::string& merge = vocab.merges[i];
        // Split at the first space after the first character: a side may itself start
        // with a (non byte-level) space in hand-made vocabularies.
        const size_t space = merge.find(' ', 1);
        if (space == std::string::npos || space + 1 >= merge.size()) {
            throw Error(ErrorCode::format,
                        "malformed BPE merge #" + std::to_string(i) + ": '" + merge + "'");
        }
        ranks_.emplace(merge, static_cast<int32_t>(i));  // first occurrence wins
    }
}

void BpeEncoder::encode_word(std::string_view word, std::vector<int32_t>& out) const {
    std::string text;
    text.reserve(word.size() * 2);
    byte_level::encode(word, text);

    if (ignore_merges_) {
        if (const auto it = index_.find(text); it != index_.end()) {
            out.push_back(it->second);
            return;
        }
    }

    std::vector<MergeSymbol> symbols;
    symbols.reserve(word.size());
    for (size_t pos = 0; pos < text.size();) {
        const size_t len = unicode::decode_utf8(text, pos).len;
        const int index = static_cast<int>(symbols.size());
        symbols.push_back({pos, len, index - 1, index + 1});
        pos += len;
    }
    if (symbols.empty()) return;
    symbols.back().next = -1;

    std::string key;
    // Lower merge rank merges first.
    merge_symbols(symbols, [&](int left, int right) -> std::optional<double> {
        const MergeSymbol& l = symbols[left];
        const MergeSymbol& r = symbols[right];
        key.assign(text, l.start, l.len);
        key += ' ';
        key.append(text, r.start, r.len);
        const auto it = ranks_.find(key);
        if (it == ranks_.end()) return std::nullopt;
        return -static_cast<double>(it->second);
    });

    const std::string_view view(text);
    for (int i = 0; i >= 0; i = symbols[i].next) {
        emit_symbol(view.substr(symbols[i].start, symbols[i].len), out);
    }
}

void BpeEncoder::emit_symbol(std::string_view symbol, std::vector<int32_t>& out) const {
    if (const auto it = index_.find(symbol); it != index_.end()) {
        out.push_back(it->second);
        return;
    }
    // A merge produced a string that is not a token (inconsistent vocabulary): fall back to
    // its characters, each of which a complete byte-level vocabulary has.
    for (size_t pos = 0; pos < symbol.size();) {
        const size_t len = unicode::decode_utf8(symbol, pos).len;
        if (const auto it = index_.find(symbol.substr(pos, len)); it != index_.end()) {
            out.push_back(it->second);
        } else if (vocab_.unk_id >= 0) {
            out.push_back(vocab_.unk_id);
        }
        pos += len;
    }
}

}  // namespace hearth
