// GCC 12 reports a false -Wrestrict in inlined std::string concatenation (GCC bug 105651).
#pragma GCC diagnostic ignored "-Wrestrict"
// Methods of built-in values (str, dict, list) as the immutable sandbox exposes them:
// read-only methods work, mutating ones resolve to an "unsafe" undefined that raises when
// called, as jinja2's ImmutableSandboxedEnvironment does.
#include <algorithm>
#include <array>

#include "template/builtins.h"
#include "template/pystr.h"
#include "template/utf8.h"

namespace hearth::jinja {

std::optional<std::string> string_arg(const CallArgs& a, size_t i, std::string_view name) {
    const Value* v = arg(a, i, name);
    if (!v || v->is_none()) return std::nullopt;
    if (!v->is_string())
        raise_error("argument '" + std::string(name) + "' must be str, not " + v->type_name());
    return v->as_string();
}

int64_t int_arg(const CallArgs& a, size_t i, std::string_view name, int64_t fallback) {
    const Value* v = arg(a, i, name);
    if (!v || v->is_none()) return fallback;
    if (!v->is_number() || v->is_float())
        raise_error("argument '" + std::string(name) + "' must be an integer");
    return v->as_int();
}

bool contains(const Value& container, const Value& item) {
    switch (container.kind()) {
        case Value::Kind::string:
            if (!item.is_string())
                raise_error("'in <string>' requires string as left operand, not " +
                            item.type_name());
            return container.as_string().find(item.as_string()) != std::string::npos;
        case Value::Kind::list:
            for (const auto& v : container.as_list())
                if (equals(v, item)) return true;
            return false;
        case Value::Kind::dict:
            return item.is_string() && container.as_dict().find(item.as_string()) != nullptr;
        case Value::Kind::undefined:
            if (container.is_unsafe()) raise_error(container.undefined_hint());
            return false;
        default:
            raise_error("argument of type '" + container.type_name() + "' is not iterable");
    }
}

namespace {

Value bound(const Value& self, const std::string& name,
            std::function<Value(const Value&, const CallArgs&)> fn) {
    return Value::function(name,
                           [self, fn = std::move(fn)](const CallArgs& a) { return fn(self, a); });
}

Value string_list(const std::vector<std::string>& parts) {
    List l;
    l.reserve(parts.size());
    for (const auto& p : parts)
        l.emplace_back(p);
    return Value(std::move(l));
}

// startswith/endswith accept one string or a tuple/list of strings.
bool affix_match(const std::string& s, const Value& affix, bool prefix) {
    auto one = [&](const Value& v) {
        if (!v.is_string())
            raise_error("startswith/endswith argument must be str or a tuple of str");
        const std::string& a = v.as_string();
        if (a.size() > s.size()) return false;
        return prefix ? s.compare(0, a.size(), a) == 0
                      : s.compare(s.size() - a.size(), a.size(), a) == 0;
    };
    if (affix.is_list()) {
        for (const auto& v : affix.as_list())
            if (one(v)) return true;
        return false;
    }
    return one(affix);
}

// str.format with "{}", "{0}" and "{name}" fields (no format specs).
std::string format_string(const std::string& fmt, const CallArgs& a) {
    std::string out;
    size_t auto_index = 0;
    for (size_t i = 0; i < fmt.size(); ++i) {
        char c = fmt[i];
        if (c == '{' && i + 1 < fmt.size() && fmt[i + 1] == '{') {
            out += '{';
            ++i;
        } else if (c == '}' && i + 1 < fmt.size() && fmt[i + 1] == '}') {
            out += '}';
            ++i;
        } else if (c == '{') {
            size_t close = fmt.find('}', i);
            if (close == std::string::npos) raise_error("Single '{' encountered in format string");
            std::string field = fmt.substr(i + 1, close - i - 1);
            if (field.find_first_of(":!.[") != std::string::npos)
                raise_error("format specs are not supported in str.format");
            const Value* v = nullptr;
            if (field.empty()) {
                if (auto_index < a.positional.size()) v = &a.positional[auto_index++];
            } else if (std::all_of(field.begin(), field.end(),
                                   [](char ch) { return ch >= '0' && ch <= '9'; })) {
                size_t idx = std::stoul(field);
                if (idx < a.positional.size()) v = &a.positional[idx];
            } else {
                v = a.kwarg(field);
            }
            if (!v) raise_error("format field '" + field + "' has no argument");
            out += to_str(*v);
            i = close;
        } else if (c == '}') {
            raise_error("Single '}' encountered in format string");
        } else {
            out += c;
        }
    }
    return out;
}

Value string_method(const Value& self, const std::string& name) {
    static const std::array<const char*, 31> known = {
        "strip",      "lstrip",   "rstrip",   "split",        "rsplit",       "startswith",
        "endswith",   "upper",    "lower",    "title",        "capitalize",   "replace",
        "find",       "rfind",    "index",    "count",        "join",         "format",
        "isdigit",    "isalpha",  "isalnum",  "isspace",      "islower",      "isupper",
        "splitlines", "swapcase", "casefold", "removeprefix", "removesuffix", "partition",
        "zfill"};
    if (std::find_if(known.begin(), known.end(), [&](const char* k) { return name == k; }) ==
        known.end())
        return Value();
    return bound(self, name, [name](const Value& v, const CallArgs& a) -> Value {
        const std::string& s = v.as_string();
        if (name == "strip" || name == "lstrip" || name == "rstrip")
            return Value(
                pystr::strip(s, string_arg(a, 0, "chars"), name != "rstrip", name != "lstrip"));
        if (name == "split" || name == "rsplit")
            return string_list(pystr::split(s, string_arg(a, 0, "sep"),
                                            int_arg(a, 1, "maxsplit", -1), name == "rsplit"));
        if (name == "splitlines") {
            const Value* keep = arg(a, 0, "keepends");
            return string_list(pystr::splitlines(s, keep && keep->truthy()));
        }
        if (name == "startswith" || name == "endswith") {
            const Value* affix = arg(a, 0, "prefix");
            if (!affix) raise_error(name + "() takes at least 1 argument");
            return Value(affix_match(s, *affix, name == "startswith"));
        }
        if (name == "upper") return Value(to_upper(s));
        if (name == "lower" || name == "casefold") return Value(to_lower(s));
        if (name == "title") return Value(to_title(s));
        if (name == "capitalize") return Value(to_capitalize(s));
        if (name == "swapcase") {
            std::string out;
            for (size_t i = 0; i < s.size();) {
                uint32_t cp = next_code_point(s, i);
                uint32_t up = to_upper_cp(cp);
                append_utf8(out, up != cp ? up : to_lower_cp(cp));
            }
            return Value(out);
        }
        if (name == "replace") {
            auto old = string_arg(a, 0, "old");
            auto with = string_arg(a, 1, "new");
            if (!old || !with) raise_error("replace() takes at least 2 arguments");
            return Value(pystr::replace(s, *old, *with, int_arg(a, 2, "count", -1)));
        }
        if (name == "find" || name == "rfind" || name == "index" || name == "count") {
            auto sub = string_arg(a, 0, "sub");
            if (!sub) raise_error(name + "() takes at least 1 argument");
            if (name == "count") return Value(pystr::count(s, *sub));
            int64_t at = pystr::find(s, *sub, name == "rfind");
            if (at < 0 && name == "index") raise_error("substring not found");
            return Value(at);
        }
        if (name == "removeprefix" || name == "removesuffix") {
            auto affix = string_arg(a, 0, "affix").value_or("");
            if (affix.size() > s.size()) return v;
            if (name == "removeprefix")
                return s.compare(0, affix.size(), affix) == 0 ? Value(s.substr(affix.size())) : v;
            return s.compare(s.size() - affix.size(), affix.size(), affix) == 0
                       ? Value(s.substr(0, s.size() - affix.size()))
                       : v;
        }
        if (name == "partition") {
            auto sep = string_arg(a, 0, "sep");
            if (!sep || sep->empty()) raise_error("empty separator");
            size_t at = s.find(*sep);
            if (at == std::string::npos) return Value(List{Value(s), Value(""), Value("")}, true);
            return Value(
                List{Value(s.substr(0, at)), Value(*sep), Value(s.substr(at + sep->size()))}, true);
        }
        if (name == "join") {
            const Value* items = arg(a, 0, "iterable");
            if (!items || !(items->is_list() || items->is_string() || items->is_dict()))
                raise_error("can only join an iterable");
            std::string out;
            List parts;
            if (items->is_list())
                parts = items->as_list();
            else if (items->is_dict())
                for (const auto& kv : items->as_dict().items)
                    parts.emplace_back(kv.first);
            else
                for (uint32_t cp : code_points(items->as_string())) {
                    std::string ch;
                    append_utf8(ch, cp);
                    parts.emplace_back(ch);
                }
            for (size_t i = 0; i < parts.size(); ++i) {
                if (!parts[i].is_string())
                    raise_error("sequence item " + std::to_string(i) + ": expected str instance, " +
                                parts[i].type_name() + " found");
                if (i) out += s;
                out += parts[i].as_string();
                if (out.size() > (16u << 20)) raise_error("joined string too large");
            }
            return Value(out);
        }
        if (name == "format") return Value(format_string(s, a));
        if (name == "zfill") {
            int64_t width = std::min<int64_t>(int_arg(a, 0, "width", 0), 1 << 20);
            int64_t len = static_cast<int64_t>(code_point_count(s));
            if (width <= len) return v;
            size_t sign = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
            return Value(s.substr(0, sign) + std::string(static_cast<size_t>(width - len), '0') +
                         s.substr(sign));
        }
        // Character-class predicates (ASCII digits/letters; other code points count as
        // letters, which is what chat templates test for).
        auto all = [&](auto pred) {
            if (s.empty()) return false;
            for (size_t i = 0; i < s.size();)
                if (!pred(next_code_point(s, i))) return false;
            return true;
        };
        auto digit = [](uint32_t c) { return c >= '0' && c <= '9'; };
        auto alpha = [](uint32_t c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                   (c >= 0xc0 && !is_python_space(c));
        };
        if (name == "isdigit") return Value(all(digit));
        if (name == "isalpha") return Value(all(alpha));
        if (name == "isalnum") return Value(all([&](uint32_t c) { return digit(c) || alpha(c); }));
        if (name == "isspace") return Value(pystr::is_space(s));
        bool has_cased = false, has_upper = false, has_lower = false;
        for (size_t i = 0; i < s.size();) {
            uint32_t cp = next_code_point(s, i);
            if (!is_cased_letter(cp)) continue;
            has_cased = true;
            has_upper |= to_lower_cp(cp) != cp;
            has_lower |= to_upper_cp(cp) != cp;
        }
        if (name == "islower") return Value(has_cased && !has_upper);
        return Value(has_cased && !has_lower);  // isupper
    });
}

Value dict_method(const Value& self, const std::string& name) {
    if (name == "get")
        return bound(self, name, [](const Value& v, const CallArgs& a) -> Value {
            const Value* key = arg(a, 0, "key");
            if (!key) raise_error("get expected at least 1 argument, got 0");
            if (key->is_string())
                if (const Value* found = v.as_dict().find(key->as_string())) return *found;
            const Value* dflt = arg(a, 1, "default");
            return dflt ? *dflt : Value(nullptr);
        });
    if (name == "items" || name == "keys" || name == "values")
        return bound(self, name, [name](const Value& v, const CallArgs&) -> Value {
            List out;
            for (const auto& [k, val] : v.as_dict().items) {
                if (name == "items")
                    out.emplace_back(List{Value(k), val}, true);
                else if (name == "keys")
                    out.emplace_back(k);
                else
                    out.push_back(val);
            }
            return Value(std::move(out));
        });
    if (name == "copy")
        return bound(self, name,
                     [](const Value& v, const CallArgs&) { return Value(v.as_dict()); });
    if (name == "pop" || name == "popitem" || name == "setdefault" || name == "update" ||
        name == "clear" || name == "fromkeys")
        return Value::unsafe("access to attribute '" + name + "' of 'dict' object is unsafe.");
    return Value();
}

Value list_method(const Value& self, const std::string& name) {
    if (name == "index" || name == "count")
        return bound(self, name, [name](const Value& v, const CallArgs& a) -> Value {
            const Value* x = arg(a, 0, "value");
            if (!x) raise_error(name + "() takes exactly one argument");
            const List& l = v.as_list();
            int64_t n = 0;
            for (size_t i = 0; i < l.size(); ++i) {
                if (!equals(l[i], *x)) continue;
                if (name == "index") return Value(static_cast<int64_t>(i));
                ++n;
            }
            if (name == "index") raise_error("value is not in list");
            return Value(n);
        });
    if (name == "copy" && !self.is_tuple())
        return bound(self, name,
                     [](const Value& v, const CallArgs&) { return Value(v.as_list()); });
    if (!self.is_tuple() &&
        (name == "append" || name == "extend" || name == "insert" || name == "pop" ||
         name == "remove" || name == "reverse" || name == "sort" || name == "clear"))
        return Value::unsafe("access to attribute '" + name + "' of 'list' object is unsafe.");
    return Value();
}

}  // namespace

Value get_method(const Value& object, const std::string& name) {
    switch (object.kind()) {
        case Value::Kind::string:
            return string_method(object, name);
        case Value::Kind::dict:
            return dict_method(object, name);
        case Value::Kind::list:
            return list_method(object, name);
        default:
            return Value();
    }
}

}  // namespace hearth::jinja
