#pragma once
// The merge loop SentencePiece-style and byte-level BPE share: symbols form a doubly linked
// list over the text; the best adjacent pair is merged repeatedly until no pair is known.
// Only how a pair is judged differs (SPM: piece score, higher first; BPE: merge rank, lower
// first), so that is the caller's `priority_of`.
#include <cstddef>
#include <optional>
#include <queue>
#include <vector>

namespace hearth {

struct MergeSymbol {
    size_t start;
    size_t len;  // 0 once merged into its left neighbour
    int prev;
    int next;
};

// priority_of(left_index, right_index) -> std::optional<double>: nullopt when the pair is
// not mergeable; otherwise higher merges first, and among equals the leftmost pair.
template <typename PriorityOf>
void merge_symbols(std::vector<MergeSymbol>& symbols, PriorityOf&& priority_of) {
    struct Bigram {
        double priority;
        int left;
        int right;
        size_t len;  // left.len + right.len when queued; stale if either side changed since
    };
    struct LowerPriority {
        bool operator()(const Bigram& a, const Bigram& b) const {
            return a.priority < b.priority || (a.priority == b.priority && a.left > b.left);
        }
    };
    std::priority_queue<Bigram, std::vector<Bigram>, LowerPriority> queue;
    const auto try_add = [&](int left, int right) {
        if (left < 0 || right < 0) return;
        if (const std::optional<double> p = priority_of(left, right))
            queue.push({*p, left, right, symbols[left].len + symbols[right].len});
    };
    for (size_t i = 1; i < symbols.size(); ++i)
        try_add(static_cast<int>(i - 1), static_cast<int>(i));

    while (!queue.empty()) {
        const Bigram bigram = queue.top();
        queue.pop();
        MergeSymbol& left = symbols[bigram.left];
        MergeSymbol& right = symbols[bigram.right];
        if (left.len == 0 || right.len == 0 || left.len + right.len != bigram.len) continue;
        left.len += right.len;
        right.len = 0;
        left.next = right.next;
        if (right.next >= 0) symbols[right.next].prev = bigram.left;
        try_add(left.prev, bigram.left);
        try_add(bigram.left, left.next);
    }
}

}  // namespace hearth
