#pragma once
// Syntax tree of a parsed template. Expressions and statements are plain structs with a
// kind tag; the fields each kind uses are listed next to the kind.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "template/value.h"

namespace hearth::jinja {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

enum class ExprKind {
    literal,  // value
    name,     // name
    list,     // items
    tuple,    // items
    dict,     // items as key, value pairs (even/odd)
    getattr,  // a.name
    getitem,  // a[b]
    slice,    // a[b:c:d] (b, c, d may be null)
    call,     // a(items, kwargs)
    filter,   // a | name(items, kwargs); a is null in filter blocks
    test,     // a is [not] name(items, kwargs); negated
    not_,     // not a
    neg,      // -a
    pos,      // +a
    binary,   // a op b: + - * / // % **
    concat,   // items joined by ~
    compare,  // a (ops[i] items[i])...
    and_,     // a and b
    or_,      // a or b
    cond,     // b if a else c (c may be null)
};

struct Expr {
    ExprKind kind;
    int line = 0;
    Value value;
    std::string name;
    ExprPtr a, b, c, d;
    std::vector<ExprPtr> items;
    std::vector<std::pair<std::string, ExprPtr>> kwargs;
    std::vector<std::string> ops;
    bool negated = false;
    int depth = 1;  // longest path to a leaf; the parser bounds it
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

// Assignment target of for/set: one name, several names (tuple unpacking), or ns.attr.
struct Target {
    std::vector<std::string> names;
    std::string attribute;  // set only: names[0].attribute = ...
    bool tuple = false;
};

struct Param {
    std::string name;
    ExprPtr default_value;  // null: required
};

struct IfBranch {
    ExprPtr condition;
    Body body;
};

enum class StmtKind {
    text,          // text
    output,        // expr
    if_,           // branches, else_body
    for_,          // target, expr (iterable), condition (optional), body, else_body
    set,           // target, expr
    set_block,     // target, body, filters (filter exprs with null input, chained)
    macro,         // name, params, body
    call_block,    // expr (the call), params (caller's), body
    filter_block,  // filters, body
    with,          // params (name = value), body
    scope,         // body ({% generation %})
    break_,
    continue_,
};

struct Stmt {
    StmtKind kind;
    int line = 0;
    std::string text;
    ExprPtr expr;
    ExprPtr condition;
    std::vector<IfBranch> branches;
    Body body;
    Body else_body;
    Target target;
    std::string name;
    std::vector<Param> params;
    ExprPtr filters;  // a filter chain whose innermost input is null
};

}  // namespace hearth::jinja
