#pragma once
// Turns a stream of token pieces (arbitrary byte strings) into text that is always valid
// UTF-8: a character split across pieces is held back until its last byte arrives, bytes
// that can never form a character become U+FFFD as soon as that is certain, and an
// incomplete sequence still held at flush() becomes one U+FFFD.
#include <string>
#include <string_view>

namespace hearth {

class Utf8StreamDecoder {
public:
    // Returns the complete characters now available (possibly empty).
    std::string push(std::string_view bytes);
    // Returns what is still held back (as U+FFFD) and resets the decoder.
    std::string flush();
    bool has_pending() const { return !pending_.empty(); }

private:
    std::string pending_;  // at most 3 bytes: a valid but unfinished sequence prefix
};

}  // namespace hearth
