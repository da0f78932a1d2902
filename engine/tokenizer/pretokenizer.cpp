#include "tokenizer/pretokenizer.h"

#include <cstdint>

#include "core/error.h"
#include "tokenizer/unicode_props.h"

namespace hearth {
namespace {

using unicode::UnicodeClass;

enum CharFlag : uint8_t {
    kLetter = 1,
    kNumber = 2,
    kPunctuation = 4,
    kSpace = 8,
};

// The text decoded once: code point and flags per character, plus byte offsets so pieces
// can be cut from the original bytes (offset has size() + 1 entries).
struct DecodedText {
    std::vector<uint32_t> cp;
    std::vector<uint8_t> flags;
    std::vector<size_t> offset;

    explicit DecodedText(std::string_view text) {
        cp.reserve(text.size());
        flags.reserve(text.size());
        offset.reserve(text.size() + 1);
        size_t pos = 0;
        while (pos < text.size()) {
            const auto ch = unicode::decode_utf8(text, pos);
            offset.push_back(pos);
            cp.push_back(ch.valid ? ch.cp : 0xFFFFFFFF);  // matches no literal
            flags.push_back(ch.valid ? flags_of(ch.cp) : 0);
            pos += ch.len;
        }
        offset.push_back(pos);
    }

    static uint8_t flags_of(uint32_t c) {
        if (unicode::is_whitespace(c)) return kSpace;
        switch (unicode::unicode_class(c)) {
            case UnicodeClass::letter:
                return kLetter;
            case UnicodeClass::number:
                return kNumber;
            case UnicodeClass::punctuation:
                return kPunctuation;
            default:
                return 0;
        }
    }
};

// A matcher sees the characters [begin, end) of one piece as its whole subject string (so
// lookahead stops at `end`) and returns how many characters match at `pos`; 0 = no match.
class Matcher {
public:
    Matcher(const DecodedText& t, size_t end) : t_(t), end_(end) {}

    size_t match(PreTokenizer::Stage stage, size_t pos) const {
        using Stage = PreTokenizer::Stage;
        switch (stage) {
            case Stage::gpt2:
                return gpt2(pos);
            case Stage::llama3:
                return llama3(pos, 3);
            case Stage::qwen2:
                return llama3(pos, 1);
            case Stage::one_digit:
                return is(pos, kNumber) ? 1 : 0;
            case Stage::digit_run:
                return run(pos, [&](size_t i) { return is(i, kNumber); }) - pos;
            case Stage::three_ascii_digits: {
                for (size_t i = pos; i < pos + 3; ++i) {
                    if (i >= end_ || t_.cp[i] < '0' || t_.cp[i] > '9') return 0;
                }
                return 3;
            }
            case Stage::punctuation_run:
                return run(pos, [&](size_t i) { return is_punctuation_or_listed_symbol(i); }) - pos;
        }
        return 0;
    }

private:
    bool is(size_t i, uint8_t flag) const { return i < end_ && (t_.flags[i] & flag); }
    bool is_other(size_t i) const {  // [^\s\p{L}\p{N}]
        return i < end_ && !(t_.flags[i] & (kSpace | kLetter | kNumber));
    }
    bool is_cp(size_t i, uint32_t c) const { return i < end_ && t_.cp[i] == c; }
    bool is_cr_or_lf(size_t i) const { return is_cp(i, '\r') || is_cp(i, '\n'); }
    bool is_ascii_ci(size_t i, char lower) const {
        return is_cp(i, static_cast<uint32_t>(lower)) ||
               is_cp(i, static_cast<uint32_t>(lower - 'a' + 'A'));
    }
    bool is_punctuation_or_listed_symbol(size_t i) const {
        if (i >= end_) return false;
        if (t_.flags[i] & kPunctuation) return true;
        switch (t_.cp[i]) {
            case '$':
            case '+':
            case '<':
            case '=':
            case '>':
            case '^':
            case '~':
            case '|':
                return true;
            default:
                return false;
        }
    }

    // First index >= pos where pred fails (or end_).
    template <typename Pred>
    size_t run(size_t pos, Pred pred) const {
        while (pos < end_ && pred(pos))
            ++pos;
        return pos;
    }

    // 's|'t|'re|'ve|'m|'ll|'d, case-sensitive or not; returns length or 0.
    size_t contraction(size_t pos, bool ignore_case) const {
        if (!is_cp(pos, '\'')) return 0;
        const auto at = [&](size_t i, char c) {
            return ignore_case ? is_ascii_ci(i, c) : is_cp(i, static_cast<uint32_t>(c));
        };
        if (at(pos + 1, 's') || at(pos + 1, 't') || at(pos + 1, 'm') || at(pos + 1, 'd')) return 2;
        if ((at(pos + 1, 'r') && at(pos + 2, 'e')) || (at(pos + 1, 'v') && at(pos + 2, 'e')) ||
            (at(pos + 1, 'l') && at(pos + 2, 'l'))) {
            return 3;
        }
        return 0;
    }

    // \s+(?!\S)|\s+ at a whitespace character: the whole run when it reaches the end of
    // the subject, otherwise all but its last character (which then prefixes the next word);
    // a single whitespace before a non-space falls through to \s+ and is taken alone.
    size_t whitespace_run(size_t pos) const {
        const size_t stop = run(pos, [&](size_t i) { return is(i, kSpace); });
        const size_t n = stop - pos;
        if (stop == end_ || n == 1) return n;
        return n - 1;
    }

    size_t gpt2(size_t pos) const {
        if (size_t n = contraction(pos, false)) return n;
        const size_t body = is_cp(pos, ' ') ? pos + 1 : pos;  // the optional leading space
        if (is(body, kLetter)) return run(body, [&](size_t i) { return is(i, kLetter); }) - pos;
        if (is(body, kNumber)) return run(body, [&](size_t i) { return is(i, kNumber); }) - pos;
        if (is_other(body)) return run(body, [&](size_t i) { return is_other(i); }) - pos;
        if (is(pos, kSpace)) return whitespace_run(pos);
        return 0;
    }

    size_t llama3(size_t pos, size_t max_digits) const {
        if (size_t n = contraction(pos, true)) return n;
        // [^\r\n\p{L}\p{N}]?\p{L}+
        const auto letters = [&](size_t from) {
            return run(from, [&](size_t i) { return is(i, kLetter); }) - pos;
        };
        if (is(pos, kLetter)) return letters(pos);
        if (pos < end_ && !is_cr_or_lf(pos) && !is(pos, kNumber) && is(pos + 1, kLetter)) {
            return letters(pos + 1);
        }
        // \p{N}{1,max_digits}
        if (is(pos, kNumber)) {
            size_t i = pos;
            while (i - pos < max_digits && is(i, kNumber))
                ++i;
            return i - pos;
        }
        //  ?[^\s\p{L}\p{N}]+[\r\n]*
        const size_t body = is_cp(pos, ' ') ? pos + 1 : pos;
        if (is_other(body)) {
            const size_t stop = run(body, [&](size_t i) { return is_other(i); });
            return run(stop, [&](size_t i) { return is_cr_or_lf(i); }) - pos;
        }
        if (!is(pos, kSpace)) return 0;
        // \s*[\r\n]+ : ends just after the last CR/LF of the whitespace run, if it has one.
        const size_t stop = run(pos, [&](size_t i) { return is(i, kSpace); });
        for (size_t i = stop; i > pos; --i) {
            if (is_cr_or_lf(i - 1)) return i - pos;
        }
        return whitespace_run(pos);
    }

    const DecodedText& t_;
    size_t end_;
};

struct Range {
    size_t begin;
    size_t end;
};

}  // namespace

PreTokenizer::PreTokenizer(std::string_view name) {
    if (name == "gpt-2" || name == "phi-2" || name == "jina-es" || name == "jina-de" ||
        name == "jina-v2-es" || name == "jina-v2-de" || name == "gigachat" || name == "mellum") {
        stages_ = {Stage::gpt2};
    } else if (name == "llama3" || name == "llama-v3" || name == "llama-bpe" || name == "falcon3" ||
               name == "pixtral" || name == "lfm2") {
        stages_ = {Stage::llama3};
        ignore_merges_ = true;
    } else if (name == "qwen2" || name == "deepseek-r1-qwen" || name == "megrez") {
        stages_ = {Stage::qwen2};
    } else if (name == "smollm" || name == "starcoder" || name == "refact" || name == "command-r" ||
               name == "codeshell" || name == "exaone") {
        stages_ = {Stage::one_digit, Stage::gpt2};
    } else if (name.empty() || name == "default") {
        stages_ = {Stage::punctuation_run, Stage::gpt2, Stage::digit_run,
                   Stage::three_ascii_digits};
    } else {
        throw Error(ErrorCode::unsupported,
                    "unsupported BPE pre-tokenizer '" + std::string(name) + "'");
    }
}

std::vector<std::string_view> PreTokenizer::split(std::string_view text) const {
    const DecodedText decoded(text);
    std::vector<Range> pieces;
    if (!decoded.cp.empty()) pieces.push_back({0, decoded.cp.size()});
    std::vector<Range> next;
    for (const Stage stage : stages_) {
        next.clear();
        for (const Range piece : pieces) {
            const Matcher matcher(decoded, piece.end);
            size_t gap_begin = piece.begin;
            size_t pos = piece.begin;
            while (pos < piece.end) {
                const size_t n = matcher.match(stage, pos);
                if (n == 0) {
                    ++pos;
                    continue;
                }
                if (gap_begin < pos) next.push_back({gap_begin, pos});
                next.push_back({pos, pos + n});
                pos += n;
                gap_begin = pos;
            }
            if (gap_begin < piece.end) next.push_back({gap_begin, piece.end});
        }
        pieces.swap(next);
    }
    std::vector<std::string_view> words;
    words.reserve(pieces.size());
    for (const Range r : pieces) {
        words.push_back(
            text.substr(decoded.offset[r.begin], decoded.offset[r.end] - decoded.offset[r.begin]));
    }
    return words;
}

}  // namespace hearth
