#pragma once
// Cuts special tokens out of raw text before a model's own algorithm runs, the way
// llama.cpp does: control/unknown tokens only when the caller asks to parse specials,
// user-defined tokens always; longer tokens are cut first, each token everywhere it occurs
// in the text still left uncut.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizer/vocab.h"

namespace hearth {

struct Fragment {
    int32_t token = -1;  // >= 0: a special token; -1: raw text [begin, begin + len)
    size_t begin = 0;
    size_t len = 0;
};

class SpecialTokenMatcher {
public:
    explicit SpecialTokenMatcher(const Vocab& vocab);

    std::vector<Fragment> partition(std::string_view text, bool parse_special) const;

private:
    struct Special {
        int32_t id;
        std::string text;
        bool always;  // user-defined: matched even without parse_special
    };
    std::vector<bool> present_in(std::string_view text, bool parse_special) const;

    std::vector<Special> specials_;  // longest text first, then lowest id
    // A byte trie over the special texts, so one pass finds which of them occur at all
    // (vocabularies like Gemma's hold thousands). Node 0 is the root.
    std::vector<int32_t> node_special_;               // node -> index in specials_ or -1
    std::array<int32_t, 256> root_children_{};        // 0 = none
    std::unordered_map<uint64_t, int32_t> children_;  // (node << 8 | byte) -> node
};

}  // namespace hearth
