#pragma once
// GPT-2's byte-level alphabet: every byte is written as a printable code point so that BPE
// vocabularies are plain text. Printable Latin-1 bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') stand
// for themselves; the other 68 bytes map, in byte order, to U+0100, U+0101, ...
// (so a space is "Ġ" U+0120 and a newline "Ċ" U+010A).
#include <cstdint>
#include <string>
#include <string_view>

namespace hearth::byte_level {

// UTF-8 of the code point standing for `byte`.
const std::string& encode_byte(uint8_t byte);

// Appends the byte-level spelling of raw bytes.
void encode(std::string_view raw, std::string& out);

// The byte a code point stands for, or -1 when it is not part of the alphabet.
int decode_code_point(uint32_t cp);

// Byte-level text back to raw bytes; characters outside the alphabet are copied unchanged.
std::string decode(std::string_view text);

}  // namespace hearth::byte_level
