#include "tokenizer/unicode_props.h"

#include <algorithm>
#include <array>
#include <iterator>

namespace hearth::unicode {
namespace {

struct ClassRun {
    uint32_t first;
    uint8_t cls;
};

// Sorted by `first`; run i covers [first_i, first_{i+1}).
constexpr ClassRun kClassRuns[] = {
#include "tokenizer/unicode_tables.inc"
};

}  // namespace

size_t utf8_sequence_length(uint8_t lead) {
    if (lead < 0xC2) return 1;  // ASCII, stray continuation bytes, overlong-only leads C0/C1
    if (lead < 0xE0) return 2;
    if (lead < 0xF0) return 3;
    if (lead < 0xF5) return 4;
    return 1;
}

DecodedChar decode_utf8(std::string_view text, size_t pos) {
    const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
    const uint8_t lead = byte(pos);
    if (lead < 0x80) return {lead, 1, true};
    const DecodedChar invalid{kReplacementChar, 1, false};
    const size_t len = utf8_sequence_length(lead);
    if (len == 1 || pos + len > text.size()) return invalid;
    uint32_t cp = lead & (0x7F >> len);
    for (size_t i = 1; i < len; ++i) {
        const uint8_t b = byte(pos + i);
        if ((b & 0xC0) != 0x80) return invalid;
        cp = (cp << 6) | (b & 0x3F);
    }
    static constexpr uint32_t kMinForLength[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return invalid;
    return {cp, static_cast<uint32_t>(len), true};
}

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

UnicodeClass unicode_class(uint32_t cp) {
    if (cp > 0x10FFFF) return UnicodeClass::other;
    const auto* end = std::end(kClassRuns);
    const auto* it = std::upper_bound(std::begin(kClassRuns), end, cp,
                                      [](uint32_t v, const ClassRun& r) { return v < r.first; });
    return static_cast<UnicodeClass>((it - 1)->cls);  // kClassRuns[0].first == 0
}

bool is_whitespace(uint32_t cp) {
    // The White_Space property (PropList.txt); short and stable, so listed by hand.
    switch (cp) {
        case 0x09:
        case 0x0A:
        case 0x0B:
        case 0x0C:
        case 0x0D:
        case 0x20:
        case 0x85:
        case 0xA0:
        case 0x1680:
        case 0x2028:
        case 0x2029:
        case 0x202F:
        case 0x205F:
        case 0x3000:
            return true;
        default:
            return cp >= 0x2000 && cp <= 0x200A;
    }
}

}  // namespace hearth::unicode
