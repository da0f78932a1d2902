// gguf_to_json and gguf_to_text (see gguf_json.h for the JSON shape).
#include "gguf/gguf_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

namespace hearth::gguf {
namespace {

template <typename T>
void append_number(std::string& out, T value) {
    char buf[64];
    const auto result = std::to_chars(buf, buf + sizeof(buf), value);
    out.append(buf, result.ptr);
}

// FLOAT32 values are held widened to double; printing them as float gives the short
// spelling ("1e-05", not "9.999999747378752e-06") and still reads back to the same float.
void append_float(std::string& out, double value, bool is_float32) {
    if (std::isnan(value)) {
        out += "\"nan\"";
    } else if (std::isinf(value)) {
        out += value > 0 ? "\"inf\"" : "\"-inf\"";
    } else if (is_float32) {
        append_number(out, static_cast<float>(value));
    } else {
        append_number(out, value);
    }
}

void append_json_value(std::string& out, const Value& value) {
    switch (value.type) {
        case ValueType::UINT8:
        case ValueType::UINT16:
        case ValueType::UINT32:
        case ValueType::UINT64:
            append_number(out, std::get<uint64_t>(value.data));
            return;
        case ValueType::INT8:
        case ValueType::INT16:
        case ValueType::INT32:
        case ValueType::INT64:
            append_number(out, std::get<int64_t>(value.data));
            return;
        case ValueType::FLOAT32:
        case ValueType::FLOAT64:
            append_float(out, std::get<double>(value.data), value.type == ValueType::FLOAT32);
            return;
        case ValueType::BOOL:
            out += std::get<bool>(value.data) ? "true" : "false";
            return;
        case ValueType::STRING:
            out += json_quote(std::get<std::string>(value.data));
            return;
        case ValueType::ARRAY: {
            out += '[';
            bool first = true;
            for (const Value& item : std::get<Array>(value.data).items) {
                if (!first) out += ',';
                first = false;
                append_json_value(out, item);
            }
            out += ']';
            return;
        }
    }
}

std::string shape_string(const std::vector<uint64_t>& shape) {
    std::string out = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i > 0) out += ", ";
        append_number(out, shape[i]);
    }
    return out + "]";
}

// One value for the text view: strings clipped, arrays shown by their first items.
void append_text_value(std::string& out, const Value& value, size_t max_items) {
    constexpr size_t kMaxStringBytes = 120;
    if (const auto* s = value.as_string()) {
        if (s->size() <= kMaxStringBytes) {
            out += json_quote(*s);
        } else {
            // Cut on a UTF-8 boundary so the clipped text does not end in a replacement mark.
            size_t cut = kMaxStringBytes;
            while (cut > 0 && (static_cast<uint8_t>((*s)[cut]) & 0xC0) == 0x80)
                --cut;
            out += json_quote(std::string_view(*s).substr(0, cut));
            out += "... (" + std::to_string(s->size()) + " bytes)";
        }
        return;
    }
    if (const auto* a = value.as_array()) {
        out += '[';
        const size_t shown = std::min(a->items.size(), max_items);
        for (size_t i = 0; i < shown; ++i) {
            if (i > 0) out += ", ";
            append_text_value(out, a->items[i], std::max<size_t>(max_items / 2, 2));
        }
        if (a->items.size() > shown) {
            out += ", ... " + std::to_string(a->items.size() - shown) + " more";
        }
        out += ']';
        return;
    }
    append_json_value(out, value);
}

// Keys and tensor names go to a terminal unquoted; control bytes must not reach it.
std::string printable(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (static_cast<uint8_t>(c) < 0x20 || c == 0x7f) c = '?';
    }
    return out;
}

void pad_to(std::string& out, size_t line_start, size_t column) {
    const size_t used = out.size() - line_start;
    out.append(used < column ? column - used : 1, ' ');
}

}  // namespace

std::string value_type_label(const Value& value) {
    std::string label(value_type_name(value.type));
    if (const auto* a = value.as_array()) {
        label += '[';
        label += value_type_name(a->element_type);
        label += ']';
    }
    return label;
}

std::string gguf_to_json(const GgufFile& file) {
    std::string out;
    out += "{\"version\":" + std::to_string(file.version());
    out += ",\"alignment\":" + std::to_string(file.alignment());
    out += ",\"data_offset\":" + std::to_string(file.data_offset());
    out += ",\"file_size\":" + std::to_string(file.file_size());
    out += ",\"metadata\":{";
    bool first = true;
    for (const auto& [key, value] : file.metadata()) {
        if (!first) out += ',';
        first = false;
        out += json_quote(key);
        out += ':';
        append_json_value(out, value);
    }
    out += "},\"metadata_types\":{";
    first = true;
    for (const auto& [key, value] : file.metadata()) {
        if (!first) out += ',';
        first = false;
        out += json_quote(key);
        out += ':';
        out += json_quote(value_type_label(value));
    }
    out += "},\"tensors\":[";
    first = true;
    for (const TensorInfo& t : file.tensors()) {
        if (!first) out += ',';
        first = false;
        out += "{\"name\":" + json_quote(t.name);
        out += ",\"type\":\"" + ggml_type_upper_name(t.type) + "\"";
        out += ",\"shape\":[";
        for (size_t i = 0; i < t.shape.size(); ++i) {
            if (i > 0) out += ',';
            append_number(out, t.shape[i]);
        }
        out += "],\"offset\":" + std::to_string(t.offset);
        out += ",\"n_bytes\":" + std::to_string(t.n_bytes) + "}";
    }
    out += "]}";
    return out;
}

std::string gguf_to_text(const GgufFile& file) {
    std::string out;
    out += "file:      " + printable(file.path()) + "\n";
    out += "format:    GGUF v" + std::to_string(file.version()) + ", " +
           std::to_string(file.file_size()) + " bytes, alignment " +
           std::to_string(file.alignment()) + ", tensor data at offset " +
           std::to_string(file.data_offset()) + "\n";

    size_t key_width = 0;
    size_t type_width = 0;
    for (const auto& [key, value] : file.metadata()) {
        key_width = std::max(key_width, std::min<size_t>(key.size(), 48));
        type_width = std::max(type_width, value_type_label(value).size());
    }
    out += "\nmetadata (" + std::to_string(file.metadata().size()) + " keys):\n";
    for (const auto& [key, value] : file.metadata()) {
        const size_t line = out.size();
        out += "  " + printable(key);
        pad_to(out, line, 2 + key_width + 2);
        out += value_type_label(value);
        pad_to(out, line, 2 + key_width + 2 + type_width + 2);
        if (const auto* a = value.as_array()) {
            out += std::to_string(a->items.size()) + " items ";
        }
        append_text_value(out, value, 8);
        out += '\n';
    }

    size_t name_width = 4;
    for (const TensorInfo& t : file.tensors())
        name_width = std::max(name_width, t.name.size());
    out += "\ntensors (" + std::to_string(file.tensors().size()) + "):\n";
    const size_t header = out.size();
    out += "  name";
    pad_to(out, header, 2 + name_width + 2);
    out += "type     shape                      offset        bytes\n";
    uint64_t total_elements = 0;
    uint64_t total_bytes = 0;
    for (const TensorInfo& t : file.tensors()) {
        const size_t line = out.size();
        out += "  " + printable(t.name);
        pad_to(out, line, 2 + name_width + 2);
        out += ggml_type_upper_name(t.type);
        pad_to(out, line, 2 + name_width + 2 + 9);
        out += shape_string(t.shape);
        pad_to(out, line, 2 + name_width + 2 + 9 + 27);
        out += std::to_string(t.offset);
        pad_to(out, line, 2 + name_width + 2 + 9 + 27 + 14);
        out += std::to_string(t.n_bytes) + "\n";
        total_elements += t.n_elements;
        total_bytes += t.n_bytes;
    }
    out += "total: " + std::to_string(total_elements) + " elements, " +
           std::to_string(total_bytes) + " bytes of tensor data\n";
    return out;
}

}  // namespace hearth::gguf
