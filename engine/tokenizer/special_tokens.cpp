#include "tokenizer/special_tokens.h"

#include <algorithm>

namespace hearth {

SpecialTokenMatcher::SpecialTokenMatcher(const Vocab& vocab) {
    for (size_t id = 0; id < vocab.tokens.size(); ++id) {
        const TokenType type = vocab.type_of(static_cast<int32_t>(id));
        const bool user = type == TokenType::user_defined;
        if (!user && type != TokenType::control && type != TokenType::unknown) continue;
        if (vocab.tokens[id].empty()) continue;
        specials_.push_back({static_cast<int32_t>(id), vocab.tokens[id], user});
    }
    std::stable_sort(specials_.begin(), specials_.end(), [](const Special& a, const Special& b) {
        return a.text.size() > b.text.size();
    });

    node_special_.push_back(-1);
    for (size_t s = 0; s < specials_.size(); ++s) {
        int32_t node = 0;
        for (const char c : specials_[s].text) {
            const auto byte = static_cast<uint8_t>(c);
            int32_t* child = nullptr;
            if (node == 0) {
                child = &root_children_[byte];
            } else {
                child = &children_[(static_cast<uint64_t>(node) << 8) | byte];
            }
            if (*child == 0) {
                *child = static_cast<int32_t>(node_special_.size());
                node_special_.push_back(-1);
            }
            node = *child;
        }
        // Duplicate texts: the first (longest-first order, lowest id) keeps the node.
        if (node_special_[node] < 0) node_special_[node] = static_cast<int32_t>(s);
    }
}

std::vector<bool> SpecialTokenMatcher::present_in(std::string_view text, bool parse_special) const {
    std::vector<bool> present(specials_.size(), false);
    for (size_t start = 0; start < text.size(); ++start) {
        int32_t node = root_children_[static_cast<uint8_t>(text[start])];
        size_t pos = start + 1;
        while (node != 0) {
            const int32_t s = node_special_[node];
            if (s >= 0 && (parse_special || specials_[s].always)) present[s] = true;
            if (pos >= text.size()) break;
            const auto it = children_.find((static_cast<uint64_t>(node) << 8) |
                                           static_cast<uint8_t>(text[pos]));
            node = it == children_.end() ? 0 : it->second;
            ++pos;
        }
    }
    return present;
}

std::vector<Fragment> SpecialTokenMatcher::partition(std::string_view text,
                                                     bool parse_special) const {
    std::vector<Fragment> fragments;
    if (text.empty()) return fragments;
    fragments.push_back({-1, 0, text.size()});
    if (specials_.empty()) return fragments;

    const std::vector<bool> present = present_in(text, parse_special);
    std::vector<Fragment> next;
    for (size_t s = 0; s < specials_.size(); ++s) {
        if (!present[s]) continue;
        const std::string& needle = specials_[s].text;
        next.clear();
        for (const Fragment& f : fragments) {
            if (f.token >= 0) {
                next.push_back(f);
                continue;
            }
            const std::string_view raw = text.substr(f.begin, f.len);
            size_t from = 0;
            for (size_t hit = raw.find(needle); hit != std::string_view::npos;
                 hit = raw.find(needle, from)) {
                if (hit > from) next.push_back({-1, f.begin + from, hit - from});
                next.push_back({specials_[s].id, f.begin + hit, needle.size()});
                from = hit + needle.size();
            }
            if (from < raw.size()) next.push_back({-1, f.begin + from, raw.size() - from});
        }
        fragments.swap(next);
    }
    return fragments;
}

}  // namespace hearth
