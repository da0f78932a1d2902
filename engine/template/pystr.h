#pragma once
// Python str methods on UTF-8 strings, with Python's defaults (whitespace = str.isspace()).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::jinja::pystr {

// str.strip / lstrip / rstrip; chars=nullopt strips whitespace, otherwise any of `chars`.
std::string strip(std::string_view s, const std::optional<std::string>& chars, bool left,
                  bool right);
// str.split / rsplit; sep=nullopt splits on whitespace runs and drops empty parts.
// Throws template_error for an empty separator.
std::vector<std::string> split(std::string_view s, const std::optional<std::string>& sep,
                               int64_t maxsplit, bool from_right);
std::vector<std::string> splitlines(std::string_view s, bool keepends = false);
// str.replace; count < 0 replaces all. An empty `old` inserts between code points.
std::string replace(std::string_view s, std::string_view old, std::string_view with,
                    int64_t count = -1);
// str.find / rfind in code points, -1 when absent.
int64_t find(std::string_view s, std::string_view sub, bool from_right = false);
int64_t count(std::string_view s, std::string_view sub);
bool is_space(std::string_view s);

}  // namespace hearth::jinja::pystr
