// Value accessors and value type names.
#include <limits>

#include "gguf/gguf_file.h"

namespace hearth::gguf {

std::string_view value_type_name(ValueType type) {
    switch (type) {
        case ValueType::UINT8:
            return "UINT8";
        case ValueType::INT8:
            return "INT8";
        case ValueType::UINT16:
            return "UINT16";
        case ValueType::INT16:
            return "INT16";
        case ValueType::UINT32:
            return "UINT32";
        case ValueType::INT32:
            return "INT32";
        case ValueType::FLOAT32:
            return "FLOAT32";
        case ValueType::BOOL:
            return "BOOL";
        case ValueType::STRING:
            return "STRING";
        case ValueType::ARRAY:
            return "ARRAY";
        case ValueType::UINT64:
            return "UINT64";
        case ValueType::INT64:
            return "INT64";
        case ValueType::FLOAT64:
            return "FLOAT64";
    }
    return "?";
}

bool Value::is_integer() const {
    return std::holds_alternative<uint64_t>(data) || std::holds_alternative<int64_t>(data);
}

std::optional<int64_t> Value::as_int() const {
    if (const auto* u = std::get_if<uint64_t>(&data)) {
        if (*u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
        return static_cast<int64_t>(*u);
    }
    if (const auto* i = std::get_if<int64_t>(&data)) return *i;
    return std::nullopt;
}

std::optional<double> Value::as_float() const {
    if (const auto* d = std::get_if<double>(&data)) return *d;
    if (const auto* u = std::get_if<uint64_t>(&data)) return static_cast<double>(*u);
    if (const auto* i = std::get_if<int64_t>(&data)) return static_cast<double>(*i);
    return std::nullopt;
}

const std::string* Value::as_string() const {
    return std::get_if<std::string>(&data);
}

const Array* Value::as_array() const {
    return std::get_if<Array>(&data);
}

}  // namespace hearth::gguf
