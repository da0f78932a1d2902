#pragma once
// UTF-8 helpers for Python str semantics (length, indexing and slicing count code points;
// case mapping covers ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::jinja {

void append_utf8(std::string& out, uint32_t cp);
// Decodes the code point at s[i] and advances i; a malformed byte decodes as itself.
uint32_t next_code_point(std::string_view s, size_t& i);
std::vector<uint32_t> code_points(std::string_view s);
std::string from_code_points(const std::vector<uint32_t>& cps, size_t begin, size_t end);
size_t code_point_count(std::string_view s);

uint32_t to_upper_cp(uint32_t cp);
uint32_t to_lower_cp(uint32_t cp);
bool is_cased_letter(uint32_t cp);
bool is_python_space(uint32_t cp);  // str.isspace(): what split()/strip() remove by default

std::string to_upper(std::string_view s);
std::string to_lower(std::string_view s);
std::string to_title(std::string_view s);       // str.title()
std::string to_capitalize(std::string_view s);  // str.capitalize()

}  // namespace hearth::jinja
