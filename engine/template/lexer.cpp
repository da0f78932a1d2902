// GCC 12 reports a false -Wrestrict in inlined std::string concatenation (GCC bug 105651).
#pragma GCC diagnostic ignored "-Wrestrict"
#include "template/lexer.h"

#include <cstring>

#include "core/error.h"
#include "template/utf8.h"

namespace hearth::jinja {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
           (c >= 0x1c && c <= 0x1f);
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
}
bool is_name_char(char c) {
    return is_name_start(c) || is_digit(c);
}

// jinja2 normalises \r\n and \r to \n and, with keep_trailing_newline=False, drops one
// trailing newline of the source.
std::string normalise_newlines(std::string_view source) {
    std::string out;
    out.reserve(source.size());
    for (size_t i = 0; i < source.size(); ++i) {
        if (source[i] == '\r') {
            out += '\n';
            if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
        } else {
            out += source[i];
        }
    }
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

class Lexer {
public:
    explicit Lexer(std::string_view source) : src_(normalise_newlines(source)) {}

    std::vector<Token> run() {
        bool line_starting = true;  // did the previous match end with a newline?
        while (pos_ < src_.size()) {
            size_t tag = find_tag(pos_);
            std::string text = src_.substr(pos_, tag - pos_);
            if (tag == src_.size()) {
                emit_text(std::move(text));
                break;
            }
            char kind = src_[tag + 1];  // '{', '%' or '#'
            char modifier = tag + 2 < src_.size() ? src_[tag + 2] : '\0';
            if (modifier != '-' && modifier != '+') modifier = '\0';
            if (modifier == '-') {
                size_t end = text.size();
                while (end > 0 && is_space(text[end - 1]))
                    --end;
                text.resize(end);
            } else if (kind != '{' && modifier != '+') {
                lstrip(text, line_starting);
            }
            emit_text(std::move(text));
            pos_ = tag + 2 + (modifier ? 1 : 0);
            if (kind == '#') {
                line_starting = comment();
            } else if (kind == '%' && is_raw_begin()) {
                line_starting = raw();
            } else {
                line_starting = tag_body(kind == '%');
            }
        }
        out_.push_back({TokenType::eof, "", line_});
        return std::move(out_);
    }

private:
    std::string src_;
    size_t pos_ = 0;
    int line_ = 1;
    std::vector<Token> out_;

    [[noreturn]] void fail(const std::string& msg) const {
        throw Error(ErrorCode::template_error, "line " + std::to_string(line_) + ": " + msg);
    }

    // lstrip_blocks: indentation between the last newline and a block tag is dropped when
    // nothing else precedes the tag on its line.
    static void lstrip(std::string& text, bool line_starting) {
        size_t nl = text.rfind('\n');
        size_t l_pos = nl == std::string::npos ? 0 : nl + 1;
        if (l_pos == 0 && !line_starting) return;
        if (l_pos == text.size()) return;
        for (size_t i = l_pos; i < text.size(); ++i)
            if (!is_space(text[i])) return;
        text.resize(l_pos);
    }

    size_t find_tag(size_t from) const {
        for (size_t i = from; i + 1 < src_.size(); ++i)
            if (src_[i] == '{' && (src_[i + 1] == '{' || src_[i + 1] == '%' || src_[i + 1] == '#'))
                return i;
        return src_.size();
    }

    void emit_text(std::string text) {
        int lines = 0;
        for (char c : text)
            lines += c == '\n';
        if (!text.empty()) out_.push_back({TokenType::text, std::move(text), line_});
        line_ += lines;
    }

    void count_lines(size_t from, size_t to) {
        for (size_t i = from; i < to && i < src_.size(); ++i)
            line_ += src_[i] == '\n';
    }

    // After a block/comment end: "-" eats all following whitespace, "+" nothing, otherwise
    // trim_blocks eats one newline. Returns whether the consumed end ended with a newline.
    bool after_end(char modifier, bool block_like) {
        size_t start = pos_;
        if (modifier == '-') {
            while (pos_ < src_.size() && is_space(src_[pos_]))
                ++pos_;
        } else if (modifier != '+' && block_like && pos_ < src_.size() && src_[pos_] == '\n') {
            ++pos_;
        }
        count_lines(start, pos_);
        return pos_ > start && src_[pos_ - 1] == '\n';
    }

    bool comment() {
        size_t end = src_.find("#}", pos_);
        if (end == std::string::npos) fail("missing end of comment tag");
        char modifier =
            end > pos_ && (src_[end - 1] == '-' || src_[end - 1] == '+') ? src_[end - 1] : '\0';
        count_lines(pos_, end);
        pos_ = end + 2;
        return after_end(modifier, true);
    }

    // "{% raw %}" (any modifiers, any spacing) at pos_ (just after "{%" and its modifier).
    bool is_raw_begin() const {
        size_t p = pos_;
        while (p < src_.size() && is_space(src_[p]))
            ++p;
        if (src_.compare(p, 3, "raw") != 0) return false;
        p += 3;
        while (p < src_.size() && is_space(src_[p]))
            ++p;
        return src_.compare(p, 2, "%}") == 0 || src_.compare(p, 3, "-%}") == 0;
    }

    bool raw() {
        size_t p = src_.find("raw", pos_) + 3;
        while (is_space(src_[p]))
            ++p;
        bool strip_after = src_[p] == '-';
        p += strip_after ? 3 : 2;
        if (strip_after)
            while (p < src_.size() && is_space(src_[p]))
                ++p;
        count_lines(pos_, p);
        pos_ = p;
        // Find "{%[-+]? endraw [-+]?%}".
        for (size_t i = pos_; i + 1 < src_.size(); ++i) {
            if (src_[i] != '{' || src_[i + 1] != '%') continue;
            size_t q = i + 2;
            char begin_mod = (q < src_.size() && (src_[q] == '-' || src_[q] == '+')) ? src_[q] : 0;
            if (begin_mod) ++q;
            while (q < src_.size() && is_space(src_[q]))
                ++q;
            if (src_.compare(q, 6, "endraw") != 0) continue;
            q += 6;
            while (q < src_.size() && is_space(src_[q]))
                ++q;
            char end_mod = (q < src_.size() && (src_[q] == '-' || src_[q] == '+')) ? src_[q] : 0;
            if (src_.compare(q + (end_mod ? 1 : 0), 2, "%}") != 0) continue;
            std::string text = src_.substr(pos_, i - pos_);
            if (begin_mod == '-') {
                while (!text.empty() && is_space(text.back()))
                    text.pop_back();
            } else if (begin_mod != '+') {
                lstrip(text, false);
            }
            emit_text(std::move(text));
            count_lines(i, q);
            pos_ = q + (end_mod ? 1 : 0) + 2;
            return after_end(end_mod, true);
        }
        fail("missing end of raw directive");
    }

    // Lexes the inside of {{ }} or {% %} up to and including its end delimiter.
    bool tag_body(bool block) {
        out_.push_back({block ? TokenType::block_begin : TokenType::var_begin, "", line_});
        std::string balance;  // expected closing brackets
        while (true) {
            while (pos_ < src_.size() && is_space(src_[pos_])) {
                line_ += src_[pos_] == '\n';
                ++pos_;
            }
            if (pos_ >= src_.size())
                fail(block ? "unexpected end of template, expected '%}'"
                           : "unexpected end of template, expected '}}'");
            if (balance.empty()) {
                const char* end = block ? "%}" : "}}";
                char modifier = '\0';
                size_t at = pos_;
                if ((src_[at] == '-' || (block && src_[at] == '+')) &&
                    src_.compare(at + 1, 2, end) == 0) {
                    modifier = src_[at];
                    ++at;
                }
                if (src_.compare(at, 2, end) == 0) {
                    pos_ = at + 2;
                    out_.push_back({block ? TokenType::block_end : TokenType::var_end, "", line_});
                    return after_end(modifier, block);
                }
            }
            lex_one(balance);
        }
    }

    void lex_one(std::string& balance) {
        char c = src_[pos_];
        if (is_digit(c)) return number();
        if (is_name_start(c)) {
            size_t start = pos_;
            while (pos_ < src_.size() && is_name_char(src_[pos_]))
                ++pos_;
            out_.push_back({TokenType::name, src_.substr(start, pos_ - start), line_});
            return;
        }
        if (c == '\'' || c == '"') return string_literal();
        static const char* const two[] = {"//", "**", "==", "!=", "<=", ">="};
        for (const char* op : two) {
            if (src_.compare(pos_, 2, op) == 0) {
                out_.push_back({TokenType::op, op, line_});
                pos_ += 2;
                return;
            }
        }
        if (std::strchr("+-*/%~[](){}<>=.:|,;", c) == nullptr || c == '\0')
            fail(std::string("unexpected char '") + c + "'");
        if (c == '(' || c == '[' || c == '{') {
            balance.push_back(c == '(' ? ')' : c == '[' ? ']' : '}');
        } else if (c == ')' || c == ']' || c == '}') {
            if (balance.empty()) fail(std::string("unexpected '") + c + "'");
            if (balance.back() != c)
                fail(std::string("unexpected '") + c + "', expected '" + balance.back() + "'");
            balance.pop_back();
        }
        out_.push_back({TokenType::op, std::string(1, c), line_});
        ++pos_;
    }

    // Digits with optional "_" separators; a fraction and/or exponent make it a float.
    void number() {
        auto digits = [&](std::string& into) {
            while (pos_ < src_.size() &&
                   (is_digit(src_[pos_]) ||
                    (src_[pos_] == '_' && pos_ + 1 < src_.size() && is_digit(src_[pos_ + 1])))) {
                if (src_[pos_] != '_') into += src_[pos_];
                ++pos_;
            }
        };
        std::string text;
        digits(text);
        bool is_float = false;
        if (pos_ + 1 < src_.size() && src_[pos_] == '.' && is_digit(src_[pos_ + 1])) {
            is_float = true;
            text += '.';
            ++pos_;
            digits(text);
        }
        if (pos_ < src_.size() && (src_[pos_] == 'e' || src_[pos_] == 'E')) {
            size_t save = pos_;
            std::string exp = "e";
            ++pos_;
            if (pos_ < src_.size() && (src_[pos_] == '+' || src_[pos_] == '-')) exp += src_[pos_++];
            if (pos_ < src_.size() && is_digit(src_[pos_])) {
                digits(exp);
                text += exp;
                is_float = true;
            } else {
                pos_ = save;
            }
        }
        out_.push_back({is_float ? TokenType::floating : TokenType::integer, text, line_});
    }

    // Python "unicode-escape" decoding of the literal body, as jinja2 applies it.
    void string_literal() {
        char quote = src_[pos_++];
        int start_line = line_;
        std::string out;
        while (true) {
            if (pos_ >= src_.size()) {
                line_ = start_line;
                fail("unexpected end of string");
            }
            char c = src_[pos_++];
            if (c == quote) break;
            if (c == '\n') ++line_;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= src_.size()) fail("unexpected end of string");
            char e = src_[pos_++];
            switch (e) {
                case '\n':
                    ++line_;
                    break;
                case '\\':
                    out += '\\';
                    break;
                case '\'':
                    out += '\'';
                    break;
                case '"':
                    out += '"';
                    break;
                case 'a':
                    out += '\a';
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'v':
                    out += '\v';
                    break;
                case 'x':
                case 'u':
                case 'U': {
                    int len = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    uint32_t cp = 0;
                    for (int i = 0; i < len; ++i) {
                        int h = pos_ < src_.size() ? hex_value(src_[pos_]) : -1;
                        if (h < 0) fail("truncated \\" + std::string(1, e) + " escape in string");
                        cp = cp * 16 + h;
                        ++pos_;
                    }
                    if (cp > 0x10ffff) fail("illegal Unicode character in string");
                    append_utf8(out, cp);
                    break;
                }
                default:
                    if (e >= '0' && e <= '7') {
                        uint32_t cp = e - '0';
                        for (int i = 0;
                             i < 2 && pos_ < src_.size() && src_[pos_] >= '0' && src_[pos_] <= '7';
                             ++i)
                            cp = cp * 8 + (src_[pos_++] - '0');
                        append_utf8(out, cp);
                    } else if (e == 'N') {
                        fail("\\N{...} escapes are not supported");
                    } else {
                        out += '\\';  // unknown escapes stay as written
                        out += e;
                        if (e == '\n') ++line_;
                    }
            }
        }
        out_.push_back({TokenType::string, std::move(out), start_line});
    }
};

}  // namespace

std::vector<Token> tokenize(std::string_view source) {
    return Lexer(source).run();
}

}  // namespace hearth::jinja
