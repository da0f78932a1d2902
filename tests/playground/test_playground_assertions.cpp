// Assertions on outputs, the similarity metrics (checked against hand-worked values), the
// judge's verdict parsing, per-target summaries and the regression gate.
#include <QJsonDocument>
#include <QTest>

#include "core/playground/assertions.h"
#include "core/playground/run_summary.h"

using namespace hearth;
using namespace hearth::playground;

class TestPlaygroundAssertions : public QObject {
    Q_OBJECT

    static QJsonObject spec(const char* json) { return QJsonDocument::fromJson(json).object(); }
    static bool passes(const char* json, const QString& output, const QJsonObject& row = {}) {
        return evaluateAssertion(spec(json), output, row).passed;
    }

private Q_SLOTS:
    void basicChecks() {
        const QJsonObject row{{"expected", "Paris"}};
        QVERIFY(passes("{\"type\":\"equals\",\"value\":\"Paris\"}", QStringLiteral("  Paris\n")));
        QVERIFY(!passes("{\"type\":\"equals\",\"value\":\"Paris\"}", QStringLiteral("paris")));
        QVERIFY(passes("{\"type\":\"equals\",\"value\":\"Paris\",\"ignore_case\":true}",
                       QStringLiteral("paris")));
        QVERIFY(passes("{\"type\":\"equals\"}", QStringLiteral("Paris"), row));  // uses expected
        QVERIFY(!passes("{\"type\":\"equals\"}", QStringLiteral("Paris")));      // no expected
        QVERIFY(passes("{\"type\":\"contains\",\"value\":\"ari\"}", QStringLiteral("Paris")));
        QVERIFY(passes("{\"type\":\"contains\"}", QStringLiteral("It is Paris."), row));
        QVERIFY(!passes("{\"type\":\"contains\",\"value\":\"Lyon\"}", QStringLiteral("Paris")));
        QVERIFY(passes("{\"type\":\"regex\",\"pattern\":\"^\\\\d{3}-\\\\d{4}$\"}",
                       QStringLiteral("555-1234")));
        QVERIFY(!passes("{\"type\":\"regex\",\"pattern\":\"^\\\\d{3}-\\\\d{4}$\"}",
                        QStringLiteral("call 555-1234")));
        QVERIFY(
            passes("{\"type\":\"max_length\",\"max\":3}", QStringLiteral("日本語")));  // 3 chars
        QVERIFY(
            passes("{\"type\":\"max_length\",\"max\":2}", QStringLiteral("😀😀")));  // code points
        QVERIFY(!passes("{\"type\":\"max_length\",\"max\":3}", QStringLiteral("abcd")));
        const AssertionOutcome o =
            evaluateAssertion(spec("{\"type\":\"contains\",\"value\":\"Lyon\"}"), "Paris", {});
        QCOMPARE(o.detail, QStringLiteral("does not contain 'Lyon'"));
    }

    void jsonChecks() {
        QVERIFY(passes("{\"type\":\"json\"}", QStringLiteral(" {\"a\": [1, 2]} ")));
        QVERIFY(passes("{\"type\":\"json\"}", QStringLiteral("42")));
        QVERIFY(passes("{\"type\":\"json\"}", QStringLiteral("```json\n{\"a\": 1}\n```")));
        QVERIFY(!passes("{\"type\":\"json\"}", QStringLiteral("{\"a\": }")));
        QVERIFY(!passes("{\"type\":\"json\"}", QStringLiteral("1, 2")));
        const char* schema =
            "{\"type\":\"json_schema\",\"schema\":{\"required\":[\"name\",\"age\"],\n            "
            "\"properties\":{\"name\":{\"type\":\"string\"},\"age\":{\"type\":\"integer\"},\n      "
            "      \"tags\":{\"type\":\"array\"}}}}";
        QVERIFY(passes(schema, QStringLiteral("{\"name\":\"Ada\",\"age\":36}")));
        QVERIFY(passes(schema, QStringLiteral("{\"name\":\"Ada\",\"age\":36,\"tags\":[]}")));
        QCOMPARE(evaluateAssertion(spec(schema), "{\"name\":\"Ada\"}", {}).detail,
                 QStringLiteral("missing key 'age'"));
        QCOMPARE(evaluateAssertion(spec(schema), "{\"name\":\"Ada\",\"age\":36.5}", {}).detail,
                 QStringLiteral("key 'age' is not of type integer"));
        QVERIFY(!passes(schema, QStringLiteral("{\"name\":1,\"age\":3}")));
        QVERIFY(!passes(schema, QStringLiteral("[1]")));
    }

    void tokenF1HandWorked() {
        // candidate {the, cat, sat}, reference {the, cat}: P = 2/3, R = 1, F1 = 0.8.
        QCOMPARE(tokenF1(QStringLiteral("The cat sat."), QStringLiteral("the CAT")), 0.8);
        // Multiset: "a a b" vs "a b b": common = a + b = 2; P = R = 2/3.
        QVERIFY(qFuzzyCompare(tokenF1(QStringLiteral("a a b"), QStringLiteral("a b b")), 2.0 / 3));
        QCOMPARE(tokenF1(QStringLiteral("x"), QStringLiteral("y")), 0.0);
        QCOMPARE(tokenF1(QString(), QString()), 1.0);
    }

    void chrFHandWorked() {
        QCOMPARE(chrF(QStringLiteral("a b c"), QStringLiteral("abc")), 1.0);  // spaces removed
        QCOMPARE(chrF(QStringLiteral("xyz"), QStringLiteral("abc")), 0.0);
        // "abc" vs "abd": n=1 P=R=2/3, n=2 P=R=1/2, n=3 P=R=0, n>3 no n-grams:
        // P = R = (2/3 + 1/2 + 0) / 3 = 7/18, so F(beta=2) = 7/18 too.
        QVERIFY(qFuzzyCompare(chrF(QStringLiteral("abc"), QStringLiteral("abd")), 7.0 / 18));
        // Recall weighs more: "ab" vs "abcd": n=1 P=1 R=1/2; n=2 P=1 R=1/3.
        // P = 1, R = 5/12, F = 5 * 1 * 5/12 / (4 * 1 + 5/12) = (25/12) / (53/12) = 25/53.
        QVERIFY(qFuzzyCompare(chrF(QStringLiteral("ab"), QStringLiteral("abcd")), 25.0 / 53));
        const QJsonObject row{{"expected", "abcd"}};
        QVERIFY(passes("{\"type\":\"similarity\",\"metric\":\"chrf\",\"min\":0.47}", "ab", row));
        QVERIFY(!passes("{\"type\":\"similarity\",\"metric\":\"chrf\",\"min\":0.48}", "ab", row));
        const AssertionOutcome o =
            evaluateAssertion(spec("{\"type\":\"similarity\",\"min\":0.9}"), "the cat sat",
                              QJsonObject{{"expected", "the cat"}});
        QVERIFY(!o.passed);
        QCOMPARE(o.score, 0.8);
        QVERIFY(o.detail.startsWith(QLatin1String("F1 0.800 < 0.9")));
    }

    void validation() {
        QString error;
        QVERIFY(validateAssertions(
            QJsonDocument::fromJson("[{\"type\":\"json\"},\n            "
                                    "{\"type\":\"judge\",\"target\":\"x\",\"rubric\":\"r\"}]")
                .array(),
            &error));
        struct Bad {
            const char* json;
            const char* mentions;
        };
        const Bad bad[] = {
            {"[{\"type\":\"nope\"}]", "unknown type 'nope'"},
            {"[{\"type\":\"json\"}, {\"type\":\"regex\"}]", "assertion 2 (regex) needs 'pattern'"},
            {"[{\"type\":\"regex\",\"pattern\":\"((\"}]", "bad regex"},
            {"[{\"type\":\"similarity\",\"metric\":\"bleu\"}]", "f1 or chrf"},
            {"[{\"type\":\"judge\",\"target\":\"x\"}]", "needs 'rubric'"},
            {"[{\"type\":\"max_length\"}]", "needs 'max'"},
            {"[3]", "not an object"},
        };
        for (const Bad& b : bad) {
            QVERIFY2(!validateAssertions(QJsonDocument::fromJson(b.json).array(), &error), b.json);
            QVERIFY2(error.contains(QLatin1String(b.mentions)), qPrintable(error));
        }
    }

    void judgeVerdicts() {
        QVERIFY(judgeVerdict(QStringLiteral("PASS\nIt is correct.")).passed);
        QVERIFY(judgeVerdict(QStringLiteral("**Pass**: fine")).passed);
        QVERIFY(!judgeVerdict(QStringLiteral("FAIL: wrong city")).passed);
        QVERIFY(!judgeVerdict(QStringLiteral("I think it should PASS")).passed);
        QVERIFY(!judgeVerdict(QString()).passed);
        const GenerationRequest r =
            judgeRequest(QJsonObject{{"rubric", "Is it a capital?"}}, QStringLiteral("France?"),
                         QStringLiteral("Paris"), QJsonObject{{"expected", "Paris"}});
        QCOMPARE(int(r.messages.size()), 1);
        const QString prompt = QString::fromStdString(r.messages[0].content);
        QVERIFY(prompt.contains(QLatin1String("Is it a capital?")) &&
                prompt.contains(QLatin1String("France?")) &&
                prompt.contains(QLatin1String("Reference answer:\nParis")));
    }

    void summaryAndRegressions() {
        auto cell = [](store::Id row, const char* target, int passed, double latency, double cost,
                       double tps = 10) {
            store::RunResultRecord r;
            r.datasetRowId = row;
            r.target = QString::fromLatin1(target);
            r.passed = passed;
            r.latencyMs = latency;
            r.cost = cost;
            r.tokensPerS = tps;
            r.finish = store::FinishReason::Stop;
            return r;
        };
        QVector<store::RunResultRecord> results;
        // Target a: 20 cells, latencies 1..20 ms, 15 pass, cost 0.01 each.
        for (int i = 1; i <= 20; ++i)
            results.append(cell(i, "a", i <= 15 ? 1 : 0, i, 0.01));
        results.append(cell(1, "b", -1, 100, 0, 0));
        results.last().finish = store::FinishReason::Error;
        const QVector<TargetSummary> s =
            summarize(results, {QStringLiteral("a"), QStringLiteral("b")});
        QCOMPARE(s.size(), 2);
        QCOMPARE(s[0].cells, 20);
        QCOMPARE(s[0].passed, 15);
        QCOMPARE(s[0].passRate, 0.75);
        QCOMPARE(s[0].meanLatencyMs, 10.5);
        QCOMPARE(s[0].p95LatencyMs, 19.0);  // nearest rank: ceil(0.95 * 20) = 19th value
        QCOMPARE(s[0].meanTokensPerS, 10.0);
        QVERIFY(qFuzzyCompare(s[0].totalCost, 0.2));
        QVERIFY(qFuzzyCompare(s[0].costPerPassed, 0.2 / 15));
        QCOMPARE(s[1].errors, 1);
        QCOMPARE(s[1].passRate, -1.0);
        QCOMPARE(s[1].costPerPassed, -1.0);
        const QString table = formatSummaryTable(s);
        QCOMPARE(table.count(QLatin1Char('\n')), 3);
        QVERIFY(table.contains(QLatin1String("15/20")));

        // Regression gate: rows 1 and 2 passed before; now row 2 fails, row 3 newly passes.
        QHash<store::Id, int> index{{1, 0}, {2, 1}, {3, 2}, {11, 0}, {12, 1}, {13, 2}};
        const QVector<store::RunResultRecord> before = {
            cell(1, "a", 1, 1, 0), cell(2, "a", 1, 1, 0), cell(3, "a", 0, 1, 0)};
        QVector<store::RunResultRecord> after = {cell(11, "a", 1, 1, 0), cell(12, "a", 0, 1, 0),
                                                 cell(13, "a", 1, 1, 0)};
        after[1].assertionResults =
            QJsonArray{QJsonObject{{"type", "contains"}, {"passed", false}, {"detail", "no"}}};
        const QVector<Regression> regressions = findRegressions(before, after, index);
        QCOMPARE(regressions.size(), 1);
        QCOMPARE(regressions[0].rowIndex, 1);
        QCOMPARE(regressions[0].detail, QStringLiteral("contains: no"));
    }
};

QTEST_GUILESS_MAIN(TestPlaygroundAssertions)
#include "test_playground_assertions.moc"
