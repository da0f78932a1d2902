#pragma once
// Tree-walking interpreter. Scopes follow jinja2: for loops, macros, call blocks and `with`
// open a scope whose assignments do not leak out; `if` does not. Sandbox limits bound the
// work a hostile template can do: loop iterations, call/nesting depth, total work units
// and the size of any string or list it builds.
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "template/ast.h"
#include "template/limits.h"

namespace hearth::jinja {

struct Scope {
    std::unordered_map<std::string, Value> vars;
    std::shared_ptr<Scope> parent;
    const Value* find(const std::string& name) const;
};

class Evaluator {
public:
    Evaluator(const Limits& limits, std::shared_ptr<Scope> globals);

    // Renders a whole template body.
    std::string render(const Body& body);

    Value eval(const Expr& e);
    Value call(const Value& callee, const CallArgs& args);
    Value getattr(const Value& object, const std::string& name);
    Value getitem(const Value& object, const Value& key);
    // The elements `for` iterates over (list items, dict keys, string characters).
    List iterate(const Value& v);

    // Sandbox accounting, used by builtins too.
    void charge(int64_t units);
    void check_string(size_t bytes) const;
    void check_list(size_t items) const;
    [[noreturn]] void limit(const std::string& what) const;

private:
    enum class Flow { normal, break_, continue_ };

    Limits limits_;
    std::shared_ptr<Scope> scope_;
    int depth_ = 0;
    int64_t iterations_ = 0;
    int64_t work_ = 0;

    struct DepthGuard {
        Evaluator& ev;
        explicit DepthGuard(Evaluator& e);
        ~DepthGuard() { --ev.depth_; }
    };
    // Swaps in a child scope of `parent` for the guard's lifetime.
    struct ScopeGuard {
        Evaluator& ev;
        std::shared_ptr<Scope> saved;
        ScopeGuard(Evaluator& e, std::shared_ptr<Scope> parent);
        ~ScopeGuard() { ev.scope_ = std::move(saved); }
    };

    Flow exec_body(const Body& body, std::string& out);
    Flow exec(const Stmt& s, std::string& out);
    Flow exec_for(const Stmt& s, std::string& out);
    void exec_set(const Stmt& s);
    void assign(const Target& t, const Value& v);
    Value make_macro(const Stmt& s);
    Value apply_filters(const Expr& chain, Value input);
    void append(std::string& out, std::string_view piece);

    Value lookup(const std::string& name) const;
    Value eval_binary(const Expr& e);
    Value eval_compare(const Expr& e);
    Value eval_slice(const Expr& e);
    CallArgs eval_args(const Expr& e);
};

}  // namespace hearth::jinja
