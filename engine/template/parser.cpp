// GCC 12 reports a false -Wrestrict in inlined std::string concatenation (GCC bug 105651).
#pragma GCC diagnostic ignored "-Wrestrict"
#include "template/parser.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <initializer_list>

#include "core/error.h"
#include "template/builtins.h"
#include "template/lexer.h"

namespace hearth::jinja {

namespace {

constexpr int kMaxNesting = 200;  // bounds parser recursion on hostile input
constexpr int kMaxExpressionDepth = 300;

class Parser {
public:
    explicit Parser(std::vector<Token> tokens) : toks_(std::move(tokens)) {}

    Body run() {
        Body body = statements({});
        if (cur().type != TokenType::eof) fail("unexpected '" + cur().value + "'");
        return body;
    }

private:
    std::vector<Token> toks_;
    size_t pos_ = 0;
    int depth_ = 0;
    int loop_depth_ = 0;
    // jinja2 checks filter and test names at compile time except inside if/ternary
    // ("soft" frames), where an unknown name only fails when evaluated.
    bool soft_ = false;

    struct DepthGuard {
        Parser& p;
        explicit DepthGuard(Parser& parser) : p(parser) {
            if (++p.depth_ > kMaxNesting) p.fail("template nesting too deep");
        }
        ~DepthGuard() { --p.depth_; }
    };

    const Token& cur() const { return toks_[pos_]; }
    const Token& peek(size_t n = 1) const { return toks_[std::min(pos_ + n, toks_.size() - 1)]; }
    void advance() {
        if (pos_ + 1 < toks_.size()) ++pos_;
    }

    [[noreturn]] void fail(const std::string& msg) const {
        throw Error(ErrorCode::template_error, "line " + std::to_string(cur().line) + ": " + msg);
    }

    bool is_op(std::string_view op) const {
        return cur().type == TokenType::op && cur().value == op;
    }
    bool is_name(std::string_view n) const {
        return cur().type == TokenType::name && cur().value == n;
    }
    bool skip_op(std::string_view op) {
        if (!is_op(op)) return false;
        advance();
        return true;
    }
    bool skip_name(std::string_view n) {
        if (!is_name(n)) return false;
        advance();
        return true;
    }
    void expect_op(std::string_view op) {
        if (!skip_op(op)) fail("expected '" + std::string(op) + "'");
    }
    std::string expect_name() {
        if (cur().type != TokenType::name) fail("expected a name");
        std::string n = cur().value;
        advance();
        return n;
    }
    void expect_block_end() {
        if (cur().type != TokenType::block_end) fail("expected end of statement block");
        advance();
    }

    // Records a finished node's depth (children are sealed first) and bounds it, so that
    // evaluating and destroying the tree cannot overflow the stack, whatever the source.
    ExprPtr seal(ExprPtr e) {
        int depth = 0;
        for (const Expr* child : {e->a.get(), e->b.get(), e->c.get(), e->d.get()})
            if (child) depth = std::max(depth, child->depth);
        for (const auto& item : e->items)
            depth = std::max(depth, item->depth);
        for (const auto& kw : e->kwargs)
            depth = std::max(depth, kw.second->depth);
        e->depth = depth + 1;
        if (e->depth > kMaxExpressionDepth) fail("expression nested too deeply");
        return e;
    }

    ExprPtr make(ExprKind kind) {
        auto e = std::make_unique<Expr>();
        e->kind = kind;
        e->line = cur().line;
        return e;
    }

    // ---- statements ----------------------------------------------------------------

    // Parses until a block tag whose name is in `end_tags`; leaves the position on that name.
    Body statements(std::initializer_list<std::string_view> end_tags) {
        DepthGuard guard(*this);
        Body body;
        while (true) {
            const Token& t = cur();
            if (t.type == TokenType::eof) {
                if (end_tags.size() != 0)
                    fail("unexpected end of template, expected '" + std::string(*end_tags.begin()) +
                         "'");
                return body;
            }
            if (t.type == TokenType::text) {
                auto s = std::make_unique<Stmt>();
                s->kind = StmtKind::text;
                s->line = t.line;
                s->text = t.value;
                body.push_back(std::move(s));
                advance();
            } else if (t.type == TokenType::var_begin) {
                advance();
                auto s = std::make_unique<Stmt>();
                s->kind = StmtKind::output;
                s->line = cur().line;
                s->expr = tuple_expr(true, {});
                if (cur().type != TokenType::var_end) fail("expected end of print statement");
                advance();
                body.push_back(std::move(s));
            } else if (t.type == TokenType::block_begin) {
                advance();
                if (cur().type != TokenType::name) fail("tag name expected");
                for (auto end : end_tags)
                    if (cur().value == end) return body;
                body.push_back(statement());
            } else {
                fail("unexpected token");
            }
        }
    }

    // Expects `{% name %}` (the block_begin already consumed, position on the name).
    void end_tag(std::string_view name) {
        if (!skip_name(name)) fail("expected '" + std::string(name) + "'");
        expect_block_end();
    }

    StmtPtr statement() {
        auto s = std::make_unique<Stmt>();
        s->line = cur().line;
        std::string tag = cur().value;
        advance();
        if (tag == "if") return if_stmt(std::move(s));
        if (tag == "for") return for_stmt(std::move(s));
        if (tag == "set") return set_stmt(std::move(s));
        if (tag == "macro") return macro_stmt(std::move(s));
        if (tag == "call") return call_stmt(std::move(s));
        if (tag == "filter") return filter_stmt(std::move(s));
        if (tag == "with") return with_stmt(std::move(s));
        if (tag == "generation") {
            s->kind = StmtKind::scope;
            expect_block_end();
            s->body = statements({"endgeneration"});
            end_tag("endgeneration");
            return s;
        }
        if (tag == "break" || tag == "continue") {
            if (loop_depth_ == 0) fail("'" + tag + "' outside of a loop");
            s->kind = tag == "break" ? StmtKind::break_ : StmtKind::continue_;
            expect_block_end();
            return s;
        }
        --pos_;
        fail("unsupported or unknown tag '" + tag + "'");
    }

    StmtPtr if_stmt(StmtPtr s) {
        s->kind = StmtKind::if_;
        bool saved_soft = soft_;
        soft_ = true;
        while (true) {
            IfBranch branch;
            branch.condition = tuple_expr(false, {});
            expect_block_end();
            branch.body = statements({"elif", "else", "endif"});
            s->branches.push_back(std::move(branch));
            if (skip_name("elif")) continue;
            if (skip_name("else")) {
                expect_block_end();
                s->else_body = statements({"endif"});
            }
            end_tag("endif");
            break;
        }
        soft_ = saved_soft;
        return s;
    }

    // Names, optionally comma-separated or parenthesised, for `for` and `set`.
    Target assign_target(bool allow_namespace) {
        Target t;
        if (allow_namespace && cur().type == TokenType::name && peek().type == TokenType::op &&
            peek().value == "." && peek(2).type == TokenType::name) {
            t.names.push_back(expect_name());
            advance();
            t.attribute = expect_name();
            return t;
        }
        bool paren = skip_op("(");
        t.names.push_back(expect_name());
        while (skip_op(",")) {
            t.tuple = true;
            if (cur().type != TokenType::name) break;
            t.names.push_back(expect_name());
        }
        if (paren) {
            t.tuple = true;
            expect_op(")");
        }
        return t;
    }

    StmtPtr for_stmt(StmtPtr s) {
        s->kind = StmtKind::for_;
        bool saved_soft = soft_;
        soft_ = false;
        s->target = assign_target(false);
        if (!skip_name("in")) fail("expected 'in'");
        s->expr = tuple_expr(false, {"recursive"});
        if (skip_name("if")) s->condition = expression(true);
        if (is_name("recursive")) fail("recursive loops are not supported");
        expect_block_end();
        ++loop_depth_;
        s->body = statements({"endfor", "else"});
        --loop_depth_;
        if (skip_name("else")) {
            expect_block_end();
            s->else_body = statements({"endfor"});
        }
        end_tag("endfor");
        soft_ = saved_soft;
        return s;
    }

    StmtPtr set_stmt(StmtPtr s) {
        s->target = assign_target(true);
        if (skip_op("=")) {
            s->kind = StmtKind::set;
            s->expr = tuple_expr(true, {});
            expect_block_end();
            return s;
        }
        if (s->target.tuple || !s->target.attribute.empty()) fail("block set needs a single name");
        s->kind = StmtKind::set_block;
        if (is_op("|")) s->filters = filter_chain(nullptr);
        expect_block_end();
        s->body = statements({"endset"});
        end_tag("endset");
        return s;
    }

    void params(std::vector<Param>& out) {
        expect_op("(");
        while (!is_op(")")) {
            if (!out.empty()) expect_op(",");
            if (is_op(")")) break;
            Param p;
            p.name = expect_name();
            if (skip_op("="))
                p.default_value = expression(true);
            else if (!out.empty() && out.back().default_value)
                fail("non-default argument follows default argument");
            out.push_back(std::move(p));
        }
        expect_op(")");
    }

    StmtPtr macro_stmt(StmtPtr s) {
        s->kind = StmtKind::macro;
        bool saved_soft = soft_;
        int saved_loops = loop_depth_;
        soft_ = false;
        loop_depth_ = 0;
        s->name = expect_name();
        params(s->params);
        expect_block_end();
        s->body = statements({"endmacro"});
        end_tag("endmacro");
        soft_ = saved_soft;
        loop_depth_ = saved_loops;
        return s;
    }

    StmtPtr call_stmt(StmtPtr s) {
        s->kind = StmtKind::call_block;
        bool saved_soft = soft_;
        int saved_loops = loop_depth_;
        if (is_op("(")) params(s->params);
        s->expr = expression(true);
        if (s->expr->kind != ExprKind::call) fail("expected call");
        soft_ = false;
        loop_depth_ = 0;
        expect_block_end();
        s->body = statements({"endcall"});
        end_tag("endcall");
        soft_ = saved_soft;
        loop_depth_ = saved_loops;
        return s;
    }

    StmtPtr filter_stmt(StmtPtr s) {
        s->kind = StmtKind::filter_block;
        bool saved_soft = soft_;
        soft_ = false;
        s->filters = filter_chain(nullptr, false);
        expect_block_end();
        s->body = statements({"endfilter"});
        end_tag("endfilter");
        soft_ = saved_soft;
        return s;
    }

    StmtPtr with_stmt(StmtPtr s) {
        s->kind = StmtKind::with;
        while (cur().type != TokenType::block_end) {
            if (!s->params.empty()) expect_op(",");
            Param p;
            p.name = expect_name();
            expect_op("=");
            p.default_value = expression(true);
            s->params.push_back(std::move(p));
        }
        expect_block_end();
        s->body = statements({"endwith"});
        end_tag("endwith");
        return s;
    }

    // ---- expressions ---------------------------------------------------------------

    bool is_tuple_end(std::initializer_list<std::string_view> extra) const {
        auto t = cur().type;
        if (t == TokenType::var_end || t == TokenType::block_end || t == TokenType::eof)
            return true;
        if (t == TokenType::op && (cur().value == ")" || cur().value == "]" || cur().value == "}"))
            return true;
        if (t == TokenType::name)
            for (auto e : extra)
                if (cur().value == e) return true;
        return false;
    }

    // Comma-separated expressions form a tuple (as in `{% set a, b = 1, 2 %}`).
    ExprPtr tuple_expr(bool with_condexpr, std::initializer_list<std::string_view> extra_end) {
        auto tuple = make(ExprKind::tuple);
        bool saw_comma = false;
        while (true) {
            if (!tuple->items.empty()) {
                if (!skip_op(",")) break;
                saw_comma = true;
            }
            if (is_tuple_end(extra_end)) break;
            tuple->items.push_back(with_condexpr ? expression(true) : or_expr());
        }
        if (!saw_comma) {
            if (tuple->items.empty()) fail("expected an expression");
            return std::move(tuple->items[0]);
        }
        return seal(std::move(tuple));
    }

    ExprPtr expression(bool with_condexpr) {
        DepthGuard guard(*this);
        ExprPtr e = or_expr();
        if (!with_condexpr) return e;
        while (is_name("if")) {
            bool saved_soft = soft_;
            soft_ = true;
            auto c = make(ExprKind::cond);
            advance();
            c->b = std::move(e);
            c->a = or_expr();
            if (skip_name("else")) c->c = expression(true);
            soft_ = saved_soft;
            e = seal(std::move(c));
        }
        return e;
    }

    ExprPtr or_expr() {
        ExprPtr left = and_expr();
        while (is_name("or")) {
            auto e = make(ExprKind::or_);
            advance();
            e->a = std::move(left);
            e->b = and_expr();
            left = seal(std::move(e));
        }
        return left;
    }

    ExprPtr and_expr() {
        ExprPtr left = not_expr();
        while (is_name("and")) {
            auto e = make(ExprKind::and_);
            advance();
            e->a = std::move(left);
            e->b = not_expr();
            left = seal(std::move(e));
        }
        return left;
    }

    ExprPtr not_expr() {
        if (is_name("not")) {
            DepthGuard guard(*this);
            auto e = make(ExprKind::not_);
            advance();
            e->a = not_expr();
            return seal(std::move(e));
        }
        return compare_expr();
    }

    ExprPtr compare_expr() {
        ExprPtr left = math1();
        ExprPtr cmp;
        while (true) {
            std::string op;
            if (cur().type == TokenType::op &&
                (cur().value == "==" || cur().value == "!=" || cur().value == "<" ||
                 cur().value == ">" || cur().value == "<=" || cur().value == ">=")) {
                op = cur().value;
                advance();
            } else if (is_name("in")) {
                op = "in";
                advance();
            } else if (is_name("not") && peek().type == TokenType::name && peek().value == "in") {
                op = "notin";
                advance();
                advance();
            } else {
                break;
            }
            if (!cmp) {
                cmp = make(ExprKind::compare);
                cmp->a = std::move(left);
            }
            cmp->ops.push_back(op);
            cmp->items.push_back(math1());
        }
        return cmp ? seal(std::move(cmp)) : std::move(left);
    }

    ExprPtr binary(ExprPtr left, std::string op, ExprPtr right) {
        auto e = make(ExprKind::binary);
        e->name = std::move(op);
        e->a = std::move(left);
        e->b = std::move(right);
        return seal(std::move(e));
    }

    ExprPtr math1() {
        ExprPtr left = concat();
        while (is_op("+") || is_op("-")) {
            std::string op = cur().value;
            advance();
            left = binary(std::move(left), op, concat());
        }
        return left;
    }

    ExprPtr concat() {
        ExprPtr first = math2();
        if (!is_op("~")) return first;
        auto e = make(ExprKind::concat);
        e->items.push_back(std::move(first));
        while (skip_op("~"))
            e->items.push_back(math2());
        return seal(std::move(e));
    }

    ExprPtr math2() {
        ExprPtr left = pow_expr();
        while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
            std::string op = cur().value;
            advance();
            left = binary(std::move(left), op, pow_expr());
        }
        return left;
    }

    ExprPtr pow_expr() {
        ExprPtr left = unary(true);
        while (is_op("**")) {
            advance();
            left = binary(std::move(left), "**", unary(true));
        }
        return left;
    }

    ExprPtr unary(bool with_filter) {
        DepthGuard guard(*this);
        ExprPtr node;
        if (is_op("-") || is_op("+")) {
            node = make(is_op("-") ? ExprKind::neg : ExprKind::pos);
            advance();
            node->a = unary(false);
            node = seal(std::move(node));
        } else {
            node = primary();
        }
        node = postfix(std::move(node));
        if (with_filter) node = filter_expr(std::move(node));
        return node;
    }

    ExprPtr primary() {
        const Token& t = cur();
        if (t.type == TokenType::name) {
            const std::string& n = t.value;
            auto e = make(ExprKind::literal);
            if (n == "true" || n == "True")
                e->value = Value(true);
            else if (n == "false" || n == "False")
                e->value = Value(false);
            else if (n == "none" || n == "None")
                e->value = Value(nullptr);
            else {
                e->kind = ExprKind::name;
                e->name = n;
            }
            advance();
            return e;
        }
        if (t.type == TokenType::string) {
            auto e = make(ExprKind::literal);
            std::string s;
            while (cur().type == TokenType::string) {  // adjacent literals concatenate
                s += cur().value;
                advance();
            }
            e->value = Value(std::move(s));
            return e;
        }
        if (t.type == TokenType::integer) {
            auto e = make(ExprKind::literal);
            errno = 0;
            long long v = std::strtoll(t.value.c_str(), nullptr, 10);
            if (errno == ERANGE) fail("integer literal too large");
            e->value = Value(static_cast<int64_t>(v));
            advance();
            return e;
        }
        if (t.type == TokenType::floating) {
            auto e = make(ExprKind::literal);
            e->value = Value(std::strtod(t.value.c_str(), nullptr));
            advance();
            return e;
        }
        if (skip_op("(")) {
            if (skip_op(")")) return make(ExprKind::tuple);
            auto first = expression(true);
            if (skip_op(")")) return first;
            auto tuple = make(ExprKind::tuple);
            tuple->items.push_back(std::move(first));
            while (skip_op(",")) {
                if (is_op(")")) break;
                tuple->items.push_back(expression(true));
            }
            expect_op(")");
            return seal(std::move(tuple));
        }
        if (skip_op("[")) {
            auto list = make(ExprKind::list);
            while (!is_op("]")) {
                if (!list->items.empty()) expect_op(",");
                if (is_op("]")) break;
                list->items.push_back(expression(true));
            }
            expect_op("]");
            return seal(std::move(list));
        }
        if (skip_op("{")) {
            auto dict = make(ExprKind::dict);
            while (!is_op("}")) {
                if (!dict->items.empty()) expect_op(",");
                if (is_op("}")) break;
                dict->items.push_back(expression(true));
                expect_op(":");
                dict->items.push_back(expression(true));
            }
            expect_op("}");
            return seal(std::move(dict));
        }
        if (t.type == TokenType::op) fail("unexpected '" + t.value + "'");
        fail("unexpected end of expression");
    }

    ExprPtr postfix(ExprPtr node) {
        while (true) {
            if (is_op(".")) {
                advance();
                if (cur().type == TokenType::name) {
                    auto e = make(ExprKind::getattr);
                    e->name = cur().value;
                    e->a = std::move(node);
                    advance();
                    node = seal(std::move(e));
                } else if (cur().type == TokenType::integer) {
                    auto e = make(ExprKind::getitem);
                    e->a = std::move(node);
                    e->b = primary();
                    node = seal(std::move(e));
                } else {
                    fail("expected name or number after '.'");
                }
            } else if (is_op("[")) {
                advance();
                node = subscript(std::move(node));
            } else if (is_op("(")) {
                node = call(std::move(node));
            } else {
                return node;
            }
        }
    }

    ExprPtr subscript(ExprPtr object) {
        // a[b], a[b:c], a[b:c:d] with any part omitted
        ExprPtr parts[3];
        int idx = 0;
        bool is_slice = false;
        while (!is_op("]")) {
            if (is_op(":")) {
                advance();
                is_slice = true;
                if (++idx > 2) fail("invalid slice");
                continue;
            }
            if (parts[idx]) fail("expected ']'");
            parts[idx] = expression(true);
        }
        advance();
        if (!is_slice) {
            if (!parts[0]) fail("expected subscript");
            auto e = make(ExprKind::getitem);
            e->a = std::move(object);
            e->b = std::move(parts[0]);
            return seal(std::move(e));
        }
        auto e = make(ExprKind::slice);
        e->a = std::move(object);
        e->b = std::move(parts[0]);
        e->c = std::move(parts[1]);
        e->d = std::move(parts[2]);
        return seal(std::move(e));
    }

    void call_args(Expr& into) {
        expect_op("(");
        while (!is_op(")")) {
            if (!into.items.empty() || !into.kwargs.empty()) expect_op(",");
            if (is_op(")")) break;
            if (is_op("*") || is_op("**")) fail("*args and **kwargs are not supported");
            if (cur().type == TokenType::name && peek().type == TokenType::op &&
                peek().value == "=") {
                std::string key = cur().value;
                advance();
                advance();
                into.kwargs.emplace_back(key, expression(true));
            } else {
                if (!into.kwargs.empty()) fail("positional argument follows keyword argument");
                into.items.push_back(expression(true));
            }
        }
        expect_op(")");
    }

    ExprPtr call(ExprPtr callee) {
        auto e = make(ExprKind::call);
        e->a = std::move(callee);
        call_args(*e);
        return seal(std::move(e));
    }

    std::string dotted_name() {
        std::string n = expect_name();
        while (is_op(".") && peek().type == TokenType::name) {
            advance();
            n += "." + expect_name();
        }
        return n;
    }

    // `| name(args)` repeated; with `first_pipe` false the first filter has no leading '|'.
    ExprPtr filter_chain(ExprPtr node, bool first_pipe = true) {
        bool first = true;
        while ((first && !first_pipe) || skip_op("|")) {
            first = false;
            auto e = make(ExprKind::filter);
            e->name = dotted_name();
            if (!soft_ && !has_filter(e->name)) fail("no filter named '" + e->name + "'");
            e->a = std::move(node);
            if (is_op("(")) call_args(*e);
            node = seal(std::move(e));
        }
        return node;
    }

    ExprPtr filter_expr(ExprPtr node) {
        while (true) {
            if (is_op("|")) {
                node = filter_chain(std::move(node));
            } else if (is_name("is")) {
                advance();
                auto e = make(ExprKind::test);
                e->negated = skip_name("not");
                e->name = dotted_name();
                if (!soft_ && !has_test(e->name)) fail("no test named '" + e->name + "'");
                e->a = std::move(node);
                const Token& t = cur();
                bool arg_starts = t.type == TokenType::string || t.type == TokenType::integer ||
                                  t.type == TokenType::floating ||
                                  (t.type == TokenType::op && (t.value == "[" || t.value == "{")) ||
                                  (t.type == TokenType::name && t.value != "else" &&
                                   t.value != "or" && t.value != "and");
                if (is_op("(")) {
                    call_args(*e);
                } else if (arg_starts) {
                    e->items.push_back(postfix(primary()));
                }
                node = seal(std::move(e));
            } else if (is_op("(")) {
                node = call(std::move(node));
            } else {
                return node;
            }
        }
    }
};

}  // namespace

Body parse_template(std::string_view source) {
    return Parser(tokenize(source)).run();
}

}  // namespace hearth::jinja
