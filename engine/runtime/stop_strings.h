#pragma once
// Holds generated text back while it could still be the start of a stop string, so a stop
// string split across tokens is never emitted, and cuts the text where one matches.
// Input must be complete UTF-8 (from Utf8StreamDecoder); output then is too, because a held
// suffix always starts where a stop string starts.
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

class StopStringFilter {
public:
    explicit StopStringFilter(std::vector<std::string> stops);

    // Returns the text that can be emitted now. After a match, returns the text before the
    // stop string, sets stopped() and drops everything else.
    std::string push(std::string_view text);
    // The text still held back (generation ended without a match).
    std::string flush();
    bool stopped() const { return stopped_; }

private:
    std::vector<std::string> stops_;
    std::string held_;
    bool stopped_ = false;
};

}  // namespace hearth
