// GCC 12 reports a false -Wrestrict in inlined std::string concatenation (GCC bug 105651).
#pragma GCC diagnostic ignored "-Wrestrict"
#include "template/value.h"

#include <algorithm>
#include <cstdio>

#include "core/error.h"
#include "template/utf8.h"

namespace hearth::jinja {

void raise_error(const std::string& message) {
    throw Error(ErrorCode::template_error, message);
}

const Value* Dict::find(std::string_view key) const {
    for (const auto& [k, v] : items)
        if (k == key) return &v;
    return nullptr;
}
Value* Dict::find(std::string_view key) {
    for (auto& [k, v] : items)
        if (k == key) return &v;
    return nullptr;
}
void Dict::set(std::string key, Value value) {
    if (Value* v = find(key))
        *v = std::move(value);
    else
        items.emplace_back(std::move(key), std::move(value));
}

const Value* CallArgs::kwarg(std::string_view name) const {
    for (const auto& [k, v] : keyword)
        if (k == name) return &v;
    return nullptr;
}

Value::Value(std::string s)
    : kind_(Kind::string), s_(std::make_shared<const std::string>(std::move(s))) {}
namespace {
uint16_t container_depth(int deepest_child) {
    if (deepest_child + 1 > Value::kMaxValueDepth)
        throw Error(ErrorCode::limit_exceeded, "template sandbox limit: value nested too deeply");
    return static_cast<uint16_t>(deepest_child + 1);
}
}  // namespace

Value::Value(List l, bool tuple) : kind_(Kind::list), tuple_(tuple) {
    int deepest = 0;
    for (const auto& v : l)
        deepest = std::max(deepest, v.depth());
    depth_ = container_depth(deepest);
    list_ = std::make_shared<const List>(std::move(l));
}
Value::Value(Dict d) : kind_(Kind::dict) {
    int deepest = 0;
    for (const auto& kv : d.items)
        deepest = std::max(deepest, kv.second.depth());
    depth_ = container_depth(deepest);
    dict_ = std::make_shared<Dict>(std::move(d));
}

Value Value::undefined(std::string hint) {
    Value v;
    v.s_ = std::make_shared<const std::string>(std::move(hint));
    return v;
}
Value Value::unsafe(std::string message) {
    Value v = undefined(std::move(message));
    v.unsafe_ = true;
    return v;
}
Value Value::make_namespace(Dict d) {
    Value v(std::move(d));
    v.kind_ = Kind::namespace_;
    return v;
}
Value Value::function(std::string name, std::function<Value(const CallArgs&)> fn) {
    Value v;
    v.kind_ = Kind::callable;
    v.fn_ = std::make_shared<const Callable>(Callable{std::move(name), std::move(fn)});
    return v;
}

const std::string& Value::undefined_hint() const {
    static const std::string unnamed = "value";
    return s_ ? *s_ : unnamed;
}

Value Value::markup(std::string s) {
    Value v(std::move(s));
    v.markup_ = true;
    return v;
}

Value Value::lazy(List l, Lazy kind, std::string type_name) {
    Value v(std::move(l));
    v.lazy_ = kind;
    v.s_ = std::make_shared<const std::string>(std::move(type_name));
    return v;
}

double Value::as_double() const {
    return kind_ == Kind::floating ? f_ : static_cast<double>(i_);
}

bool Value::truthy() const {
    switch (kind_) {
        case Kind::undefined:
        case Kind::none:
            return false;
        case Kind::boolean:
        case Kind::integer:
            return i_ != 0;
        case Kind::floating:
            return f_ != 0.0;
        case Kind::string:
            return !s_->empty();
        case Kind::list:
            return !list_->empty();
        case Kind::dict:
            return !dict_->items.empty();
        case Kind::namespace_:
        case Kind::callable:
            return true;
    }
    return false;
}

int64_t Value::length() const {
    switch (kind_) {
        case Kind::undefined:
            return 0;  // jinja2's Undefined has len() 0
        case Kind::string:
            return static_cast<int64_t>(code_point_count(*s_));
        case Kind::list:
            return static_cast<int64_t>(list_->size());
        case Kind::dict:
            return static_cast<int64_t>(dict_->items.size());
        default:
            return -1;
    }
}

std::string Value::type_name() const {
    switch (kind_) {
        case Kind::undefined:
            return "Undefined";
        case Kind::none:
            return "NoneType";
        case Kind::boolean:
            return "bool";
        case Kind::integer:
            return "int";
        case Kind::floating:
            return "float";
        case Kind::string:
            return "str";
        case Kind::list:
            return tuple_ ? "tuple" : "list";
        case Kind::dict:
            return "dict";
        case Kind::namespace_:
            return "Namespace";
        case Kind::callable:
            return "function";
    }
    return "object";
}

namespace {

// Code points that Python's str.isprintable() rejects (beyond the C0/C1 controls), which
// repr() escapes.
bool is_unprintable(uint32_t cp) {
    return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0xa0 || cp == 0xad || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202f) ||
           (cp >= 0x205f && cp <= 0x206f) || cp == 0x3000 || (cp >= 0xd800 && cp < 0xe000) ||
           cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

std::string repr_string(const std::string& s) {
    bool has_single = s.find('\'') != std::string::npos;
    bool has_double = s.find('"') != std::string::npos;
    char quote = has_single && !has_double ? '"' : '\'';
    std::string out(1, quote);
    for (size_t i = 0; i < s.size();) {
        size_t start = i;
        uint32_t cp = next_code_point(s, i);
        if (cp == static_cast<uint32_t>(quote) || cp == '\\') {
            out += '\\';
            out += static_cast<char>(cp);
        } else if (cp == '\n') {
            out += "\\n";
        } else if (cp == '\r') {
            out += "\\r";
        } else if (cp == '\t') {
            out += "\\t";
        } else if (is_unprintable(cp)) {
            char buf[16];
            if (cp < 0x100)
                std::snprintf(buf, sizeof buf, "\\x%02x", cp);
            else
                std::snprintf(buf, sizeof buf, "\\u%04x", cp);
            out += buf;
        } else {
            out.append(s, start, i - start);
        }
    }
    out += quote;
    return out;
}

}  // namespace

std::string repr(const Value& v) {
    switch (v.kind()) {
        case Value::Kind::string:
            return repr_string(v.as_string());
        case Value::Kind::list: {
            if (v.is_lazy()) return "<" + v.type_name() + " object>";
            std::string out = v.is_tuple() ? "(" : "[";
            const auto& l = v.as_list();
            for (size_t i = 0; i < l.size(); ++i) {
                if (i) out += ", ";
                out += repr(l[i]);
            }
            if (v.is_tuple() && l.size() == 1) out += ",";
            out += v.is_tuple() ? ")" : "]";
            return out;
        }
        case Value::Kind::dict: {
            std::string out = "{";
            bool first = true;
            for (const auto& [k, val] : v.as_dict().items) {
                if (!first) out += ", ";
                first = false;
                out += repr_string(k) + ": " + repr(val);
            }
            return out + "}";
        }
        case Value::Kind::namespace_: {
            std::string out = "<Namespace {";
            bool first = true;
            for (const auto& [k, val] : v.namespace_dict().items) {
                if (!first) out += ", ";
                first = false;
                out += repr_string(k) + ": " + repr(val);
            }
            return out + "}>";
        }
        case Value::Kind::undefined:
            return "Undefined";
        default:
            return to_str(v);
    }
}

std::string to_str(const Value& v) {
    switch (v.kind()) {
        case Value::Kind::undefined:
            return "";
        case Value::Kind::none:
            return "None";
        case Value::Kind::boolean:
            return v.as_bool() ? "True" : "False";
        case Value::Kind::integer:
            return std::to_string(v.as_int());
        case Value::Kind::floating:
            return json::python_float_repr(v.as_double());
        case Value::Kind::string:
            return v.as_string();
        case Value::Kind::callable:
            return "<function " + v.as_callable().name + ">";
        default:
            return repr(v);
    }
}

bool equals(const Value& a, const Value& b) {
    using K = Value::Kind;
    if (a.is_number() && b.is_number()) {
        if (a.is_float() || b.is_float()) return a.as_double() == b.as_double();
        return a.as_int() == b.as_int();
    }
    if (a.kind() != b.kind()) return false;
    switch (a.kind()) {
        case K::undefined:
        case K::none:
            return true;
        case K::string:
            return a.as_string() == b.as_string();
        case K::list: {
            if (a.is_lazy() || b.is_lazy()) return &a.as_list() == &b.as_list();
            if (a.is_tuple() != b.is_tuple()) return false;
            const auto &x = a.as_list(), &y = b.as_list();
            if (x.size() != y.size()) return false;
            for (size_t i = 0; i < x.size(); ++i)
                if (!equals(x[i], y[i])) return false;
            return true;
        }
        case K::dict: {
            const auto &x = a.as_dict(), &y = b.as_dict();
            if (x.items.size() != y.items.size()) return false;
            for (const auto& [k, v] : x.items) {
                const Value* other = y.find(k);
                if (!other || !equals(v, *other)) return false;
            }
            return true;
        }
        case K::namespace_:
            return &a.namespace_dict() == &b.namespace_dict();
        case K::callable:
            return &a.as_callable() == &b.as_callable();
        default:
            return false;
    }
}

int compare(const Value& a, const Value& b) {
    if (a.is_number() && b.is_number()) {
        if (a.is_float() || b.is_float()) {
            double x = a.as_double(), y = b.as_double();
            return x < y ? -1 : x > y ? 1 : 0;
        }
        return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int() ? 1 : 0;
    }
    if (a.is_string() && b.is_string()) {
        int c = a.as_string().compare(b.as_string());
        return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    if (a.is_plain_list() && b.is_plain_list() && a.is_tuple() == b.is_tuple()) {
        const auto &x = a.as_list(), &y = b.as_list();
        for (size_t i = 0; i < x.size() && i < y.size(); ++i)
            if (!equals(x[i], y[i])) return compare(x[i], y[i]);
        return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
    }
    if (a.is_undefined() || b.is_undefined())
        raise_error("'" + (a.is_undefined() ? a : b).undefined_hint() + "' is undefined");
    raise_error("'<' not supported between instances of '" + a.type_name() + "' and '" +
                b.type_name() + "'");
}

bool holds_namespace(const Value& v, int64_t& visited) {
    ++visited;
    if (v.is_namespace()) return true;
    if (v.is_list())
        for (const auto& e : v.as_list())
            if (holds_namespace(e, visited)) return true;
    if (v.is_dict())
        for (const auto& kv : v.as_dict().items)
            if (holds_namespace(kv.second, visited)) return true;
    return false;
}

Value from_json(const json::Value& v) {
    switch (v.type()) {
        case json::Type::null:
            return Value(nullptr);
        case json::Type::boolean:
            return Value(v.as_bool());
        case json::Type::integer:
            return Value(v.as_int());
        case json::Type::number:
            return Value(v.as_double());
        case json::Type::string:
            return Value(v.as_string());
        case json::Type::array: {
            List l;
            l.reserve(v.as_array().size());
            for (const auto& e : v.as_array())
                l.push_back(from_json(e));
            return Value(std::move(l));
        }
        case json::Type::object: {
            Dict d;
            d.items.reserve(v.as_object().size());
            for (const auto& [k, e] : v.as_object())
                d.items.emplace_back(k, from_json(e));
            return Value(std::move(d));
        }
    }
    return Value();
}

json::Value to_json(const Value& v) {
    switch (v.kind()) {
        case Value::Kind::none:
            return json::Value(nullptr);
        case Value::Kind::boolean:
            return json::Value(v.as_bool());
        case Value::Kind::integer:
            return json::Value(v.as_int());
        case Value::Kind::floating:
            return json::Value(v.as_double());
        case Value::Kind::string:
            return json::Value(v.as_string());
        case Value::Kind::list: {
            if (v.is_lazy())
                raise_error("Object of type " + v.type_name() + " is not JSON serializable");
            json::Array a;
            for (const auto& e : v.as_list())
                a.push_back(to_json(e));
            return json::Value(std::move(a));
        }
        case Value::Kind::dict: {
            json::Object o;
            for (const auto& [k, e] : v.as_dict().items)
                o.emplace_back(k, to_json(e));
            return json::Value(std::move(o));
        }
        default:
            raise_error("Object of type " + v.type_name() + " is not JSON serializable");
    }
}

}  // namespace hearth::jinja
