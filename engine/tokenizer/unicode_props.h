#pragma once
// The few Unicode facts the tokenizers need: UTF-8 decoding that never fails (a bad byte
// decodes as one "invalid" character of length 1, so every byte of the input stays covered),
// UTF-8 encoding, the general-category class of a code point (\p{L}, \p{N}, \p{P} in the
// pre-tokenizer regexes) and the White_Space property (\s).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hearth::unicode {

// Major general category. Values are baked into unicode_tables.inc (gen_unicode_tables.py).
enum class UnicodeClass : uint8_t {
    other = 0,  // C*: control, format, surrogate, private use, unassigned
    letter = 1,
    number = 2,
    punctuation = 3,
    symbol = 4,
    mark = 5,
    separator = 6,
};

inline constexpr uint32_t kReplacementChar = 0xFFFD;

struct DecodedChar {
    uint32_t cp = 0;   // kReplacementChar when !valid
    uint32_t len = 1;  // bytes consumed, >= 1
    bool valid = true;
};

// Decodes the character starting at text[pos] (pos < text.size()). Rejects overlong forms,
// surrogates, code points above U+10FFFF and truncated sequences, each as one invalid byte.
DecodedChar decode_utf8(std::string_view text, size_t pos);

// Length a lead byte announces (1 for ASCII and for bytes that cannot start a sequence).
size_t utf8_sequence_length(uint8_t lead);

void append_utf8(std::string& out, uint32_t cp);

UnicodeClass unicode_class(uint32_t cp);
bool is_whitespace(uint32_t cp);  // Unicode White_Space, what \s means in the HF regexes

}  // namespace hearth::unicode
