#pragma once
// Runtime values of the template interpreter, with Python semantics: truthiness, ==,
// ordering, str() and repr(). Strings, lists and dicts are shared (cheap to copy); lists
// and dicts are never mutated after construction, as in jinja2's immutable sandbox, except
// namespace() objects, whose attributes `{% set ns.x = ... %}` changes.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "json/json.h"

namespace hearth::jinja {

class Value;
using List = std::vector<Value>;

// Insertion-ordered string-keyed map (Python dict from JSON or a template literal).
struct Dict {
    std::vector<std::pair<std::string, Value>> items;
    const Value* find(std::string_view key) const;
    Value* find(std::string_view key);
    void set(std::string key, Value value);
};

struct CallArgs {
    std::vector<Value> positional;
    std::vector<std::pair<std::string, Value>> keyword;
    const Value* kwarg(std::string_view name) const;
};

struct Callable {
    std::string name;
    std::function<Value(const CallArgs&)> fn;
};

class Value {
public:
    enum class Kind : uint8_t {
        undefined,
        none,
        boolean,
        integer,
        floating,
        string,
        list,  // also tuples (is_tuple() changes repr only)
        dict,
        namespace_,  // namespace(): attribute-assignable dict
        callable,
    };

    Value() = default;  // undefined
    Value(std::nullptr_t) : kind_(Kind::none) {}
    Value(bool b) : kind_(Kind::boolean), i_(b) {}
    Value(int i) : kind_(Kind::integer), i_(i) {}
    Value(int64_t i) : kind_(Kind::integer), i_(i) {}
    Value(double d) : kind_(Kind::floating), f_(d) {}
    Value(const char* s) : Value(std::string(s)) {}
    Value(std::string s);
    Value(List l, bool tuple = false);
    Value(Dict d);

    // `hint` names the missing thing for error messages ("'x' is undefined").
    static Value undefined(std::string hint);
    // What the sandbox returns for a forbidden attribute (e.g. list.append): an undefined
    // that raises `message` when called.
    static Value unsafe(std::string message);
    static Value make_namespace(Dict d);
    // A str marked safe (jinja2's Markup): `markup + str` HTML-escapes the plain operand.
    static Value markup(std::string s);
    // Lazy sequences some jinja2 filters and dict methods return (generators, dict views):
    // iterable, but neither subscriptable nor JSON-serialisable; a generator has no len()
    // and is always true. `type_name` is Python's ("generator", "dict_items").
    enum class Lazy : uint8_t { no, generator, view };
    static Value lazy(List l, Lazy kind, std::string type_name);
    static Value function(std::string name, std::function<Value(const CallArgs&)> fn);

    Kind kind() const { return kind_; }
    bool is_undefined() const { return kind_ == Kind::undefined; }
    bool is_none() const { return kind_ == Kind::none; }
    bool is_bool() const { return kind_ == Kind::boolean; }
    bool is_int() const { return kind_ == Kind::integer; }
    bool is_float() const { return kind_ == Kind::floating; }
    bool is_number() const { return is_int() || is_float() || is_bool(); }
    bool is_string() const { return kind_ == Kind::string; }
    bool is_list() const { return kind_ == Kind::list; }
    bool is_tuple() const { return kind_ == Kind::list && tuple_; }
    bool is_dict() const { return kind_ == Kind::dict; }
    bool is_namespace() const { return kind_ == Kind::namespace_; }
    bool is_mapping() const { return is_dict() || is_namespace(); }
    bool is_callable() const { return kind_ == Kind::callable; }
    bool is_unsafe() const { return kind_ == Kind::undefined && unsafe_; }
    bool is_markup() const { return kind_ == Kind::string && markup_; }
    Lazy lazy_kind() const { return kind_ == Kind::list ? lazy_ : Lazy::no; }
    bool is_lazy() const { return lazy_kind() != Lazy::no; }
    bool is_plain_list() const { return kind_ == Kind::list && lazy_ == Lazy::no; }

    bool as_bool() const { return i_ != 0; }
    int64_t as_int() const { return i_; }  // integer or boolean
    double as_double() const;              // any number
    const std::string& as_string() const { return *s_; }
    const List& as_list() const { return *list_; }
    const Dict& as_dict() const { return *dict_; }
    Dict& namespace_dict() const { return *dict_; }
    const Callable& as_callable() const { return *fn_; }
    const std::string& undefined_hint() const;

    // Nesting depth of lists/dicts (scalars 0). Building a value deeper than
    // kMaxValueDepth throws limit_exceeded, so printing, comparing and destroying values
    // never recurses without bound.
    int depth() const { return depth_; }
    static constexpr int kMaxValueDepth = 1000;

    bool truthy() const;
    // Python len(); -1 when the value has no length.
    int64_t length() const;
    // Python type name for error messages: 'str', 'int', 'list', ...
    std::string type_name() const;

private:
    Kind kind_ = Kind::undefined;
    bool tuple_ = false;
    bool unsafe_ = false;
    bool markup_ = false;
    uint16_t depth_ = 0;
    Lazy lazy_ = Lazy::no;
    union {
        int64_t i_ = 0;
        double f_;
    };
    std::shared_ptr<const std::string> s_;  // string, or undefined's hint
    std::shared_ptr<const List> list_;
    std::shared_ptr<Dict> dict_;
    std::shared_ptr<const Callable> fn_;
};

// Python str() and repr().
std::string to_str(const Value& v);
std::string repr(const Value& v);
// Python ==. Numbers compare across int/float/bool; undefined equals only undefined.
bool equals(const Value& a, const Value& b);
// Python ordering (<0, 0, >0); throws template_error for unorderable types.
int compare(const Value& a, const Value& b);

// Whether v is or contains a namespace. Namespaces may not hold namespaces: that keeps
// values acyclic (shared_ptr cycles would leak) and their depth bounded. `visited` counts
// the values looked at, for the caller's work budget.
bool holds_namespace(const Value& v, int64_t& visited);

Value from_json(const json::Value& v);
// For tojson: throws template_error for undefined, callables and namespaces.
json::Value to_json(const Value& v);

// A Python TypeError/ValueError/... raised while rendering.
[[noreturn]] void raise_error(const std::string& message);

}  // namespace hearth::jinja
