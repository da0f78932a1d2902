#pragma once
// A small JSON value type for the engine (chat-template contexts, tool schemas, configs).
// Objects keep insertion order (like Python dicts), because chat templates serialise them
// with `tojson` and the output must match Python's json.dumps byte for byte.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace hearth::json {

class Value;
using Array = std::vector<Value>;
// Ordered key/value pairs; keys are unique (set() replaces in place, as a Python dict does).
using Object = std::vector<std::pair<std::string, Value>>;

enum class Type { null, boolean, integer, number, string, array, object };

class Value {
public:
    Value() = default;
    Value(std::nullptr_t) {}
    Value(bool b) : data_(b) {}
    Value(int i) : data_(static_cast<int64_t>(i)) {}
    Value(int64_t i) : data_(i) {}
    Value(double d) : data_(d) {}
    Value(const char* s) : data_(std::string(s)) {}
    Value(std::string s) : data_(std::move(s)) {}
    Value(std::string_view s) : data_(std::string(s)) {}
    Value(Array a) : data_(std::move(a)) {}
    Value(Object o) : data_(std::move(o)) {}

    Type type() const { return static_cast<Type>(data_.index()); }
    bool is_null() const { return type() == Type::null; }
    bool is_bool() const { return type() == Type::boolean; }
    bool is_int() const { return type() == Type::integer; }
    bool is_double() const { return type() == Type::number; }
    bool is_number() const { return is_int() || is_double(); }
    bool is_string() const { return type() == Type::string; }
    bool is_array() const { return type() == Type::array; }
    bool is_object() const { return type() == Type::object; }

    // Accessors throw hearth::Error(invalid_argument) on a type mismatch.
    bool as_bool() const;
    int64_t as_int() const;
    double as_double() const;  // integers convert
    const std::string& as_string() const;
    const Array& as_array() const;
    Array& as_array();
    const Object& as_object() const;
    Object& as_object();

    // Object helpers. find() returns nullptr when absent or when this is not an object.
    const Value* find(std::string_view key) const;
    Value* find(std::string_view key);
    bool contains(std::string_view key) const { return find(key) != nullptr; }
    // Inserts or replaces; turns a null value into an empty object first.
    Value& set(std::string key, Value value);
    // Appends; turns a null value into an empty array first.
    Value& push_back(Value value);

    bool operator==(const Value& other) const;

private:
    std::variant<std::nullptr_t, bool, int64_t, double, std::string, Array, Object> data_;
};

// Parses one JSON document (RFC 8259; surrounding whitespace allowed). Integers that fit in
// int64 become integers, other numbers doubles. Throws hearth::Error(format) with
// "line:column: message". Nesting is limited (512) so hostile input cannot overflow the stack.
Value parse(std::string_view text);

struct DumpOptions {
    std::optional<int> indent;  // like Python's indent=N: newline + N spaces per level
    bool ensure_ascii = false;  // escape non-ASCII as \uXXXX (surrogate pairs above the BMP)
    bool sort_keys = false;
    // Python defaults: ", " and ": " without indent, "," and ": " with indent.
    std::optional<std::string> item_separator;
    std::optional<std::string> key_separator;
};

// Serialises like Python's json.dumps(value, ensure_ascii=False) by default.
std::string dump(const Value& value, const DumpOptions& options = {});

// Python's repr() of a float: shortest round-trip digits, "1.0", "1e-05", "1e+16", "inf", "nan".
std::string python_float_repr(double d);
// JSON string literal of UTF-8 text (quotes included), escaping as json.dumps does.
std::string quote_string(std::string_view s, bool ensure_ascii = false);

// Appends one ASCII byte (< 0x80) as it appears inside a JSON string literal: the short
// escapes for quote, backslash and \n \r \t \b \f, \u00XX for other control bytes (and
// DEL when escape_del), the byte itself otherwise. Shared by every JSON writer in engine/.
void append_escaped_ascii(std::string& out, unsigned char c, bool escape_del);

}  // namespace hearth::json
