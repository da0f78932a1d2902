#include "template/utf8.h"

namespace hearth::jinja {

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

uint32_t next_code_point(std::string_view s, size_t& i) {
    auto b0 = static_cast<unsigned char>(s[i]);
    int len = b0 < 0x80 ? 1 : (b0 >> 5) == 6 ? 2 : (b0 >> 4) == 14 ? 3 : (b0 >> 3) == 30 ? 4 : 0;
    if (len <= 1 || i + len > s.size()) {
        ++i;
        return b0;
    }
    uint32_t cp = len == 2 ? (b0 & 0x1f) : len == 3 ? (b0 & 0x0f) : (b0 & 0x07);
    for (int k = 1; k < len; ++k) {
        auto b = static_cast<unsigned char>(s[i + k]);
        if ((b >> 6) != 2) {
            ++i;
            return b0;
        }
        cp = (cp << 6) | (b & 0x3f);
    }
    i += len;
    return cp;
}

std::vector<uint32_t> code_points(std::string_view s) {
    std::vector<uint32_t> out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();)
        out.push_back(next_code_point(s, i));
    return out;
}

std::string from_code_points(const std::vector<uint32_t>& cps, size_t begin, size_t end) {
    std::string out;
    for (size_t i = begin; i < end && i < cps.size(); ++i)
        append_utf8(out, cps[i]);
    return out;
}

size_t code_point_count(std::string_view s) {
    size_t n = 0;
    for (size_t i = 0; i < s.size();) {
        next_code_point(s, i);
        ++n;
    }
    return n;
}

namespace {

// Ranges where upper and lower case alternate (even = upper, odd = lower, or the reverse).
struct AlternatingRange {
    uint32_t first, last;
    bool upper_even;
};
constexpr AlternatingRange kAlternating[] = {
    {0x100, 0x12f, true},  {0x132, 0x137, true}, {0x139, 0x148, false}, {0x14a, 0x177, true},
    {0x179, 0x17e, false}, {0x460, 0x481, true}, {0x48a, 0x4bf, true},
};

// Contiguous blocks: [upper_first, upper_first + count) maps to lower_first + offset.
struct ShiftedRange {
    uint32_t upper_first, lower_first, count;
};
constexpr ShiftedRange kShifted[] = {
    {'A', 'a', 26},     {0xc0, 0xe0, 23},     {0xd8, 0xf8, 7},   {0x391, 0x3b1, 17},
    {0x3a3, 0x3c3, 9},  {0x388, 0x3ad, 3},    {0x38e, 0x3cd, 2}, {0x400, 0x450, 16},
    {0x410, 0x430, 32}, {0xff21, 0xff41, 26},
};

}  // namespace

uint32_t to_upper_cp(uint32_t cp) {
    for (const auto& r : kShifted)
        if (cp >= r.lower_first && cp < r.lower_first + r.count)
            return r.upper_first + (cp - r.lower_first);
    for (const auto& r : kAlternating)
        if (cp >= r.first && cp <= r.last && ((cp % 2 == 0) != r.upper_even)) return cp - 1;
    switch (cp) {
        case 0xb5:
            return 0x39c;
        case 0xff:
            return 0x178;
        case 0x131:
            return 'I';
        case 0x17f:
            return 'S';
        case 0x3ac:
            return 0x386;
        case 0x3cc:
            return 0x38c;
        case 0x3c2:
            return 0x3a3;
        default:
            return cp;
    }
}

uint32_t to_lower_cp(uint32_t cp) {
    for (const auto& r : kShifted)
        if (cp >= r.upper_first && cp < r.upper_first + r.count)
            return r.lower_first + (cp - r.upper_first);
    for (const auto& r : kAlternating)
        if (cp >= r.first && cp <= r.last && ((cp % 2 == 0) == r.upper_even)) return cp + 1;
    switch (cp) {
        case 0x178:
            return 0xff;
        case 0x386:
            return 0x3ac;
        case 0x38c:
            return 0x3cc;
        default:
            return cp;
    }
}

bool is_cased_letter(uint32_t cp) {
    return to_upper_cp(cp) != cp || to_lower_cp(cp) != cp || cp == 0xdf || cp == 0x138 ||
           cp == 0x149;
}

bool is_python_space(uint32_t cp) {
    return (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x20) || cp == 0x85 || cp == 0xa0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

namespace {
template <typename F>
std::string map_code_points(std::string_view s, F f) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();)
        append_utf8(out, f(next_code_point(s, i)));
    return out;
}
}  // namespace

std::string to_upper(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        uint32_t cp = next_code_point(s, i);
        if (cp == 0xdf)
            out += "SS";  // the one common one-to-many mapping: German sharp s
        else
            append_utf8(out, to_upper_cp(cp));
    }
    return out;
}
std::string to_lower(std::string_view s) {
    return map_code_points(s, to_lower_cp);
}

std::string to_title(std::string_view s) {
    bool previous_cased = false;
    return map_code_points(s, [&](uint32_t cp) {
        uint32_t r = previous_cased ? to_lower_cp(cp) : to_upper_cp(cp);
        previous_cased = is_cased_letter(cp);
        return r;
    });
}

std::string to_capitalize(std::string_view s) {
    bool first = true;
    return map_code_points(s, [&](uint32_t cp) {
        uint32_t r = first ? to_upper_cp(cp) : to_lower_cp(cp);
        first = false;
        return r;
    });
}

}  // namespace hearth::jinja
