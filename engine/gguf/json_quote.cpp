// JSON string literals from raw bytes. GGUF strings are meant to be UTF-8 but nothing
// guarantees it, so invalid sequences are replaced rather than copied into the output.
#include <cstdint>
#include <string>
#include <string_view>

#include "gguf/gguf_json.h"
#include "json/json.h"

namespace hearth::gguf {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at s[i], or 0 with `consumed` set to the
// maximal subpart to replace (at least 1). Follows Unicode's table of well-formed
// sequences: no overlongs (C0, C1, E0 80..9F, F0 80..8F), no surrogates (ED A0..BF), nothing
// above U+10FFFF (F4 90.., F5..FF).
size_t valid_sequence_length(std::string_view s, size_t i, size_t& consumed) {
    const auto b0 = static_cast<uint8_t>(s[i]);
    size_t length = 0;
    uint8_t low = 0x80;
    uint8_t high = 0xBF;
    if (b0 < 0x80) return 1;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        length = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        length = 3;
        if (b0 == 0xE0) low = 0xA0;
        if (b0 == 0xED) high = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        length = 4;
        if (b0 == 0xF0) low = 0x90;
        if (b0 == 0xF4) high = 0x8F;
    } else {
        consumed = 1;
        return 0;
    }
    for (size_t k = 1; k < length; ++k) {
        if (i + k >= s.size()) {
            consumed = k;
            return 0;
        }
        const auto b = static_cast<uint8_t>(s[i + k]);
        const uint8_t lo = (k == 1) ? low : 0x80;
        const uint8_t hi = (k == 1) ? high : 0xBF;
        if (b < lo || b > hi) {
            consumed = k;
            return 0;
        }
    }
    return length;
}

}  // namespace

std::string json_quote(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() + 2);
    out += '"';
    size_t i = 0;
    while (i < bytes.size()) {
        const auto c = static_cast<uint8_t>(bytes[i]);
        if (c >= 0x80) {
            size_t consumed = 0;
            const size_t length = valid_sequence_length(bytes, i, consumed);
            if (length == 0) {
                out += kReplacement;
                i += consumed;
            } else {
                out.append(bytes.data() + i, length);
                i += length;
            }
            continue;
        }
        // Control bytes and DEL are escaped so the dump is safe to print on a terminal.
        json::append_escaped_ascii(out, c, /*escape_del=*/true);
        ++i;
    }
    out += '"';
    return out;
}

}  // namespace hearth::gguf
