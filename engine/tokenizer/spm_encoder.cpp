#include "tokenizer/spm_encoder.h"

#include <algorithm>
#include <cstdio>
#include <queue>
#include <string>

#include "tokenizer/unicode_props.h"

namespace hearth {
namespace {

// Symbols form a doubly linked list over the text; a merged-away symbol keeps len == 0.
struct Symbol {
    size_t start;
    size_t len;
    int prev;
    int next;
};

struct Bigram {
    float score;
    int left;
    int right;
    size_t len;  // left.len + right.len when queued; stale if either side changed since
};

struct LowerPriority {
    bool operator()(const Bigram& a, const Bigram& b) const {
        return a.score < b.score || (a.score == b.score && a.left > b.left);
    }
};

}  // namespace

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
    std::vector<Symbol> symbols;
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

    std::priority_queue<Bigram, std::vector<Bigram>, LowerPriority> queue;
    const auto try_add = [&](int left, int right) {
        if (left < 0 || right < 0) return;
        const size_t len = symbols[left].len + symbols[right].len;
        const auto it = index_.find(text.substr(symbols[left].start, len));
        if (it == index_.end()) return;
        queue.push({vocab_.score_of(it->second), left, right, len});
    };
    for (size_t i = 1; i < symbols.size(); ++i) {
        try_add(static_cast<int>(i - 1), static_cast<int>(i));
    }

    while (!queue.empty()) {
        const Bigram bigram = queue.top();
        queue.pop();
        Symbol& left = symbols[bigram.left];
        Symbol& right = symbols[bigram.right];
        if (left.len == 0 || right.len == 0 || left.len + right.len != bigram.len) continue;
        left.len += right.len;
        right.len = 0;
        left.next = right.next;
        if (right.next >= 0) symbols[right.next].prev = bigram.left;
        try_add(left.prev, bigram.left);
        try_add(bigram.left, left.next);
    }

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
