// engine/json: parsing (errors with line:column, order, numbers, escapes) and serialisation
// byte-identical to Python's json.dumps (expectations produced with CPython 3).
#include <QtTest>

#include "core/error.h"
#include "json/json.h"

using hearth::Error;
using hearth::ErrorCode;
namespace json = hearth::json;

class TestJson : public QObject {
    Q_OBJECT

    static QString parseError(const char* text) {
        try {
            json::parse(text);
        } catch (const Error& e) {
            if (e.code() != ErrorCode::format) return QStringLiteral("wrong code");
            return QString::fromUtf8(e.what());
        }
        return QStringLiteral("no error");
    }

private slots:
    void dumpsLikePython() {
        json::Value v =
            json::parse("{\"a\": [1, 2.5, null, true], \"b\": \"é\\n\\\"x\\\"\\\\\", \"c\": {}}");
        QCOMPARE(
            json::dump(v),
            std::string("{\"a\": [1, 2.5, null, true], \"b\": \"é\\n\\\"x\\\"\\\\\", \"c\": {}}"));
    }

    void keepsInsertionOrderAndReplacesDuplicates() {
        json::Value v = json::parse("{\"z\": 1, \"a\": 2, \"m\": 3, \"a\": 4}");
        QCOMPARE(json::dump(v), std::string("{\"z\": 1, \"a\": 4, \"m\": 3}"));
        json::DumpOptions sorted;
        sorted.sort_keys = true;
        QCOMPARE(json::dump(v, sorted), std::string("{\"a\": 4, \"m\": 3, \"z\": 1}"));
    }

    void indentUsesPythonSeparators() {
        json::Value v = json::parse("{\"a\": [1, 2], \"b\": {}, \"c\": []}");
        json::DumpOptions opt;
        opt.indent = 2;
        QCOMPARE(json::dump(v, opt),
                 std::string("{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {},\n  \"c\": []\n}"));
        opt.indent = 0;
        QCOMPARE(json::dump(json::parse("{\"b\":1,\"a\":[1,{\"x\":null}]}"), opt),
                 std::string("{\n\"b\": 1,\n\"a\": [\n1,\n{\n\"x\": null\n}\n]\n}"));
    }

    void floatsFormatLikePythonRepr() {
        const std::pair<double, const char*> cases[] = {
            {1e-05, "1e-05"},
            {1e16, "1e+16"},
            {0.1, "0.1"},
            {123456789012345680.0, "1.2345678901234568e+17"},
            {1.0, "1.0"},
            {-0.0, "-0.0"},
            {1e15, "1000000000000000.0"},
            {2.5e-7, "2.5e-07"},
            {1.0 / 3, "0.3333333333333333"},
            {1e22, "1e+22"},
            {5e-324, "5e-324"}};
        for (const auto& [d, text] : cases)
            QCOMPARE(json::dump(json::Value(d)), std::string(text));
    }

    void escapesControlAndNonAscii() {
        json::Value s(std::string("é😀\x01\x7f"));
        QCOMPARE(json::dump(s), std::string("\"é😀\\u0001\x7f\""));
        json::DumpOptions ascii;
        ascii.ensure_ascii = true;
        QCOMPARE(json::dump(s, ascii), std::string("\"\\u00e9\\ud83d\\ude00\\u0001\\u007f\""));
    }

    void parsesNumbersAndEscapes() {
        json::Value v = json::parse(
            "[0, -12, 9223372036854775807, 9223372036854775808, 1.5e3, "
            "\"\\ud83d\\ude00\\u00e9\\/\"]");
        const auto& a = v.as_array();
        QVERIFY(a[0].is_int() && a[0].as_int() == 0);
        QCOMPARE(a[1].as_int(), int64_t{-12});
        QCOMPARE(a[2].as_int(), INT64_MAX);
        QVERIFY(a[3].is_double());
        QCOMPARE(a[4].as_double(), 1500.0);
        QCOMPARE(a[5].as_string(), std::string("😀é/"));
    }

    void reportsLineAndColumn() {
        QCOMPARE(parseError("{\"a\": }"), QStringLiteral("json: 1:7: unexpected character '}'"));
        QCOMPARE(parseError("[1,\n 2,\n x]"),
                 QStringLiteral("json: 3:2: unexpected character 'x'"));
        QVERIFY(parseError("[1, 2").contains("1:6"));
        QVERIFY(parseError("\"abc").contains("unterminated string"));
        QVERIFY(parseError("01").contains("trailing"));
        QVERIFY(parseError("[1,]").contains("unexpected character ']'"));
        QVERIFY(parseError("\"\t\"").contains("control character"));
        QVERIFY(parseError("").contains("unexpected end"));
    }

    void rejectsHostileNesting() {
        std::string deep(100000, '[');
        try {
            json::parse(deep);
            QFAIL("deep nesting accepted");
        } catch (const Error& e) {
            QVERIFY(std::string(e.what()).find("nesting too deep") != std::string::npos);
        }
    }

    void buildsValues() {
        json::Value v;
        v.set("b", 1);
        v.set("a", json::Array{true, nullptr});
        v.set("b", "x");
        QCOMPARE(json::dump(v), std::string("{\"b\": \"x\", \"a\": [true, null]}"));
        QVERIFY(v.contains("a") && !v.contains("c"));
        QVERIFY_THROWS_EXCEPTION(Error, v.as_array());
    }
};

QTEST_GUILESS_MAIN(TestJson)
#include "test_json.moc"
