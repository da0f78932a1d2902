#pragma once
// Built-in filters, tests, global functions and the methods of str/dict/list values.
#include <optional>
#include <string>
#include <string_view>

#include "template/value.h"

namespace hearth::jinja {

class Evaluator;

bool has_filter(std::string_view name);
bool has_test(std::string_view name);

// `input` is the filtered value; args exclude it.
Value apply_filter(Evaluator& ev, std::string_view name, const Value& input, const CallArgs& args);
bool apply_test(Evaluator& ev, std::string_view name, const Value& input, const CallArgs& args);

// Attribute lookup on a built-in value following the sandbox: methods of str/dict/list
// (mutating ones come back as "unsafe" undefined values), otherwise an item lookup.
// Returns undefined when nothing matches.
Value get_method(const Value& object, const std::string& name);

// Python's `x in container`.
bool contains(const Value& container, const Value& item);

// markupsafe's escape(): & < > " ' as entities.
std::string html_escape(const std::string& s);

// Argument `i` given by position, else by keyword `name`; nullptr when absent.
inline const Value* arg(const CallArgs& a, size_t i, std::string_view name) {
    if (i < a.positional.size()) return &a.positional[i];
    return a.kwarg(name);
}
// The argument as a string; template_error when it is given and not a string.
std::optional<std::string> string_arg(const CallArgs& a, size_t i, std::string_view name);
int64_t int_arg(const CallArgs& a, size_t i, std::string_view name, int64_t fallback);

}  // namespace hearth::jinja
