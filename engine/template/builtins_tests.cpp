// GCC 12 reports a false -Wrestrict in inlined std::string concatenation (GCC bug 105651).
#pragma GCC diagnostic ignored "-Wrestrict"
// Jinja tests (`x is name(args)`), with jinja2's definitions of each type test.
#include <array>
#include <cmath>

#include "template/builtins.h"
#include "template/evaluator.h"
#include "template/utf8.h"

namespace hearth::jinja {

namespace {

constexpr std::array<std::string_view, 38> kTests = {
    "defined",     "undefined", "none",     "boolean", "false",    "true",     "integer",
    "float",       "number",    "string",   "mapping", "iterable", "sequence", "callable",
    "sameas",      "escaped",   "in",       "eq",      "equalto",  "==",       "ne",
    "!=",          "lt",        "lessthan", "<",       "le",       "<=",       "gt",
    "greaterthan", ">",         "ge",       ">=",      "odd",      "even",     "divisibleby",
    "lower",       "upper",     "filter"};

const Value& required(const CallArgs& a, std::string_view test) {
    if (a.positional.empty()) raise_error("test '" + std::string(test) + "' needs an argument");
    return a.positional[0];
}

int64_t integer_of(const Value& v, std::string_view test) {
    if (v.is_undefined()) raise_error("'" + v.undefined_hint() + "' is undefined");
    if (!v.is_number() || v.is_float())
        raise_error("test '" + std::string(test) + "' needs an integer, got " + v.type_name());
    return v.as_int();
}

}  // namespace

bool has_test(std::string_view name) {
    for (auto t : kTests)
        if (t == name) return true;
    return false;
}

bool apply_test(Evaluator& ev, std::string_view name, const Value& v, const CallArgs& a) {
    (void)ev;
    using K = Value::Kind;
    if (name == "defined") return !v.is_undefined();
    if (name == "undefined") return v.is_undefined();
    if (name == "none") return v.is_none();
    if (name == "boolean") return v.is_bool();
    if (name == "false") return v.is_bool() && !v.as_bool();
    if (name == "true") return v.is_bool() && v.as_bool();
    if (name == "integer") return v.is_int();
    if (name == "float") return v.is_float();
    if (name == "number") return v.is_number();
    if (name == "string") return v.is_string();
    if (name == "mapping") return v.is_dict();
    // jinja2's Undefined is iterable and has len() and __getitem__, so it passes both.
    if (name == "iterable")
        return v.kind() == K::list || v.kind() == K::dict || v.kind() == K::string ||
               v.is_undefined();
    if (name == "sequence")
        return v.is_plain_list() || v.kind() == K::dict || v.kind() == K::string ||
               v.is_undefined();
    if (name == "callable") return v.is_callable();
    if (name == "escaped") return false;
    if (name == "sameas") {
        const Value& o = required(a, name);
        if (v.kind() != o.kind()) return false;
        if (v.is_none() || v.is_undefined()) return v.is_none();
        if (v.is_bool()) return v.as_bool() == o.as_bool();
        if (v.is_int()) return v.as_int() == o.as_int() && v.as_int() >= -5 && v.as_int() <= 256;
        if (v.is_list()) return &v.as_list() == &o.as_list();
        if (v.is_mapping()) return &v.as_dict() == &o.as_dict();
        return false;
    }
    if (name == "in") return contains(required(a, name), v);
    if (name == "eq" || name == "equalto" || name == "==") return equals(v, required(a, name));
    if (name == "ne" || name == "!=") return !equals(v, required(a, name));
    if (name == "lt" || name == "lessthan" || name == "<") return compare(v, required(a, name)) < 0;
    if (name == "le" || name == "<=") return compare(v, required(a, name)) <= 0;
    if (name == "gt" || name == "greaterthan" || name == ">")
        return compare(v, required(a, name)) > 0;
    if (name == "ge" || name == ">=") return compare(v, required(a, name)) >= 0;
    if (name == "odd") return integer_of(v, name) % 2 != 0;
    if (name == "even") return integer_of(v, name) % 2 == 0;
    if (name == "divisibleby") {
        int64_t d = integer_of(required(a, name), name);
        if (d == 0) raise_error("integer division or modulo by zero");
        return integer_of(v, name) % d == 0;
    }
    if (name == "lower" || name == "upper") {
        if (!v.is_string()) raise_error("test '" + std::string(name) + "' needs a string");
        const std::string& s = v.as_string();
        bool cased = false, bad = false;
        for (size_t i = 0; i < s.size();) {
            uint32_t cp = next_code_point(s, i);
            if (!is_cased_letter(cp)) continue;
            cased = true;
            bool is_upper = to_lower_cp(cp) != cp;
            bad |= name == "lower" ? is_upper : !is_upper;
        }
        return cased && !bad;
    }
    if (name == "filter") {
        const Value& n = required(a, name);
        return n.is_string() && has_filter(n.as_string());
    }
    raise_error("no test named '" + std::string(name) + "'");
}

}  // namespace hearth::jinja
