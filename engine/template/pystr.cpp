#include "template/pystr.h"

#include <algorithm>

#include "template/utf8.h"
#include "template/value.h"

namespace hearth::jinja::pystr {

namespace {

// Byte ranges of each code point.
struct Cp {
    uint32_t cp;
    size_t begin, end;
};
std::vector<Cp> scan(std::string_view s) {
    std::vector<Cp> out;
    for (size_t i = 0; i < s.size();) {
        size_t b = i;
        uint32_t cp = next_code_point(s, i);
        out.push_back({cp, b, i});
    }
    return out;
}

}  // namespace

std::string strip(std::string_view s, const std::optional<std::string>& chars, bool left,
                  bool right) {
    std::vector<uint32_t> set;
    if (chars) set = code_points(*chars);
    auto strip_it = [&](uint32_t cp) {
        return chars ? std::find(set.begin(), set.end(), cp) != set.end() : is_python_space(cp);
    };
    auto cps = scan(s);
    size_t b = 0, e = cps.size();
    if (left)
        while (b < e && strip_it(cps[b].cp))
            ++b;
    if (right)
        while (e > b && strip_it(cps[e - 1].cp))
            --e;
    if (b == e) return {};
    return std::string(s.substr(cps[b].begin, cps[e - 1].end - cps[b].begin));
}

std::vector<std::string> split(std::string_view s, const std::optional<std::string>& sep,
                               int64_t maxsplit, bool from_right) {
    std::vector<std::string> out;
    if (sep) {
        if (sep->empty()) raise_error("empty separator");
        if (!from_right) {
            size_t pos = 0;
            while (maxsplit < 0 || static_cast<int64_t>(out.size()) < maxsplit) {
                size_t at = s.find(*sep, pos);
                if (at == std::string_view::npos) break;
                out.emplace_back(s.substr(pos, at - pos));
                pos = at + sep->size();
            }
            out.emplace_back(s.substr(pos));
        } else {
            size_t end = s.size();
            while (maxsplit < 0 || static_cast<int64_t>(out.size()) < maxsplit) {
                if (end < sep->size()) break;
                size_t at = s.rfind(*sep, end - sep->size());
                if (at == std::string_view::npos) break;
                out.emplace_back(s.substr(at + sep->size(), end - at - sep->size()));
                end = at;
            }
            out.emplace_back(s.substr(0, end));
            std::reverse(out.begin(), out.end());
        }
        return out;
    }
    // Whitespace split: runs of whitespace separate, leading/trailing ignored.
    auto cps = scan(s);
    if (!from_right) {
        size_t i = 0;
        while (true) {
            while (i < cps.size() && is_python_space(cps[i].cp))
                ++i;
            if (i == cps.size()) break;
            if (maxsplit >= 0 && static_cast<int64_t>(out.size()) == maxsplit) {
                size_t e = cps.size();
                while (e > i && is_python_space(cps[e - 1].cp))
                    --e;
                out.emplace_back(s.substr(cps[i].begin, cps[e - 1].end - cps[i].begin));
                break;
            }
            size_t j = i;
            while (j < cps.size() && !is_python_space(cps[j].cp))
                ++j;
            out.emplace_back(s.substr(cps[i].begin, cps[j - 1].end - cps[i].begin));
            i = j;
        }
    } else {
        size_t i = cps.size();
        while (true) {
            while (i > 0 && is_python_space(cps[i - 1].cp))
                --i;
            if (i == 0) break;
            if (maxsplit >= 0 && static_cast<int64_t>(out.size()) == maxsplit) {
                size_t b = 0;
                while (b < i && is_python_space(cps[b].cp))
                    ++b;
                out.emplace_back(s.substr(cps[b].begin, cps[i - 1].end - cps[b].begin));
                break;
            }
            size_t j = i;
            while (j > 0 && !is_python_space(cps[j - 1].cp))
                --j;
            out.emplace_back(s.substr(cps[j].begin, cps[i - 1].end - cps[j].begin));
            i = j;
        }
        std::reverse(out.begin(), out.end());
    }
    return out;
}

std::vector<std::string> splitlines(std::string_view s, bool keepends) {
    std::vector<std::string> out;
    auto cps = scan(s);
    size_t line_begin = 0;
    for (size_t i = 0; i < cps.size(); ++i) {
        uint32_t c = cps[i].cp;
        bool brk = c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d ||
                   c == 0x1e || c == 0x85 || c == 0x2028 || c == 0x2029;
        if (!brk) continue;
        size_t content_end = cps[i].begin;
        size_t next = cps[i].end;
        if (c == '\r' && i + 1 < cps.size() && cps[i + 1].cp == '\n') {
            next = cps[i + 1].end;
            ++i;
        }
        out.emplace_back(s.substr(line_begin, (keepends ? next : content_end) - line_begin));
        line_begin = next;
    }
    if (line_begin < s.size()) out.emplace_back(s.substr(line_begin));
    return out;
}

std::string replace(std::string_view s, std::string_view old, std::string_view with,
                    int64_t count) {
    std::string out;
    if (old.empty()) {
        auto cps = scan(s);
        int64_t done = 0;
        for (size_t i = 0; i <= cps.size(); ++i) {
            if (count < 0 || done < count) {
                out += with;
                ++done;
            }
            if (i < cps.size()) out.append(s.substr(cps[i].begin, cps[i].end - cps[i].begin));
        }
        return out;
    }
    size_t pos = 0;
    int64_t done = 0;
    while (count < 0 || done < count) {
        size_t at = s.find(old, pos);
        if (at == std::string_view::npos) break;
        out.append(s.substr(pos, at - pos));
        out.append(with);
        pos = at + old.size();
        ++done;
    }
    out.append(s.substr(pos));
    return out;
}

int64_t find(std::string_view s, std::string_view sub, bool from_right) {
    size_t at = from_right ? s.rfind(sub) : s.find(sub);
    if (at == std::string_view::npos) return -1;
    return static_cast<int64_t>(code_point_count(s.substr(0, at)));
}

int64_t count(std::string_view s, std::string_view sub) {
    if (sub.empty()) return static_cast<int64_t>(code_point_count(s)) + 1;
    int64_t n = 0;
    for (size_t pos = s.find(sub); pos != std::string_view::npos;
         pos = s.find(sub, pos + sub.size()))
        ++n;
    return n;
}

bool is_space(std::string_view s) {
    if (s.empty()) return false;
    for (size_t i = 0; i < s.size();)
        if (!is_python_space(next_code_point(s, i))) return false;
    return true;
}

}  // namespace hearth::jinja::pystr
