// Value accessors and Python-compatible serialisation (json.dumps).
#include "json/json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "core/error.h"

namespace hearth::json {

namespace {

const char* type_name(Type t) {
    switch (t) {
        case Type::null:
            return "null";
        case Type::boolean:
            return "boolean";
        case Type::integer:
            return "integer";
        case Type::number:
            return "number";
        case Type::string:
            return "string";
        case Type::array:
            return "array";
        case Type::object:
            return "object";
    }
    return "?";
}

[[noreturn]] void mismatch(Type want, Type got) {
    throw Error(ErrorCode::invalid_argument,
                std::string("json: expected ") + type_name(want) + ", got " + type_name(got));
}

}  // namespace

bool Value::as_bool() const {
    if (!is_bool()) mismatch(Type::boolean, type());
    return std::get<bool>(data_);
}
int64_t Value::as_int() const {
    if (!is_int()) mismatch(Type::integer, type());
    return std::get<int64_t>(data_);
}
double Value::as_double() const {
    if (is_int()) return static_cast<double>(std::get<int64_t>(data_));
    if (!is_double()) mismatch(Type::number, type());
    return std::get<double>(data_);
}
const std::string& Value::as_string() const {
    if (!is_string()) mismatch(Type::string, type());
    return std::get<std::string>(data_);
}
const Array& Value::as_array() const {
    if (!is_array()) mismatch(Type::array, type());
    return std::get<Array>(data_);
}
Array& Value::as_array() {
    if (!is_array()) mismatch(Type::array, type());
    return std::get<Array>(data_);
}
const Object& Value::as_object() const {
    if (!is_object()) mismatch(Type::object, type());
    return std::get<Object>(data_);
}
Object& Value::as_object() {
    if (!is_object()) mismatch(Type::object, type());
    return std::get<Object>(data_);
}

const Value* Value::find(std::string_view key) const {
    if (!is_object()) return nullptr;
    for (const auto& [k, v] : std::get<Object>(data_))
        if (k == key) return &v;
    return nullptr;
}
Value* Value::find(std::string_view key) {
    return const_cast<Value*>(static_cast<const Value*>(this)->find(key));
}

Value& Value::set(std::string key, Value value) {
    if (is_null()) data_ = Object{};
    if (Value* existing = find(key)) {
        *existing = std::move(value);
        return *existing;
    }
    auto& obj = as_object();
    obj.emplace_back(std::move(key), std::move(value));
    return obj.back().second;
}

Value& Value::push_back(Value value) {
    if (is_null()) data_ = Array{};
    auto& arr = as_array();
    arr.push_back(std::move(value));
    return arr.back();
}

bool Value::operator==(const Value& other) const {
    return data_ == other.data_;
}

std::string python_float_repr(double d) {
    if (std::isnan(d)) return "nan";
    if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
    if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
    // Shortest round-trip digits in scientific form, then laid out as Python's repr does:
    // plain notation for decimal exponents -4..15, otherwise d.ddde+XX.
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string sci(buf, res.ptr);
    bool negative = sci[0] == '-';
    if (negative) sci.erase(0, 1);
    size_t e_pos = sci.find('e');
    std::string mantissa = sci.substr(0, e_pos);
    int exponent = std::stoi(sci.substr(e_pos + 1));
    std::string digits;
    for (char c : mantissa)
        if (c != '.') digits += c;
    std::string out;
    if (negative) out.push_back('-');
    if (exponent >= -4 && exponent < 16) {
        if (exponent < 0) {
            out.append("0.");
            out.append(static_cast<size_t>(-exponent - 1), '0');
            out.append(digits);
        } else if (static_cast<size_t>(exponent) + 1 >= digits.size()) {
            out.append(digits);
            out.append(exponent + 1 - digits.size(), '0');
            out.append(".0");
        } else {
            out.append(digits, 0, exponent + 1);
            out.push_back('.');
            out.append(digits, exponent + 1, std::string::npos);
        }
    } else {
        out.push_back(digits[0]);
        if (digits.size() > 1) {
            out.push_back('.');
            out.append(digits, 1, std::string::npos);
        }
        char exp_buf[16];
        std::snprintf(exp_buf, sizeof exp_buf, "e%c%02d", exponent < 0 ? '-' : '+',
                      std::abs(exponent));
        out.append(exp_buf);
    }
    return out;
}

namespace {

// Decodes one UTF-8 sequence at s[i]; invalid bytes decode as themselves (one byte) so that
// serialisation never fails on arbitrary input.
uint32_t decode_utf8(std::string_view s, size_t& i) {
    auto b0 = static_cast<unsigned char>(s[i]);
    int len = b0 < 0x80 ? 1 : (b0 >> 5) == 6 ? 2 : (b0 >> 4) == 14 ? 3 : (b0 >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) {
        ++i;
        return b0;
    }
    uint32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1f) : len == 3 ? (b0 & 0x0f) : (b0 & 0x07);
    for (int k = 1; k < len; ++k) {
        auto b = static_cast<unsigned char>(s[i + k]);
        if ((b >> 6) != 2) {
            ++i;
            return b0;
        }
        cp = (cp << 6) | (b & 0x3f);
    }
    i += len;
    return cp;
}

void append_u_escape(std::string& out, uint32_t unit) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\u%04x", unit);
    out += buf;
}

}  // namespace

std::string quote_string(std::string_view s, bool ensure_ascii) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    for (size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            size_t start = i;
            uint32_t cp = decode_utf8(s, i);
            if (!ensure_ascii) {
                out.append(s.substr(start, i - start));
            } else if (cp >= 0x10000) {
                uint32_t v = cp - 0x10000;
                append_u_escape(out, 0xd800 + (v >> 10));
                append_u_escape(out, 0xdc00 + (v & 0x3ff));
            } else {
                append_u_escape(out, cp);
            }
            continue;
        }
        ++i;
        append_escaped_ascii(out, c, ensure_ascii);
    }
    out += '"';
    return out;
}

void append_escaped_ascii(std::string& out, unsigned char c, bool escape_del) {
    switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (c < 0x20 || (escape_del && c == 0x7f))
                append_u_escape(out, c);
            else
                out += static_cast<char>(c);
    }
}

namespace {

struct Dumper {
    const DumpOptions& opt;
    std::string item_sep;
    std::string key_sep;
    std::string out;

    void newline(int depth) {
        out += '\n';
        out.append(static_cast<size_t>(*opt.indent) * depth, ' ');
    }

    void write(const Value& v, int depth) {
        switch (v.type()) {
            case Type::null:
                out += "null";
                break;
            case Type::boolean:
                out += v.as_bool() ? "true" : "false";
                break;
            case Type::integer:
                out += std::to_string(v.as_int());
                break;
            case Type::number: {
                double d = v.as_double();
                if (std::isnan(d))
                    out += "NaN";
                else if (std::isinf(d))
                    out += d < 0 ? "-Infinity" : "Infinity";
                else
                    out += python_float_repr(d);
                break;
            }
            case Type::string:
                out += quote_string(v.as_string(), opt.ensure_ascii);
                break;
            case Type::array: {
                const auto& arr = v.as_array();
                if (arr.empty()) {
                    out += "[]";
                    break;
                }
                out += '[';
                for (size_t i = 0; i < arr.size(); ++i) {
                    if (i) out += item_sep;
                    if (opt.indent) newline(depth + 1);
                    write(arr[i], depth + 1);
                }
                if (opt.indent) newline(depth);
                out += ']';
                break;
            }
            case Type::object: {
                const auto& obj = v.as_object();
                if (obj.empty()) {
                    out += "{}";
                    break;
                }
                std::vector<const std::pair<std::string, Value>*> items;
                for (const auto& kv : obj)
                    items.push_back(&kv);
                if (opt.sort_keys)
                    std::stable_sort(items.begin(), items.end(),
                                     [](auto* a, auto* b) { return a->first < b->first; });
                out += '{';
                for (size_t i = 0; i < items.size(); ++i) {
                    if (i) out += item_sep;
                    if (opt.indent) newline(depth + 1);
                    out += quote_string(items[i]->first, opt.ensure_ascii);
                    out += key_sep;
                    write(items[i]->second, depth + 1);
                }
                if (opt.indent) newline(depth);
                out += '}';
                break;
            }
        }
    }
};

}  // namespace

std::string dump(const Value& value, const DumpOptions& options) {
    Dumper d{options,
             options.item_separator.value_or(options.indent ? "," : ", "),
             options.key_separator.value_or(": "),
             {}};
    d.write(value, 0);
    return std::move(d.out);
}

}  // namespace hearth::json
