#include "runtime/stop_strings.h"

#include <algorithm>

namespace hearth {

StopStringFilter::StopStringFilter(std::vector<std::string> stops) {
    for (auto& s : stops) {
        if (!s.empty()) stops_.push_back(std::move(s));
    }
}

std::string StopStringFilter::push(std::string_view text) {
    if (stopped_) return {};
    held_.append(text);
    size_t first = std::string::npos;
    for (const auto& stop : stops_)
        first = std::min(first, held_.find(stop));
    if (first != std::string::npos) {
        std::string out = held_.substr(0, first);
        held_.clear();
        stopped_ = true;
        return out;
    }
    // Longest suffix of held_ that is a proper prefix of some stop string.
    size_t hold = 0;
    for (const auto& stop : stops_) {
        const size_t max_k = std::min(stop.size() - 1, held_.size());
        for (size_t k = max_k; k > hold; --k) {
            if (held_.compare(held_.size() - k, k, stop, 0, k) == 0) {
                hold = k;
                break;
            }
        }
    }
    std::string out = held_.substr(0, held_.size() - hold);
    held_.erase(0, held_.size() - hold);
    return out;
}

std::string StopStringFilter::flush() {
    std::string out = stopped_ ? std::string() : held_;
    held_.clear();
    return out;
}

}  // namespace hearth
