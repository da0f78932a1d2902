// Individual template constructs against hand-written expectations (each also checked
// against Python jinja2 in Hugging Face's configuration when written): whitespace control,
// literals and str(), operators, undefined, lookups, loops, scoping, macros, filters,
// tests, string methods, sandbox and globals, syntax errors.
#include <QtTest>

#include <cstdlib>

#include "core/error.h"
#include "json/json.h"
#include "template/chat_template.h"

using hearth::ChatTemplate;
using hearth::Error;
using hearth::ErrorCode;

namespace {

struct Case {
    const char* source;
    const char* context;
    const char* expected;  // "!error": parse or render must throw hearth::Error
};

const Case kCases[] = {
    {"a\n{% if true %}\n  b\n{% endif %}\nc", "{}", "a\n  b\nc"},
    {"  {% if true %}x{% endif %}  \n", "{}", "x  "},
    {"a  {%- if true -%}  b  {%- endif %}\n", "{}", "ab"},
    {"{{ 'x' }}\n{{ 'y' }}\n", "{}", "x\ny"},
    {"{# comment #}\nA{#- c -#}  B", "{}", "AB"},
    {"  {%+ if true %}x{% endif %}", "{}", "  x"},
    {"{% if true +%}\nx{% endif %}", "{}", "\nx"},
    {"{% raw %}{{ not parsed }}{% endraw %}", "{}", "{{ not parsed }}"},
    {"line\r\nnext\r\n", "{}", "line\nnext"},
    {"{{ 1 }} {{ 1.0 }} {{ 1e-5 }} {{ true }} {{ none }} {{ [1, 'a', none] }} {{ {'k': 'v'} }}",
     "{}", "1 1.0 1e-05 True None [1, 'a', None] {'k': 'v'}"},
    {"{{ \"it's\" }} {{ ['it\\'s', \"q\\\"\"] }}", "{}", "it's [\"it's\", 'q\"']"},
    {"{{ 'a\\tb\\u00e9\\x41' }}", "{}", "a\tbéA"},
    {"{{ (1, 2) }} {{ (1,) }}", "{}", "(1, 2) (1,)"},
    {"{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 2 ** 10 }} {{ 1 + 2 * 3 "
     "}}",
     "{}", "3 -4 1 2 3.5 1024 7"},
    {"{{ 'ab' * 3 }} {{ [1] + [2] }} {{ 'a' ~ 1 ~ none }}", "{}", "ababab [1, 2] a1None"},
    {"{{ 1 + 'a' }}", "{}", "!error"},
    {"{{ 1 / 0 }}", "{}", "!error"},
    {"{{ 1 < 2 < 3 }} {{ 1 == 1.0 }} {{ 'a' in 'cat' }} {{ 2 not in [1] }} {{ none or 'x' }} {{ 0 "
     "and 1 }}",
     "{}", "True True True True x 0"},
    {"{{ 'yes' if x else 'no' }}{{ 'z' if false }}", "{\"x\": []}", "no"},
    {"[{{ missing }}][{{ missing | default('d') }}][{{ missing is defined }}][{{ missing | length "
     "}}]",
     "{}", "[][d][False][0]"},
    {"{{ missing.attr }}", "{}", "!error"},
    {"{{ d.missing }}|{{ d.missing is defined }}", "{\"d\": {}}", "|False"},
    {"{{ d.missing.deeper }}", "{\"d\": {}}", "!error"},
    {"{% for x in missing %}x{% else %}empty{% endfor %}", "{}", "empty"},
    {"{{ m.role }} {{ m['role'] }} {{ m.get('nope', 'dflt') }} {{ l[-1] }} {{ l[5] is defined }}",
     "{\"m\": {\"role\": \"user\"}, \"l\": [1, 2, 3]}", "user user dflt 3 False"},
    {"{{ d['items'] }} {{ d.items is callable }}", "{\"d\": {\"items\": 1}}", "1 True"},
    {"{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", "{\"d\": {\"b\": 1, \"a\": 2}}",
     "b=1;a=2;"},
    {"{{ s[1:3] }} {{ s[::-1] }} {{ l[1:] }} {{ l[:-1] }} {{ s[-2:] }}",
     "{\"s\": \"héllo\", \"l\": [1, 2, 3]}", "él olléh [2, 3] [1, 2] lo"},
    {"{% for x in l %}{{ loop.index }}{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ "
     "loop.length }}{{ loop.revindex }}|{% endfor %}",
     "{\"l\": [\"a\", \"b\"]}", "10TrueFalse22|21FalseTrue21|"},
    {"{% for x in l %}{{ loop.previtem }}-{{ loop.nextitem }}-{{ loop.cycle('o', 'e') }};{% endfor "
     "%}",
     "{\"l\": [1, 2, 3]}", "-2-o;1-3-e;2--o;"},
    {"{% for x in l if x > 1 %}{{ x }}{{ loop.length }}{% endfor %}", "{\"l\": [1, 2, 3]}", "2232"},
    {"{% for x in l %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif "
     "%}{{ x }}{% endfor %}",
     "{\"l\": [1, 2, 3, 4, 5]}", "13"},
    {"{% for a, b in [[1, 2], [3, 4]] %}{{ a + b }},{% endfor %}", "{}", "3,7,"},
    {"{% for c in 'ab' %}{{ c }}.{% endfor %}{% for k in {'x': 1} %}{{ k }}{% endfor %}", "{}",
     "a.b.x"},
    {"{% for x in none %}{% endfor %}", "{}", "!error"},
    {"{% for i in [1, 2] %}{% if i == 1 %}{% set y = 5 %}{% endif %}[{{ y }}]{% endfor %}", "{}",
     "[5][]"},
    {"{{ 'straße' | upper }}{{ '7'.zfill(3) }}{{ '-7'.zfill(4) }}", "{}", "STRASSE007-007"},
    {"{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{% endfor %}{{ x }}", "{}", "1"},
    {"{% set ns = namespace(n=0) %}{% for i in [1, 2, 3] %}{% set ns.n = ns.n + i %}{% endfor %}{{ "
     "ns.n }}",
     "{}", "6"},
    {"{% set a, b = 1, 2 %}{{ b }}{{ a }}", "{}", "21"},
    {"{% set block %}  hi {{ 1 }}{% endset %}[{{ block }}]", "{}", "[  hi 1]"},
    {"{% set x = 1 %}{% set x.y = 2 %}", "{}", "!error"},
    {"{% macro m(a, b='B', c=none) %}{{ a }}{{ b }}{{ c }}{% endmacro %}{{ m(1) }} {{ m(1, 2) }} "
     "{{ m(1, c=3) }}",
     "{}", "1BNone 12None 1B3"},
    {"{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}", "{}", "!error"},
    {"{% macro outer() %}[{{ caller() }}]{% endmacro %}{% call outer() %}inside{% endcall %}", "{}",
     "[inside]"},
    {"{% macro f(n) %}{% if n > 0 %}{{ n }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(3) }}", "{}",
     "321"},
    {"{% set g = 'G' %}{% macro m() %}{{ g }}{% endmacro %}{{ m() }}", "{}", "G"},
    {"{{ '  x  ' | trim }}|{{ 'xxaxx' | trim('x') }}|{{ 'hello world' | title }}|{{ 'hELLO' | "
     "capitalize }}|{{ 'Ab' | upper }}{{ 'Ab' | lower }}",
     "{}", "x|a|Hello World|Hello|ABab"},
    {"{{ [3, 1, 2] | sort | join(',') }} {{ [3, 1, 2] | sort(reverse=true) | first }} {{ [1, 2] | "
     "last }} {{ [1, 2, 3] | sum }} {{ [4, 9] | max }} {{ ['b', 'A'] | min }}",
     "{}", "1,2,3 3 2 6 9 A"},
    {"{{ l | selectattr('k') | map(attribute='n') | join('+') }} {{ l | rejectattr('k') | list | "
     "length }} {{ l | map(attribute='n') | list }}",
     "{\"l\": [{\"n\": \"a\", \"k\": true}, {\"n\": \"b\", \"k\": false}, {\"n\": \"c\", \"k\": "
     "1}]}",
     "a+c 1 ['a', 'b', 'c']"},
    {"{{ l | selectattr('role', 'equalto', 'user') | list | length }} {{ [1, 2, 3, 4] | "
     "select('even') | list }} {{ [1, 2, 3] | reject('odd') | list }}",
     "{\"l\": [{\"role\": \"user\"}, {\"role\": \"system\"}]}", "1 [2, 4] [2]"},
    {"{{ [1, 2] | map('string') | join }}{{ ['a', 'A', 'b'] | unique | list }}{{ [1, 2] | reverse "
     "| list }}",
     "{}", "12['a', 'b'][2, 1]"},
    {"{{ d | dictsort }} {{ d | items | list }}", "{\"d\": {\"b\": 1, \"a\": 2}}",
     "[('a', 2), ('b', 1)] [('b', 1), ('a', 2)]"},
    {"{{ x | tojson }} {{ x | tojson(indent=2) }}",
     "{\"x\": {\"é\": [1, 2.0, null, \"\\\"q\\\"\"]}}",
     "{\"é\": [1, 2.0, null, \"\\\"q\\\"\"]} {\n  \"é\": [\n    1,\n    2.0,\n    null,\n    "
     "\"\\\"q\\\"\"\n  ]\n}"},
    {"{{ [1] | map('upper') | tojson }}", "{}", "!error"},
    {"{{ '3' | int + 1 }} {{ 'x' | int }} {{ '2.5' | float }} {{ 3.7 | int }} {{ 2.5 | round }} {{ "
     "3.14159 | round(2) }} {{ -3 | abs }}",
     "{}", "4 0 2.5 3 2.0 3.14 3"},
    {"{{ 'a\nb\n\nc' | indent(2) }}|{{ 'a\nb' | indent(2, true) }}", "{}",
     "a\n  b\n\n  c|  a\n  b"},
    {"{{ 'a-b-c' | replace('-', '+') }} {{ 'aaa' | replace('a', 'b', 2) }} {{ '<&>' | e }} {{ 'one "
     "two  three' | wordcount }}",
     "{}", "a+b+c bba &lt;&amp;&gt; 3"},
    {"{{ [1, 2, 3, 4, 5] | batch(2) | list }} {{ 'abc' | list }} {{ 42 | string ~ '!' }}", "{}",
     "[[1, 2], [3, 4], [5]] ['a', 'b', 'c'] 42!"},
    {"{{ 'a' | safe + '<b>' }} {{ 'a' ~ ('<' | safe) }}", "{}", "a&lt;b&gt; a<"},
    {"{{ x | nosuchfilter }}", "{}", "!error"},
    {"{% if false %}{{ x | nosuchfilter }}{% endif %}ok", "{}", "ok"},
    {"{{ 1 is number }}{{ 1 is integer }}{{ 1.0 is float }}{{ 's' is string }}{{ {} is mapping "
     "}}{{ [] is iterable }}{{ 's' is sequence }}{{ none is none }}{{ true is boolean }}{{ 3 is "
     "odd }}{{ 4 is even }}{{ 9 is divisibleby 3 }}",
     "{}", "TrueTrueTrueTrueTrueTrueTrueTrueTrueTrueTrueTrue"},
    {"{{ 'ab' is lower }}{{ 'AB' is upper }}{{ 1 is eq 1 }}{{ 2 is equalto 3 }}{{ 'a' is in 'abc' "
     "}}{{ x is not defined }}{{ true is true }}{{ 1 is true }}",
     "{}", "TrueTrueTrueFalseTrueTrueTrueFalse"},
    {"{{ ' a b '.strip() }}|{{ 'xxhixx'.lstrip('x') }}|{{ 'a,b,,c'.split(',') }}|{{ ' a  b "
     "'.split() }}|{{ 'a b c'.split(' ', 1) }}|{{ 'a b c'.rsplit(' ', 1) }}",
     "{}", "a b|hixx|['a', 'b', '', 'c']|['a', 'b']|['a', 'b c']|['a b', 'c']"},
    {"{{ 'hello'.startswith('he') }}{{ 'hello'.endswith(('x', 'lo')) }}{{ 'hello'.find('l') }}{{ "
     "'hello'.count('l') }}{{ 'Hello'.upper() }}{{ '-'.join(['a', 'b']) }}{{ 'a{}c'.format('b') }}",
     "{}", "TrueTrue22HELLOa-babc"},
    {"{{ 'é'.upper() }}{{ 'ΑΒΓ'.lower() }}{{ 'привет'.title() }}{{ '中文' | length }}", "{}",
     "ÉαβγПривет2"},
    {"{% set l = [] %}{{ l.append(1) }}", "{}", "!error"},
    {"{{ d.pop('a') }}", "{\"d\": {\"a\": 1}}", "!error"},
    {"{{ raise_exception('boom') }}", "{}", "!error"},
    {"{{ range(3) | list }} {{ range(1, 7, 2) | list }} {{ dict(a=1) }} {{ namespace(a=1).a }}",
     "{}", "[0, 1, 2] [1, 3, 5] {'a': 1} 1"},
    {"{{ strftime_now('%Y-%m-%d %H:%M %A %b') }}", "{}", "2025-03-14 09:26 Friday Mar"},
    {"{% generation %}gen {{ 1 }}{% endgeneration %}", "{}", "gen 1"},
    {"{% with a = 1 %}{{ a }}{% endwith %}{{ a is defined }}", "{}", "1False"},
    {"{% filter upper %}shout {{ 'it' }}{% endfilter %}", "{}", "SHOUT IT"},
    {"{% if x %}", "{}", "!error"},
    {"{{ x", "{}", "!error"},
    {"{% include 'x' %}", "{}", "!error"},
    {"{% for x in y %}{% endif %}", "{}", "!error"},
    {"{{ (1 }}", "{}", "!error"},
    {"{% break %}", "{}", "!error"},
};

// Renders or returns "!error"; any exception other than hearth::Error fails the test.
std::string render(const char* source, const char* context) {
    try {
        auto t = ChatTemplate::parse(source);
        return t.render(hearth::json::parse(context));
    } catch (const Error&) {
        return "!error";
    }
}

ErrorCode error_code(const char* source, const hearth::jinja::Limits* limits = nullptr) {
    try {
        auto t = ChatTemplate::parse(source);
        if (limits) t.set_limits(*limits);
        t.render(hearth::json::Value(hearth::json::Object{}));
    } catch (const Error& e) {
        return e.code();
    }
    return ErrorCode::internal;
}

}  // namespace

class TestTemplateConstructs : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { qputenv("HEARTH_NOW", "2025-03-14T09:26:53"); }

    void cases_data() {
        QTest::addColumn<int>("index");
        for (int i = 0; i < static_cast<int>(std::size(kCases)); ++i)
            QTest::newRow(kCases[i].source) << i;
    }

    void cases() {
        QFETCH(int, index);
        const Case& c = kCases[index];
        QCOMPARE(QString::fromStdString(render(c.source, c.context)),
                 QString::fromUtf8(c.expected));
    }

    void raiseExceptionCarriesMessage() {
        try {
            ChatTemplate::parse("{{ raise_exception('Only user and assistant roles') }}")
                .render(hearth::json::Value());
            QFAIL("no exception");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::template_error);
            QCOMPARE(QString::fromUtf8(e.what()), QStringLiteral("Only user and assistant roles"));
        }
    }

    void syntaxErrorsNameTheLine() {
        try {
            ChatTemplate::parse("line one\n{% if x %}\n{{ y }}\n{% endfor %}");
            QFAIL("no exception");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::template_error);
            QVERIFY2(std::string(e.what()).rfind("line 4:", 0) == 0, e.what());
        }
        try {
            ChatTemplate::parse("{% import 'x' as y %}");
            QFAIL("no exception");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("line 1: unsupported or unknown tag 'import'") !=
                         std::string::npos,
                     e.what());
        }
    }

    void sandboxLimits() {
        QCOMPARE(error_code("{% for i in range(100) %}{% for j in range(100) %}{% for k in "
                            "range(200) %}{% endfor %}{% endfor %}{% endfor %}"),
                 ErrorCode::limit_exceeded);
        QCOMPARE(error_code("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}"),
                 ErrorCode::limit_exceeded);
        QCOMPARE(error_code("{% set ns = namespace(s='xxxxxxxxxxxxxxxx') %}{% for i in range(30) "
                            "%}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"),
                 ErrorCode::limit_exceeded);
        QCOMPARE(error_code("{{ range(1000000) }}"), ErrorCode::limit_exceeded);
        hearth::jinja::Limits small;
        small.max_output_bytes = 1000;
        QCOMPARE(error_code("{% for i in range(200) %}0123456789{% endfor %}", &small),
                 ErrorCode::limit_exceeded);
    }

    // Deliberate difference from jinja2, which allows it: a namespace holding a namespace
    // could form a reference cycle (a leak) or an unboundedly deep chain.
    void namespaceCannotHoldNamespace() {
        QCOMPARE(QString::fromStdString(
                     render("{% set ns = namespace(a=1) %}{% set ns.self = ns %}", "{}")),
                 QStringLiteral("!error"));
        QCOMPARE(QString::fromStdString(
                     render("{% set ns = namespace(a=1) %}{% set ns.l = [1, [ns]] %}", "{}")),
                 QStringLiteral("!error"));
        QCOMPARE(QString::fromStdString(render("{{ namespace(x=namespace()) }}", "{}")),
                 QStringLiteral("!error"));
    }

    void strftimeUsesLocalTimeWithoutHearthNow() {
        qunsetenv("HEARTH_NOW");
        std::string year = ChatTemplate::parse("{{ strftime_now('%Y') }}").render({});
        qputenv("HEARTH_NOW", "2025-03-14T09:26:53");
        QCOMPARE(year.size(), size_t{4});
        QVERIFY(year >= "2024");
    }

    void templatesAreReusableAndCopyable() {
        auto t = ChatTemplate::parse("{{ messages[0].content }}");
        ChatTemplate copy = t;
        auto ctx =
            hearth::json::parse("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
        QCOMPARE(t.render(ctx), std::string("hi"));
        QCOMPARE(copy.render(ctx), std::string("hi"));
    }
};

QTEST_GUILESS_MAIN(TestTemplateConstructs)
#include "test_template_constructs.moc"
