// GCC 12 reports a false -Wrestrict in inlined std::string concatenation (GCC bug 105651).
#pragma GCC diagnostic ignored "-Wrestrict"
#include "template/chat_template.h"

#include <cstdlib>
#include <ctime>

#include "core/error.h"
#include "template/evaluator.h"
#include "template/parser.h"

namespace hearth {

using jinja::CallArgs;
using jinja::Dict;
using jinja::List;
using jinja::Value;

struct ChatTemplate::Parsed {
    std::string source;
    jinja::Body body;
};

namespace {

// The sandbox refuses ranges longer than this, as jinja2's does (MAX_RANGE).
constexpr int64_t kMaxRange = 100000;

Value range_global(const CallArgs& a) {
    int64_t start = 0, stop = 0, step = 1;
    auto num = [](const Value& v) {
        if (!v.is_number() || v.is_float())
            jinja::raise_error("range() arguments must be integers, not " + v.type_name());
        return v.as_int();
    };
    if (!a.keyword.empty()) jinja::raise_error("range() takes no keyword arguments");
    switch (a.positional.size()) {
        case 1:
            stop = num(a.positional[0]);
            break;
        case 2:
            start = num(a.positional[0]);
            stop = num(a.positional[1]);
            break;
        case 3:
            start = num(a.positional[0]);
            stop = num(a.positional[1]);
            step = num(a.positional[2]);
            break;
        default:
            jinja::raise_error("range expected 1 to 3 arguments");
    }
    if (step == 0) jinja::raise_error("range() arg 3 must not be zero");
    // Count without overflow: the values are bounded by int64 and so is their distance in
    // long double precision for the sizes we accept.
    long double span =
        step > 0 ? static_cast<long double>(stop) - start : static_cast<long double>(start) - stop;
    long double count = span <= 0 ? 0
                                  : (span + (std::abs(static_cast<long double>(step)) - 1)) /
                                        std::abs(static_cast<long double>(step));
    if (count > kMaxRange)
        throw Error(ErrorCode::limit_exceeded,
                    "template sandbox limit: range too big (more than 100000 items)");
    List out;
    for (int64_t i = 0; i < static_cast<int64_t>(count); ++i)
        out.emplace_back(
            static_cast<int64_t>(static_cast<__int128>(start) + static_cast<__int128>(i) * step));
    return Value(std::move(out));
}

Value namespace_global(const CallArgs& a) {
    Dict d;
    for (const auto& p : a.positional) {
        if (!p.is_dict()) jinja::raise_error("namespace() takes a mapping");
        for (const auto& [k, v] : p.as_dict().items)
            d.set(k, v);
    }
    for (const auto& [k, v] : a.keyword)
        d.set(k, v);
    int64_t visited = 0;
    for (const auto& kv : d.items)
        if (jinja::holds_namespace(kv.second, visited))
            jinja::raise_error("a namespace cannot hold another namespace");
    return Value::make_namespace(std::move(d));
}

Value dict_global(const CallArgs& a) {
    Dict d;
    for (const auto& p : a.positional) {
        if (p.is_dict()) {
            for (const auto& [k, v] : p.as_dict().items)
                d.set(k, v);
        } else if (p.is_list()) {
            for (const auto& pair : p.as_list()) {
                if (!pair.is_list() || pair.as_list().size() != 2 || !pair.as_list()[0].is_string())
                    jinja::raise_error("dict() needs (key, value) pairs with string keys");
                d.set(pair.as_list()[0].as_string(), pair.as_list()[1]);
            }
        } else {
            jinja::raise_error("dict() argument must be a mapping or pairs");
        }
    }
    for (const auto& [k, v] : a.keyword)
        d.set(k, v);
    return Value(std::move(d));
}

// HEARTH_NOW ("YYYY-MM-DD[THH:MM[:SS]]") when set, otherwise the local time now.
std::tm now_tm() {
    std::tm tm{};
    if (const char* frozen = std::getenv("HEARTH_NOW"); frozen && *frozen) {
        int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
        int n = std::sscanf(frozen, "%d-%d-%d%*c%d:%d:%d", &y, &mo, &d, &h, &mi, &s);
        if (n < 3 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
            s < 0 || s > 60)
            throw Error(ErrorCode::invalid_argument,
                        std::string("HEARTH_NOW is not an ISO date-time: ") + frozen);
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d;
        tm.tm_hour = h;
        tm.tm_min = mi;
        tm.tm_sec = s;
        std::time_t t = timegm(&tm);  // normalises and fills weekday / day of year
        gmtime_r(&t, &tm);
        return tm;
    }
    std::time_t t = std::time(nullptr);
    localtime_r(&t, &tm);
    return tm;
}

Value strftime_now_global(const CallArgs& a) {
    if (a.positional.empty() || !a.positional[0].is_string())
        jinja::raise_error("strftime_now(format) needs a format string");
    const std::string& fmt = a.positional[0].as_string();
    if (fmt.empty()) return Value("");
    std::tm tm = now_tm();
    std::string out(256 + fmt.size() * 16, '\0');
    size_t n = std::strftime(out.data(), out.size(), fmt.c_str(), &tm);
    out.resize(n);
    return Value(std::move(out));
}

Value raise_exception_global(const CallArgs& a) {
    std::string msg = a.positional.empty() ? "" : jinja::to_str(a.positional[0]);
    throw Error(ErrorCode::template_error, msg);
}

Value joiner_global(const CallArgs& a) {
    std::string sep = a.positional.empty() ? ", " : jinja::to_str(a.positional[0]);
    auto used = std::make_shared<bool>(false);
    return Value::function("joiner", [sep, used](const CallArgs&) {
        if (!*used) {
            *used = true;
            return Value("");
        }
        return Value(sep);
    });
}

}  // namespace

ChatTemplate ChatTemplate::parse(std::string source) {
    auto parsed = std::make_shared<Parsed>();
    parsed->body = jinja::parse_template(source);
    parsed->source = std::move(source);
    return ChatTemplate(std::move(parsed));
}

const std::string& ChatTemplate::source() const {
    return parsed_->source;
}

std::string ChatTemplate::render(const json::Value& context) const {
    if (!context.is_object() && !context.is_null())
        throw Error(ErrorCode::invalid_argument, "chat template context must be a JSON object");
    auto globals = std::make_shared<jinja::Scope>();
    globals->vars["range"] = Value::function("range", range_global);
    globals->vars["namespace"] = Value::function("namespace", namespace_global);
    globals->vars["dict"] = Value::function("dict", dict_global);
    globals->vars["joiner"] = Value::function("joiner", joiner_global);
    globals->vars["raise_exception"] = Value::function("raise_exception", raise_exception_global);
    globals->vars["strftime_now"] = Value::function("strftime_now", strftime_now_global);
    if (context.is_object())
        for (const auto& [k, v] : context.as_object())
            globals->vars[k] = jinja::from_json(v);
    // Template-level assignments live in a scope of their own above the globals.
    auto root = std::make_shared<jinja::Scope>();
    root->parent = globals;
    jinja::Evaluator evaluator(limits_, root);
    return evaluator.render(parsed_->body);
}

}  // namespace hearth
