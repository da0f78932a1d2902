// GCC 12 reports a false -Wrestrict in inlined std::string concatenation (GCC bug 105651).
#pragma GCC diagnostic ignored "-Wrestrict"
#include "template/evaluator.h"

#include <cmath>

#include "core/error.h"
#include "template/builtins.h"
#include "template/utf8.h"

namespace hearth::jinja {

const Value* Scope::find(const std::string& name) const {
    for (const Scope* s = this; s; s = s->parent.get()) {
        auto it = s->vars.find(name);
        if (it != s->vars.end()) return &it->second;
    }
    return nullptr;
}

Evaluator::Evaluator(const Limits& limits, std::shared_ptr<Scope> globals)
    : limits_(limits), scope_(std::move(globals)) {}

Evaluator::DepthGuard::DepthGuard(Evaluator& e) : ev(e) {
    if (++ev.depth_ > ev.limits_.max_depth) {
        --ev.depth_;
        ev.limit("recursion depth exceeded");
    }
}

Evaluator::ScopeGuard::ScopeGuard(Evaluator& e, std::shared_ptr<Scope> parent)
    : ev(e), saved(e.scope_) {
    auto child = std::make_shared<Scope>();
    child->parent = std::move(parent);
    ev.scope_ = std::move(child);
}

void Evaluator::limit(const std::string& what) const {
    throw Error(ErrorCode::limit_exceeded, "template sandbox limit: " + what);
}

void Evaluator::charge(int64_t units) {
    work_ += units;
    if (work_ > limits_.max_work) limit("too much work");
}

void Evaluator::check_string(size_t bytes) const {
    if (bytes > limits_.max_output_bytes) limit("string or output too large");
}

void Evaluator::check_list(size_t items) const {
    if (items > limits_.max_list_items) limit("list too large");
}

void Evaluator::append(std::string& out, std::string_view piece) {
    check_string(out.size() + piece.size());
    charge(1 + static_cast<int64_t>(piece.size() / 64));
    out.append(piece);
}

std::string Evaluator::render(const Body& body) {
    std::string out;
    exec_body(body, out);
    return out;
}

Evaluator::Flow Evaluator::exec_body(const Body& body, std::string& out) {
    for (const auto& s : body) {
        Flow f = exec(*s, out);
        if (f != Flow::normal) return f;
    }
    return Flow::normal;
}

Evaluator::Flow Evaluator::exec(const Stmt& s, std::string& out) {
    DepthGuard guard(*this);
    charge(1);
    switch (s.kind) {
        case StmtKind::text:
            append(out, s.text);
            return Flow::normal;
        case StmtKind::output: {
            Value v = eval(*s.expr);
            if (v.is_string())
                append(out, v.as_string());
            else
                append(out, to_str(v));
            return Flow::normal;
        }
        case StmtKind::if_:
            for (const auto& branch : s.branches)
                if (eval(*branch.condition).truthy()) return exec_body(branch.body, out);
            return exec_body(s.else_body, out);
        case StmtKind::for_:
            return exec_for(s, out);
        case StmtKind::set:
            exec_set(s);
            return Flow::normal;
        case StmtKind::set_block: {
            std::string captured;
            {
                ScopeGuard inner(*this, scope_);
                exec_body(s.body, captured);
            }
            Value v(std::move(captured));
            if (s.filters) v = apply_filters(*s.filters, v);
            assign(s.target, v);
            return Flow::normal;
        }
        case StmtKind::macro:
            scope_->vars[s.name] = make_macro(s);
            return Flow::normal;
        case StmtKind::call_block: {
            std::weak_ptr<Scope> site = scope_;
            const Stmt* stmt = &s;
            Value caller = Value::function("caller", [this, stmt, site](const CallArgs& args) {
                ScopeGuard inner(*this, site.lock());
                for (size_t i = 0; i < stmt->params.size(); ++i) {
                    const Param& p = stmt->params[i];
                    Value v = i < args.positional.size() ? args.positional[i]
                              : p.default_value          ? eval(*p.default_value)
                                                         : Value::undefined(p.name);
                    scope_->vars[p.name] = v;
                }
                std::string body;
                exec_body(stmt->body, body);
                return Value(std::move(body));
            });
            ScopeGuard inner(*this, scope_);
            scope_->vars["caller"] = caller;
            Value callee = eval(*s.expr->a);
            CallArgs args = eval_args(*s.expr);
            args.keyword.emplace_back("caller", caller);
            Value v = call(callee, args);
            append(out, to_str(v));
            return Flow::normal;
        }
        case StmtKind::filter_block: {
            std::string captured;
            {
                ScopeGuard inner(*this, scope_);
                exec_body(s.body, captured);
            }
            append(out, to_str(apply_filters(*s.filters, Value(std::move(captured)))));
            return Flow::normal;
        }
        case StmtKind::with: {
            std::vector<Value> values;
            for (const auto& p : s.params)
                values.push_back(eval(*p.default_value));
            ScopeGuard inner(*this, scope_);
            for (size_t i = 0; i < s.params.size(); ++i)
                scope_->vars[s.params[i].name] = values[i];
            exec_body(s.body, out);
            return Flow::normal;
        }
        case StmtKind::scope:
            return exec_body(s.body, out);
        case StmtKind::break_:
            return Flow::break_;
        case StmtKind::continue_:
            return Flow::continue_;
    }
    return Flow::normal;
}

Evaluator::Flow Evaluator::exec_for(const Stmt& s, std::string& out) {
    List items = iterate(eval(*s.expr));
    ScopeGuard inner(*this, scope_);
    if (s.condition) {
        // `for x in xs if cond`: the filter runs first, so loop.length/last see only the
        // items that pass.
        List kept;
        for (auto& item : items) {
            if (++iterations_ > limits_.max_loop_iterations) limit("too many loop iterations");
            assign(s.target, item);
            if (eval(*s.condition).truthy()) kept.push_back(std::move(item));
        }
        items = std::move(kept);
    }
    const int64_t n = static_cast<int64_t>(items.size());
    const std::shared_ptr<Scope> loop_scope = scope_;
    for (int64_t i = 0; i < n; ++i) {
        if (++iterations_ > limits_.max_loop_iterations) limit("too many loop iterations");
        // As in jinja2, what one iteration sets is gone in the next.
        ScopeGuard iteration(*this, loop_scope);
        Dict loop;
        loop.set("index", Value(i + 1));
        loop.set("index0", Value(i));
        loop.set("revindex", Value(n - i));
        loop.set("revindex0", Value(n - i - 1));
        loop.set("first", Value(i == 0));
        loop.set("last", Value(i == n - 1));
        loop.set("length", Value(n));
        loop.set("depth", Value(1));
        loop.set("depth0", Value(0));
        if (i > 0) loop.set("previtem", items[i - 1]);
        if (i + 1 < n) loop.set("nextitem", items[i + 1]);
        loop.set("cycle", Value::function("cycle", [i](const CallArgs& args) {
                     if (args.positional.empty()) raise_error("no items for cycling given");
                     return args.positional[i % args.positional.size()];
                 }));
        scope_->vars["loop"] = Value(std::move(loop));
        assign(s.target, items[i]);
        if (exec_body(s.body, out) == Flow::break_) break;
    }
    if (n == 0) {
        scope_->vars.erase("loop");
        exec_body(s.else_body, out);
    }
    return Flow::normal;
}

void Evaluator::assign(const Target& t, const Value& v) {
    if (!t.tuple) {
        scope_->vars[t.names[0]] = v;
        return;
    }
    List parts;
    if (v.is_list()) {
        parts = v.as_list();
    } else if (v.is_string() || v.is_dict()) {
        parts = iterate(v);
    } else {
        raise_error("cannot unpack non-iterable " + v.type_name() + " object");
    }
    if (parts.size() != t.names.size())
        raise_error(parts.size() > t.names.size() ? "too many values to unpack"
                                                  : "not enough values to unpack");
    for (size_t i = 0; i < parts.size(); ++i)
        scope_->vars[t.names[i]] = parts[i];
}

void Evaluator::exec_set(const Stmt& s) {
    Value v = eval(*s.expr);
    if (s.target.attribute.empty()) return assign(s.target, v);
    Value ns = lookup(s.target.names[0]);
    if (!ns.is_namespace()) raise_error("cannot assign attribute on non-namespace object");
    int64_t visited = 0;
    bool nested = holds_namespace(v, visited);
    charge(visited);
    if (nested) raise_error("a namespace cannot hold another namespace");
    ns.namespace_dict().set(s.target.attribute, v);
}

Value Evaluator::make_macro(const Stmt& s) {
    std::weak_ptr<Scope> defining = scope_;
    const Stmt* stmt = &s;
    return Value::function(s.name, [this, stmt, defining](const CallArgs& args) {
        DepthGuard guard(*this);
        const auto& params = stmt->params;
        if (args.positional.size() > params.size())
            raise_error("macro '" + stmt->name + "' takes not more than " +
                        std::to_string(params.size()) + " argument(s)");
        std::shared_ptr<Scope> parent = defining.lock();
        ScopeGuard inner(*this, parent ? parent : scope_);
        for (const auto& [key, value] : args.keyword) {
            bool known = key == "caller";
            for (const auto& p : params)
                known = known || p.name == key;
            if (!known)
                raise_error("macro '" + stmt->name + "' takes no keyword argument '" + key + "'");
        }
        for (size_t i = 0; i < params.size(); ++i) {
            const Param& p = params[i];
            const Value* kw = args.kwarg(p.name);
            if (i < args.positional.size()) {
                if (kw)
                    raise_error("macro '" + stmt->name + "' got multiple values for '" + p.name +
                                "'");
                scope_->vars[p.name] = args.positional[i];
            } else if (kw) {
                scope_->vars[p.name] = *kw;
            } else if (p.default_value) {
                scope_->vars[p.name] = eval(*p.default_value);
            } else {
                scope_->vars[p.name] = Value::undefined(p.name);
            }
        }
        if (const Value* c = args.kwarg("caller")) scope_->vars["caller"] = *c;
        std::string out;
        exec_body(stmt->body, out);
        return Value(std::move(out));
    });
}

Value Evaluator::apply_filters(const Expr& chain, Value input) {
    // The chain is nested inner-to-outer through `a`; the innermost has a null input.
    if (chain.a) input = apply_filters(*chain.a, std::move(input));
    CallArgs args = eval_args(chain);
    return apply_filter(*this, chain.name, input, args);
}

Value Evaluator::lookup(const std::string& name) const {
    if (const Value* v = scope_->find(name)) return *v;
    return Value::undefined(name);
}

[[noreturn]] static void undefined_error(const Value& v) {
    const std::string& hint = v.undefined_hint();
    if (v.is_unsafe()) raise_error(hint);
    if (hint.find(' ') != std::string::npos) raise_error(hint);
    raise_error("'" + hint + "' is undefined");
}

Value Evaluator::getattr(const Value& object, const std::string& name) {
    if (object.is_undefined()) undefined_error(object);
    if (!name.empty() && name[0] == '_')
        return Value::unsafe("access to attribute '" + name + "' of '" + object.type_name() +
                             "' object is unsafe.");
    if (object.is_namespace()) {
        if (const Value* v = object.namespace_dict().find(name)) return *v;
    } else {
        Value m = get_method(object, name);
        if (!m.is_undefined() || m.is_unsafe()) return m;
        if (object.is_dict())
            if (const Value* v = object.as_dict().find(name)) return *v;
    }
    return Value::undefined("'" + object.type_name() + " object' has no attribute '" + name + "'");
}

Value Evaluator::getitem(const Value& object, const Value& key) {
    if (object.is_undefined()) undefined_error(object);
    if (object.is_dict() && key.is_string()) {
        if (const Value* v = object.as_dict().find(key.as_string())) return *v;
    } else if ((object.is_plain_list() || object.is_string()) && key.is_number() &&
               !key.is_float()) {
        int64_t i = key.as_int();
        if (object.is_list()) {
            int64_t n = static_cast<int64_t>(object.as_list().size());
            if (i < 0) i += n;
            if (i >= 0 && i < n) return object.as_list()[static_cast<size_t>(i)];
        } else {
            auto cps = code_points(object.as_string());
            int64_t n = static_cast<int64_t>(cps.size());
            if (i < 0) i += n;
            if (i >= 0 && i < n) return Value(from_code_points(cps, i, i + 1));
        }
    }
    if (key.is_string()) {
        // jinja2: a failed item lookup with a string key falls back to the attribute.
        if (object.is_namespace()) {
            if (const Value* v = object.namespace_dict().find(key.as_string())) return *v;
        } else {
            Value m = get_method(object, key.as_string());
            if (!m.is_undefined() || m.is_unsafe()) return m;
        }
    }
    return Value::undefined("'" + object.type_name() + " object' has no attribute '" + to_str(key) +
                            "'");
}

List Evaluator::iterate(const Value& v) {
    switch (v.kind()) {
        case Value::Kind::undefined:
            if (v.is_unsafe()) undefined_error(v);
            return {};
        case Value::Kind::list:
            charge(static_cast<int64_t>(v.as_list().size()));
            return v.as_list();
        case Value::Kind::dict: {
            List keys;
            for (const auto& kv : v.as_dict().items)
                keys.emplace_back(kv.first);
            charge(static_cast<int64_t>(keys.size()));
            return keys;
        }
        case Value::Kind::string: {
            List chars;
            const std::string& s = v.as_string();
            for (size_t i = 0; i < s.size();) {
                size_t start = i;
                next_code_point(s, i);
                chars.emplace_back(s.substr(start, i - start));
            }
            charge(static_cast<int64_t>(chars.size()));
            return chars;
        }
        default:
            raise_error("'" + v.type_name() + "' object is not iterable");
    }
}

CallArgs Evaluator::eval_args(const Expr& e) {
    CallArgs args;
    for (const auto& item : e.items)
        args.positional.push_back(eval(*item));
    for (const auto& [k, v] : e.kwargs)
        args.keyword.emplace_back(k, eval(*v));
    return args;
}

Value Evaluator::call(const Value& callee, const CallArgs& args) {
    if (callee.is_callable()) {
        DepthGuard guard(*this);
        return callee.as_callable().fn(args);
    }
    if (callee.is_undefined()) undefined_error(callee);
    raise_error("'" + callee.type_name() + "' object is not callable");
}

Value Evaluator::eval(const Expr& e) {
    charge(1);
    switch (e.kind) {
        case ExprKind::literal:
            return e.value;
        case ExprKind::name:
            return lookup(e.name);
        case ExprKind::list:
        case ExprKind::tuple: {
            List items;
            for (const auto& item : e.items)
                items.push_back(eval(*item));
            return Value(std::move(items), e.kind == ExprKind::tuple);
        }
        case ExprKind::dict: {
            Dict d;
            for (size_t i = 0; i + 1 < e.items.size(); i += 2) {
                Value key = eval(*e.items[i]);
                if (!key.is_string()) raise_error("only string keys are supported in dicts");
                d.set(key.as_string(), eval(*e.items[i + 1]));
            }
            return Value(std::move(d));
        }
        case ExprKind::getattr:
            return getattr(eval(*e.a), e.name);
        case ExprKind::getitem: {
            Value object = eval(*e.a);
            return getitem(object, eval(*e.b));
        }
        case ExprKind::slice:
            return eval_slice(e);
        case ExprKind::call: {
            Value callee = eval(*e.a);
            return call(callee, eval_args(e));
        }
        case ExprKind::filter: {
            Value input = e.a ? eval(*e.a) : Value();
            return apply_filter(*this, e.name, input, eval_args(e));
        }
        case ExprKind::test: {
            Value input = eval(*e.a);
            bool r = apply_test(*this, e.name, input, eval_args(e));
            return Value(r != e.negated);
        }
        case ExprKind::not_:
            return Value(!eval(*e.a).truthy());
        case ExprKind::neg:
        case ExprKind::pos: {
            Value v = eval(*e.a);
            if (v.is_undefined()) undefined_error(v);
            if (v.is_float())
                return Value(e.kind == ExprKind::neg ? -v.as_double() : v.as_double());
            if (!v.is_number())
                raise_error("bad operand type for unary -: '" + v.type_name() + "'");
            if (e.kind == ExprKind::pos) return Value(v.as_int());
            if (v.as_int() == INT64_MIN) raise_error("integer overflow");
            return Value(-v.as_int());
        }
        case ExprKind::binary:
            return eval_binary(e);
        case ExprKind::concat: {
            std::string out;
            for (const auto& item : e.items) {
                Value v = eval(*item);
                std::string s = v.is_string() ? v.as_string() : to_str(v);
                check_string(out.size() + s.size());
                charge(static_cast<int64_t>(s.size() / 64));
                out += s;
            }
            return Value(std::move(out));
        }
        case ExprKind::compare:
            return eval_compare(e);
        case ExprKind::and_: {
            Value a = eval(*e.a);
            return a.truthy() ? eval(*e.b) : a;
        }
        case ExprKind::or_: {
            Value a = eval(*e.a);
            return a.truthy() ? a : eval(*e.b);
        }
        case ExprKind::cond:
            if (eval(*e.a).truthy()) return eval(*e.b);
            return e.c ? eval(*e.c)
                       : Value::undefined("the inline if-expression on line " +
                                          std::to_string(e.line) +
                                          " evaluated to false and no else section");
    }
    return Value();
}

Value Evaluator::eval_compare(const Expr& e) {
    Value left = eval(*e.a);
    for (size_t i = 0; i < e.ops.size(); ++i) {
        Value right = eval(*e.items[i]);
        const std::string& op = e.ops[i];
        bool r;
        if (op == "==")
            r = equals(left, right);
        else if (op == "!=")
            r = !equals(left, right);
        else if (op == "in")
            r = contains(right, left);
        else if (op == "notin")
            r = !contains(right, left);
        else {
            int c = compare(left, right);
            r = op == "<" ? c < 0 : op == ">" ? c > 0 : op == "<=" ? c <= 0 : c >= 0;
        }
        if (!r) return Value(false);
        left = std::move(right);
    }
    return Value(true);
}

namespace {

int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

// Python slice bounds for a sequence of length n.
void slice_indices(int64_t n, const Value& start, const Value& stop, const Value& step, int64_t& b,
                   int64_t& e, int64_t& s) {
    auto as_index = [](const Value& v) {
        if (!v.is_number() || v.is_float()) raise_error("slice indices must be integers or None");
        return v.as_int();
    };
    s = step.is_none() || step.is_undefined() ? 1 : as_index(step);
    if (s == 0) raise_error("slice step cannot be zero");
    auto clamp = [&](const Value& v, int64_t dflt) {
        if (v.is_none() || v.is_undefined()) return dflt;
        int64_t i = as_index(v);
        if (i < 0) i += n;
        if (s > 0) return std::clamp<int64_t>(i, 0, n);
        return std::clamp<int64_t>(i, -1, n - 1);
    };
    b = clamp(start, s > 0 ? 0 : n - 1);
    e = clamp(stop, s > 0 ? n : -1);
}

}  // namespace

Value Evaluator::eval_slice(const Expr& e) {
    Value object = eval(*e.a);
    if (object.is_undefined()) undefined_error(object);
    Value start = e.b ? eval(*e.b) : Value(nullptr);
    Value stop = e.c ? eval(*e.c) : Value(nullptr);
    Value step = e.d ? eval(*e.d) : Value(nullptr);
    auto pick = [&](int64_t n, auto&& take) {
        int64_t b, en, s;
        slice_indices(n, start, stop, step, b, en, s);
        // b and en lie in [-1, n]; stop before i + s could overflow.
        for (int64_t i = b; s > 0 ? i < en : i > en;) {
            take(i);
            if (__builtin_add_overflow(i, s, &i)) break;
        }
    };
    if (object.is_plain_list()) {
        const List& l = object.as_list();
        List out;
        pick(static_cast<int64_t>(l.size()), [&](int64_t i) { out.push_back(l[i]); });
        charge(static_cast<int64_t>(out.size()));
        return Value(std::move(out), object.is_tuple());
    }
    if (object.is_string()) {
        auto cps = code_points(object.as_string());
        std::string out;
        pick(static_cast<int64_t>(cps.size()), [&](int64_t i) { append_utf8(out, cps[i]); });
        charge(static_cast<int64_t>(out.size() / 16));
        return Value(std::move(out));
    }
    raise_error("'" + object.type_name() + "' object is not subscriptable");
}

Value Evaluator::eval_binary(const Expr& e) {
    Value a = eval(*e.a);
    Value b = eval(*e.b);
    const std::string& op = e.name;
    if (a.is_undefined()) undefined_error(a);
    if (b.is_undefined()) undefined_error(b);
    auto type_error = [&]() -> Value {
        raise_error("unsupported operand type(s) for " + op + ": '" + a.type_name() + "' and '" +
                    b.type_name() + "'");
    };
    if (op == "+") {
        if (a.is_string() && b.is_string() && (a.is_markup() || b.is_markup())) {
            // Markup + str escapes the plain side (markupsafe); the result stays markup.
            std::string x = a.is_markup() ? a.as_string() : html_escape(a.as_string());
            std::string y = b.is_markup() ? b.as_string() : html_escape(b.as_string());
            check_string(x.size() + y.size());
            return Value::markup(x + y);
        }
        if (a.is_string() && b.is_string()) {
            check_string(a.as_string().size() + b.as_string().size());
            charge(static_cast<int64_t>((a.as_string().size() + b.as_string().size()) / 64));
            return Value(a.as_string() + b.as_string());
        }
        if (a.is_plain_list() && b.is_plain_list() && a.is_tuple() == b.is_tuple()) {
            check_list(a.as_list().size() + b.as_list().size());
            List out = a.as_list();
            out.insert(out.end(), b.as_list().begin(), b.as_list().end());
            charge(static_cast<int64_t>(out.size()));
            return Value(std::move(out), a.is_tuple());
        }
    }
    if (op == "*") {
        const Value* seq = a.is_string() || a.is_plain_list()   ? &a
                           : b.is_string() || b.is_plain_list() ? &b
                                                                : nullptr;
        const Value* count = seq == &a ? &b : &a;
        if (seq && count->is_number() && !count->is_float()) {
            int64_t n = std::max<int64_t>(0, count->as_int());
            if (seq->is_string()) {
                const std::string& s = seq->as_string();
                if (!s.empty()) check_string(s.size() * std::min<int64_t>(n, INT32_MAX));
                std::string out;
                for (int64_t i = 0; i < n && !s.empty(); ++i)
                    out += s;
                charge(static_cast<int64_t>(out.size() / 64));
                return Value(std::move(out));
            }
            const List& l = seq->as_list();
            if (!l.empty()) check_list(l.size() * std::min<int64_t>(n, INT32_MAX));
            List out;
            for (int64_t i = 0; i < n && !l.empty(); ++i)
                out.insert(out.end(), l.begin(), l.end());
            charge(static_cast<int64_t>(out.size()));
            return Value(std::move(out), seq->is_tuple());
        }
    }
    if (!a.is_number() || !b.is_number()) return type_error();
    bool floating = a.is_float() || b.is_float();
    if (op == "/") {
        if (b.as_double() == 0) raise_error("division by zero");
        return Value(a.as_double() / b.as_double());
    }
    if (floating) {
        double x = a.as_double(), y = b.as_double();
        if (op == "+") return Value(x + y);
        if (op == "-") return Value(x - y);
        if (op == "*") return Value(x * y);
        if (op == "**") return Value(std::pow(x, y));
        if (y == 0) raise_error("float division by zero");
        if (op == "//") return Value(std::floor(x / y));
        if (op == "%") {
            double r = std::fmod(x, y);
            if (r != 0 && ((r < 0) != (y < 0))) r += y;
            return Value(r);
        }
        return type_error();
    }
    int64_t x = a.as_int(), y = b.as_int(), r = 0;
    if (op == "+") {
        if (__builtin_add_overflow(x, y, &r)) raise_error("integer overflow");
        return Value(r);
    }
    if (op == "-") {
        if (__builtin_sub_overflow(x, y, &r)) raise_error("integer overflow");
        return Value(r);
    }
    if (op == "*") {
        if (__builtin_mul_overflow(x, y, &r)) raise_error("integer overflow");
        return Value(r);
    }
    if (op == "**") {
        if (y < 0) return Value(std::pow(static_cast<double>(x), static_cast<double>(y)));
        if (x == 0 || x == 1) return Value(y == 0 ? int64_t{1} : x);
        if (x == -1) return Value(y % 2 == 0 ? int64_t{1} : int64_t{-1});
        r = 1;  // |x| >= 2, so overflow ends this within 64 steps
        for (int64_t i = 0; i < y; ++i)
            if (__builtin_mul_overflow(r, x, &r)) raise_error("integer overflow");
        return Value(r);
    }
    if (y == 0) raise_error("integer division or modulo by zero");
    if (x == INT64_MIN && y == -1) raise_error("integer overflow");
    if (op == "//") return Value(floor_div(x, y));
    if (op == "%") return Value(x - floor_div(x, y) * y);
    return type_error();
}

}  // namespace hearth::jinja
