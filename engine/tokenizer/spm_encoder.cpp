#include "tokenizer/spm_encoder.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "tokenizer/symbol_merge.h"
#include "tokenizer/unicode_props.h"

namespace hearth {

SpmEncoder::SpmEncoder(const Vocab& vocab, const TokenIndex& index) : vocab_(vocab), index_(index) {
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        auto it = index_.find(std::string_view(name));
        if (it == index_.end()) it = index_.find(std::string(1, static_cast<char>(b)));
        byte_tokens_[b] = it == index_.end() ? -1 : it->second;
    }
}

void SpmEncoder::encode(std::string_view text, std::vector<int32_t>& out) const {
    std::vector<MergeSymbol> symbols;
    symbols.reserve(text.size());
    for (size_t pos = 0; pos < text.size();) {
        // One symbol per character; a byte that is not valid UTF-8 is a symbol of its own
        // (llama.cpp trusts the lead byte's length and would swallow the next character).
        const size_t len = unicode::decode_utf8(text, pos).len;
        const int index = static_cast<int>(symbols.size());
        symbols.push_back({pos, len, index - 1, index + 1});
        pos += len;
    }
    if (symbols.empty()) return;
    symbols.back().next = -1;

    // Higher piece score merges first.
    merge_symbols(symbols, [&](int left, int right) -> std::optional<double> {
        const size_t len = symbols[left].len + symbols[right].len;
        const auto it = index_.find(text.substr(symbols[left].start, len));
        if (it == index_.end()) return std::nullopt;
        return vocab_.score_of(it->second);
    });

    for (int i = 0; i >= 0; i = symbols[i].next) {
        emit_symbol(text.substr(symbols[i].start, symbols[i].len), out);
    }
}

void SpmEncoder::emit_symbol(std::string_view symbol, std::vector<int32_t>& out) const {
    if (const auto it = index_.find(symbol); it != index_.end()) {
        out.push_back(it->second);
        return;
    }
    for (const char c : symbol) {
        const int32_t id = byte_tokens_[static_cast<uint8_t>(c)];
        if (id >= 0) {
            out.push_back(id);
        } else if (vocab_.unk_id >= 0) {
            out.push_back(vocab_.unk_id);
        }
    }
}

}  // namespace hearth
