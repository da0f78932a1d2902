// GCC 12 reports a false -Wrestrict in inlined std::string concatenation (GCC bug 105651).
#pragma GCC diagnostic ignored "-Wrestrict"
// Jinja filters (`x | name(args)`) with jinja2's semantics, tojson as transformers defines
// it (json.dumps with ensure_ascii=False and optional indent/separators/sort_keys).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "template/builtins.h"
#include "template/evaluator.h"
#include "template/pystr.h"
#include "template/utf8.h"

namespace hearth::jinja {

namespace {

constexpr std::array<std::string_view, 48> kFilters = {
    "trim",       "upper",  "lower",  "title",       "capitalize", "length",    "count",
    "first",      "last",   "join",   "default",     "d",          "replace",   "tojson",
    "string",     "int",    "float",  "list",        "items",      "dictsort",  "selectattr",
    "rejectattr", "select", "reject", "map",         "unique",     "reverse",   "sort",
    "safe",       "escape", "e",      "forceescape", "indent",     "wordcount", "abs",
    "round",      "min",    "max",    "sum",         "batch",      "attr",      "center",
    "striptags",  "bool",   "format", "truncate",    "tuple",      "wordwrap"};

std::string str_of(const Value& v) {
    return v.is_string() ? v.as_string() : to_str(v);
}

// jinja2's make_attrgetter: "a.b.0" looks up a, then b, then item 0.
Value attribute_of(Evaluator& ev, const Value& item, const std::string& path) {
    Value cur = item;
    size_t start = 0;
    while (true) {
        size_t dot = path.find('.', start);
        std::string part = path.substr(start, dot == std::string::npos ? dot : dot - start);
        bool numeric = !part.empty() && std::all_of(part.begin(), part.end(),
                                                    [](char c) { return c >= '0' && c <= '9'; });
        cur =
            ev.getitem(cur, numeric ? Value(static_cast<int64_t>(std::stoll(part))) : Value(part));
        if (dot == std::string::npos) return cur;
        start = dot + 1;
    }
}

Value sort_key(const Value& v, bool case_sensitive) {
    if (!case_sensitive && v.is_string()) return Value(to_lower(v.as_string()));
    return v;
}

}  // namespace

std::string html_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&#34;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

namespace {

bool parse_int(std::string s, int base, int64_t& out) {
    s = pystr::strip(s, std::nullopt, true, true);
    s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
    if (s.empty()) return false;
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(s.c_str(), &end, base);
    if (errno != 0 || *end != '\0') return false;
    out = v;
    return true;
}

bool parse_float(const std::string& raw, double& out) {
    std::string s = pystr::strip(raw, std::nullopt, true, true);
    if (s.empty()) return false;
    char* end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return *end == '\0' && s.find_first_of("xXpP") == std::string::npos;
}

// Python's round(x, n) on a float: round half to even on the exact binary value, which
// printf's correctly rounded conversion also does.
double python_round(double x, int64_t digits) {
    if (!std::isfinite(x)) return x;
    if (digits > 300) return x;
    if (digits < -300) return 0.0 * x;
    if (digits < 0) {
        double p = std::pow(10.0, static_cast<double>(-digits));
        double y = x / p;
        double r = std::nearbyint(y);  // FE_TONEAREST: ties to even
        return r * p;
    }
    char buf[512];
    std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(digits), x);
    return std::strtod(buf, nullptr);
}

std::string indent_text(const std::string& text, const std::string& pad, bool first, bool blank) {
    std::vector<std::string> lines = pystr::splitlines(text + "\n");
    std::string out;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (i > 0) {
            out += "\n";
            if (blank || !lines[i].empty()) out += pad;
        }
        out += lines[i];
    }
    if (first) out = pad + out;
    return out;
}

// select/reject/selectattr/rejectattr share this: keep items whose (attribute's) test result
// equals `keep`.
Value select_items(Evaluator& ev, const Value& seq, const CallArgs& a, bool by_attribute,
                   bool keep) {
    size_t next = 0;
    std::string attribute;
    if (by_attribute) {
        auto attr = string_arg(a, 0, "attribute");
        if (!attr) raise_error("selectattr/rejectattr need an attribute name");
        attribute = *attr;
        next = 1;
    }
    std::string test;
    CallArgs test_args;
    if (next < a.positional.size()) {
        if (!a.positional[next].is_string()) raise_error("test name must be a string");
        test = a.positional[next].as_string();
        test_args.positional.assign(a.positional.begin() + static_cast<long>(next) + 1,
                                    a.positional.end());
        if (!has_test(test)) raise_error("no test named '" + test + "'");
    }
    List out;
    if (!seq.truthy()) return Value::lazy({}, Value::Lazy::generator, "generator");
    for (const auto& item : ev.iterate(seq)) {
        Value subject = by_attribute ? attribute_of(ev, item, attribute) : item;
        bool r = test.empty() ? subject.truthy() : apply_test(ev, test, subject, test_args);
        if (r == keep) out.push_back(item);
    }
    return Value::lazy(std::move(out), Value::Lazy::generator, "generator");
}

Value aggregate(Evaluator& ev, const Value& seq, const CallArgs& a, bool want_max) {
    const Value* cs = arg(a, 0, "case_sensitive");
    bool case_sensitive = cs && cs->truthy();
    auto attr = string_arg(a, 1, "attribute");
    List items = ev.iterate(seq);
    if (items.empty()) return Value::undefined("No aggregated item, sequence was empty.");
    size_t best = 0;
    auto key = [&](size_t i) {
        return sort_key(attr ? attribute_of(ev, items[i], *attr) : items[i], case_sensitive);
    };
    for (size_t i = 1; i < items.size(); ++i) {
        int c = compare(key(i), key(best));
        if (want_max ? c > 0 : c < 0) best = i;
    }
    return items[best];
}

}  // namespace

bool has_filter(std::string_view name) {
    for (auto f : kFilters)
        if (f == name) return true;
    return false;
}

Value apply_filter(Evaluator& ev, std::string_view name, const Value& v, const CallArgs& a) {
    if (name == "default" || name == "d") {
        const Value* dflt = arg(a, 0, "default_value");
        const Value* boolean = arg(a, 1, "boolean");
        if (v.is_undefined() || (boolean && boolean->truthy() && !v.truthy()))
            return dflt ? *dflt : Value("");
        return v;
    }
    if (name == "trim")
        return Value(pystr::strip(str_of(v), string_arg(a, 0, "chars"), true, true));
    if (name == "upper") return Value(to_upper(str_of(v)));
    if (name == "lower") return Value(to_lower(str_of(v)));
    if (name == "capitalize") return Value(to_capitalize(str_of(v)));
    if (name == "title") {
        // jinja2 upper-cases the first character after whitespace, '-', '(', '{', '[', '<'.
        std::string s = str_of(v), out;
        bool word_start = true;
        for (size_t i = 0; i < s.size();) {
            uint32_t cp = next_code_point(s, i);
            bool sep = is_python_space(cp) || cp == '-' || cp == '(' || cp == '{' || cp == '[' ||
                       cp == '<';
            append_utf8(out, sep ? cp : word_start ? to_upper_cp(cp) : to_lower_cp(cp));
            word_start = sep;
        }
        return Value(out);
    }
    if (name == "length" || name == "count") {
        int64_t n = v.length();
        if (n < 0) raise_error("object of type '" + v.type_name() + "' has no len()");
        return Value(n);
    }
    if (name == "string") return v.is_markup() ? v : Value(str_of(v));
    if (name == "safe") return Value::markup(str_of(v));
    if (name == "escape" || name == "e" || name == "forceescape") {
        if (v.is_markup() && name != "forceescape") return v;
        return Value::markup(html_escape(str_of(v)));
    }
    if (name == "striptags") {
        std::string s = str_of(v), out;
        bool in_tag = false;
        for (char c : s) {
            if (c == '<')
                in_tag = true;
            else if (c == '>' && in_tag)
                in_tag = false;
            else if (!in_tag)
                out += c;
        }
        return Value(pystr::strip(out, std::nullopt, true, true));
    }
    if (name == "wordcount") {
        std::string s = str_of(v);
        int64_t n = 0;
        bool in_word = false;
        for (size_t i = 0; i < s.size();) {
            uint32_t cp = next_code_point(s, i);
            bool w = (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
                     (cp >= 'A' && cp <= 'Z') || cp == '_' || (cp >= 0xc0 && !is_python_space(cp));
            if (w && !in_word) ++n;
            in_word = w;
        }
        return Value(n);
    }
    if (name == "replace") {
        auto old = arg(a, 0, "old");
        auto with = arg(a, 1, "new");
        if (!old || !with) raise_error("replace needs 'old' and 'new'");
        std::string result =
            pystr::replace(str_of(v), str_of(*old), str_of(*with), int_arg(a, 2, "count", -1));
        ev.check_string(result.size());
        return Value(std::move(result));
    }
    if (name == "indent") {
        const Value* width = arg(a, 0, "width");
        std::string pad =
            width && width->is_string()
                ? width->as_string()
                : std::string(
                      static_cast<size_t>(std::clamp<int64_t>(int_arg(a, 0, "width", 4), 0, 1024)),
                      ' ');
        const Value* first = arg(a, 1, "first");
        const Value* blank = arg(a, 2, "blank");
        std::string result =
            indent_text(str_of(v), pad, first && first->truthy(), blank && blank->truthy());
        ev.check_string(result.size());
        return Value(std::move(result));
    }
    if (name == "center") {
        std::string s = str_of(v);
        int64_t width = int_arg(a, 0, "width", 80);
        int64_t len = static_cast<int64_t>(code_point_count(s));
        if (width <= len) return Value(s);
        ev.check_string(static_cast<size_t>(width));
        int64_t total = width - len;
        int64_t left = total / 2 + (total & width & 1);
        return Value(std::string(left, ' ') + s + std::string(total - left, ' '));
    }
    if (name == "tojson") {
        json::DumpOptions opt;
        const Value* indent = arg(a, 0, "indent");
        if (indent && !indent->is_none()) {
            if (!indent->is_int()) raise_error("tojson indent must be an integer");
            opt.indent = static_cast<int>(std::clamp<int64_t>(indent->as_int(), 0, 64));
        }
        if (const Value* ea = a.kwarg("ensure_ascii")) opt.ensure_ascii = ea->truthy();
        if (const Value* sk = a.kwarg("sort_keys")) opt.sort_keys = sk->truthy();
        if (const Value* sep = a.kwarg("separators");
            sep && sep->is_list() && sep->as_list().size() == 2) {
            opt.item_separator = str_of(sep->as_list()[0]);
            opt.key_separator = str_of(sep->as_list()[1]);
        }
        std::string out = json::dump(to_json(v), opt);
        ev.check_string(out.size());
        return Value(std::move(out));
    }
    if (name == "int") {
        int64_t dflt = int_arg(a, 0, "default", 0);
        int base = static_cast<int>(int_arg(a, 1, "base", 10));
        if (v.is_number()) {
            if (!v.is_float()) return Value(v.as_int());
            double d = v.as_double();
            if (!std::isfinite(d) || std::fabs(d) > 9.2e18)
                raise_error("cannot convert float to integer");
            return Value(static_cast<int64_t>(std::trunc(d)));
        }
        if (v.is_string()) {
            int64_t out;
            if (parse_int(v.as_string(), base, out)) return Value(out);
            double d;
            if (parse_float(v.as_string(), d) && std::isfinite(d) && std::fabs(d) < 9.2e18)
                return Value(static_cast<int64_t>(std::trunc(d)));
        }
        return Value(dflt);
    }
    if (name == "float") {
        const Value* dflt = arg(a, 0, "default");
        if (v.is_number()) return Value(v.as_double());
        double d;
        if (v.is_string() && parse_float(v.as_string(), d)) return Value(d);
        return dflt ? *dflt : Value(0.0);
    }
    if (name == "bool") return Value(v.truthy());
    if (name == "abs") {
        if (v.is_float()) return Value(std::fabs(v.as_double()));
        if (!v.is_number()) raise_error("bad operand type for abs(): '" + v.type_name() + "'");
        if (v.as_int() == INT64_MIN) raise_error("integer overflow");
        return Value(v.as_int() < 0 ? -v.as_int() : v.as_int());
    }
    if (name == "round") {
        int64_t precision = int_arg(a, 0, "precision", 0);
        auto method = string_arg(a, 1, "method").value_or("common");
        if (!v.is_number()) raise_error("round needs a number");
        double x = v.as_double();
        if (method == "common") {
            if (!v.is_float()) return Value(v.as_int());
            return Value(python_round(x, precision));
        }
        double p = std::pow(10.0, static_cast<double>(precision));
        if (method == "ceil") return Value(std::ceil(x * p) / p);
        if (method == "floor") return Value(std::floor(x * p) / p);
        raise_error("method must be common, ceil or floor");
    }
    if (name == "first" || name == "last") {
        if (v.is_undefined() && name == "last")
            raise_error("'" + v.undefined_hint() + "' is undefined");
        List items = ev.iterate(v);
        if (items.empty())
            return Value::undefined("No " + std::string(name) + " item, sequence was empty.");
        return name == "first" ? items.front() : items.back();
    }
    if (name == "list") return Value(ev.iterate(v));
    if (name == "tuple") return Value(ev.iterate(v), true);
    if (name == "join") {
        std::string sep = a.positional.empty() && !a.kwarg("d") ? "" : str_of(*arg(a, 0, "d"));
        auto attr = string_arg(a, 1, "attribute");
        std::string out;
        bool first = true;
        for (const auto& item : ev.iterate(v)) {
            if (!first) out += sep;
            first = false;
            out += str_of(attr ? attribute_of(ev, item, *attr) : item);
            ev.check_string(out.size());
        }
        return Value(std::move(out));
    }
    if (name == "items") {
        if (v.is_undefined()) return Value::lazy({}, Value::Lazy::generator, "dict_itemiterator");
        if (!v.is_dict()) raise_error("Can only get item pairs from a mapping.");
        List out;
        for (const auto& [k, val] : v.as_dict().items)
            out.emplace_back(List{Value(k), val}, true);
        return Value::lazy(std::move(out), Value::Lazy::generator, "dict_itemiterator");
    }
    if (name == "dictsort") {
        if (!v.is_dict()) raise_error("dictsort needs a mapping");
        const Value* cs = arg(a, 0, "case_sensitive");
        bool case_sensitive = cs && cs->truthy();
        auto by = string_arg(a, 1, "by").value_or("key");
        if (by != "key" && by != "value")
            raise_error("You can only sort by either \"key\" or \"value\"");
        const Value* rev = arg(a, 2, "reverse");
        List out;
        for (const auto& [k, val] : v.as_dict().items)
            out.emplace_back(List{Value(k), val}, true);
        size_t idx = by == "key" ? 0 : 1;
        std::stable_sort(out.begin(), out.end(), [&](const Value& x, const Value& y) {
            return compare(sort_key(x.as_list()[idx], case_sensitive),
                           sort_key(y.as_list()[idx], case_sensitive)) < 0;
        });
        if (rev && rev->truthy()) std::reverse(out.begin(), out.end());
        return Value(std::move(out));
    }
    if (name == "select") return select_items(ev, v, a, false, true);
    if (name == "reject") return select_items(ev, v, a, false, false);
    if (name == "selectattr") return select_items(ev, v, a, true, true);
    if (name == "rejectattr") return select_items(ev, v, a, true, false);
    if (name == "map") {
        List out;
        auto generator = [&] {
            return Value::lazy(std::move(out), Value::Lazy::generator, "generator");
        };
        if (!v.truthy()) return generator();
        if (const Value* attr = a.kwarg("attribute")) {
            const Value* dflt = a.kwarg("default");
            for (const auto& item : ev.iterate(v)) {
                Value x = attribute_of(ev, item, str_of(*attr));
                out.push_back(x.is_undefined() && dflt ? *dflt : x);
            }
            return generator();
        }
        if (a.positional.empty() || !a.positional[0].is_string())
            raise_error("map needs a filter name or attribute=");
        std::string filter = a.positional[0].as_string();
        if (!has_filter(filter)) raise_error("no filter named '" + filter + "'");
        CallArgs rest;
        rest.positional.assign(a.positional.begin() + 1, a.positional.end());
        rest.keyword = a.keyword;
        for (const auto& item : ev.iterate(v))
            out.push_back(apply_filter(ev, filter, item, rest));
        return generator();
    }
    if (name == "unique") {
        const Value* cs = arg(a, 0, "case_sensitive");
        bool case_sensitive = cs && cs->truthy();
        auto attr = string_arg(a, 1, "attribute");
        List out, seen;
        for (const auto& item : ev.iterate(v)) {
            Value key = sort_key(attr ? attribute_of(ev, item, *attr) : item, case_sensitive);
            bool dup = false;
            for (const auto& s : seen)
                dup = dup || equals(s, key);
            ev.charge(static_cast<int64_t>(seen.size()));
            if (dup) continue;
            seen.push_back(key);
            out.push_back(item);
        }
        return Value::lazy(std::move(out), Value::Lazy::generator, "generator");
    }
    if (name == "reverse") {
        if (v.is_string()) {
            auto cps = code_points(v.as_string());
            std::reverse(cps.begin(), cps.end());
            return Value(from_code_points(cps, 0, cps.size()));
        }
        List items = ev.iterate(v);
        std::reverse(items.begin(), items.end());
        return Value::lazy(std::move(items), Value::Lazy::generator, "list_reverseiterator");
    }
    if (name == "sort") {
        const Value* rev = arg(a, 0, "reverse");
        const Value* cs = arg(a, 1, "case_sensitive");
        bool case_sensitive = cs && cs->truthy();
        auto attr = string_arg(a, 2, "attribute");
        List items = ev.iterate(v);
        std::vector<std::pair<Value, Value>> keyed;
        for (auto& item : items)
            keyed.emplace_back(
                sort_key(attr ? attribute_of(ev, item, *attr) : item, case_sensitive), item);
        bool reverse = rev && rev->truthy();
        std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& x, const auto& y) {
            return reverse ? compare(y.first, x.first) < 0 : compare(x.first, y.first) < 0;
        });
        List out;
        for (auto& kv : keyed)
            out.push_back(std::move(kv.second));
        return Value(std::move(out));
    }
    if (name == "min" || name == "max") return aggregate(ev, v, a, name == "max");
    if (name == "sum") {
        auto attr = string_arg(a, 0, "attribute");
        const Value* start = arg(a, 1, "start");
        Value total = start ? *start : Value(int64_t{0});
        for (const auto& item : ev.iterate(v)) {
            Value x = attr ? attribute_of(ev, item, *attr) : item;
            if (!x.is_number() || !total.is_number())
                raise_error("unsupported operand type(s) for +: '" + total.type_name() + "' and '" +
                            x.type_name() + "'");
            if (x.is_float() || total.is_float())
                total = Value(total.as_double() + x.as_double());
            else {
                int64_t r;
                if (__builtin_add_overflow(total.as_int(), x.as_int(), &r))
                    raise_error("integer overflow");
                total = Value(r);
            }
        }
        return total;
    }
    if (name == "batch") {
        int64_t n = int_arg(a, 0, "linecount", 1);
        if (n <= 0) raise_error("batch size must be positive");
        const Value* fill = arg(a, 1, "fill_with");
        List out, cur;
        for (const auto& item : ev.iterate(v)) {
            cur.push_back(item);
            if (static_cast<int64_t>(cur.size()) == n) out.emplace_back(std::exchange(cur, {}));
        }
        if (!cur.empty()) {
            if (fill && !fill->is_none())
                while (static_cast<int64_t>(cur.size()) < n)
                    cur.push_back(*fill);
            out.emplace_back(std::move(cur));
        }
        return Value::lazy(std::move(out), Value::Lazy::generator, "generator");
    }
    if (name == "attr") {
        auto n = string_arg(a, 0, "name");
        if (!n) raise_error("attr needs a name");
        return ev.getattr(v, *n);
    }
    if (name == "format") {
        // printf-style: %s, %d, %r and %% only.
        std::string fmt = str_of(v), out;
        size_t next = 0;
        for (size_t i = 0; i < fmt.size(); ++i) {
            if (fmt[i] != '%' || i + 1 >= fmt.size()) {
                out += fmt[i];
                continue;
            }
            char c = fmt[++i];
            if (c == '%') {
                out += '%';
                continue;
            }
            if (next >= a.positional.size()) raise_error("not enough arguments for format string");
            const Value& x = a.positional[next++];
            if (c == 's')
                out += str_of(x);
            else if (c == 'r')
                out += repr(x);
            else if (c == 'd' && x.is_number())
                out +=
                    std::to_string(x.is_float() ? static_cast<int64_t>(x.as_double()) : x.as_int());
            else
                raise_error("unsupported format character");
        }
        return Value(out);
    }
    if (name == "truncate") {
        std::string s = str_of(v);
        int64_t length = int_arg(a, 0, "length", 255);
        const Value* killwords = arg(a, 1, "killwords");
        std::string end = string_arg(a, 2, "end").value_or("...");
        int64_t leeway = int_arg(a, 3, "leeway", 5);
        auto cps = code_points(s);
        if (static_cast<int64_t>(cps.size()) <= length + leeway) return Value(s);
        int64_t keep = std::max<int64_t>(0, length - static_cast<int64_t>(code_point_count(end)));
        std::string head = from_code_points(cps, 0, static_cast<size_t>(keep));
        if (killwords && killwords->truthy()) return Value(head + end);
        size_t sp = head.rfind(' ');
        if (sp != std::string::npos) head.resize(sp);
        return Value(head + end);
    }
    if (name == "wordwrap") raise_error("filter 'wordwrap' is not supported");
    raise_error("no filter named '" + std::string(name) + "'");
}

}  // namespace hearth::jinja
