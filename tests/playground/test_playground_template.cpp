// Prompt templates: {{variable}} rendering, escaping, missing variables, few-shot turns,
// the JSON file format, immutable versions in the store and the diff between versions.
#include <QJsonDocument>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "core/playground/playground_store.h"
#include "core/playground/prompt_template.h"
#include "core/playground/template_diff.h"

using namespace hearth;
using namespace hearth::playground;

class TestPlaygroundTemplate : public QObject {
    Q_OBJECT

    static QJsonObject row(std::initializer_list<QPair<QString, QJsonValue>> values) {
        QJsonObject o;
        for (const auto& [k, v] : values)
            o.insert(k, v);
        return o;
    }

private Q_SLOTS:
    void rendersVariables_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << "no placeholders"
                               << "no placeholders";
        QTest::newRow("one") << "Hello {{name}}!"
                             << "Hello Ada!";
        QTest::newRow("spaces inside") << "Hello {{  name }}!"
                                       << "Hello Ada!";
        QTest::newRow("twice") << "{{name}} and {{name}}"
                               << "Ada and Ada";
        QTest::newRow("column with space") << "{{first name}}"
                                           << "Grace";
        QTest::newRow("number") << "n={{count}}"
                                << "n=3";
        QTest::newRow("fraction") << "{{ratio}}"
                                  << "0.25";
        QTest::newRow("bool") << "{{flag}}"
                              << "true";
        QTest::newRow("object as compact json") << "{{obj}}"
                                                << "{\"a\":1}";
        QTest::newRow("escaped braces") << "\\{{name}} is {{name}}"
                                        << "{{name}} is Ada";
        QTest::newRow("single brace stays") << "{name} {"
                                            << "{name} {";
        QTest::newRow("lone backslash stays") << "a\\b {{name}}"
                                              << "a\\b Ada";
        QTest::newRow("value is not re-scanned") << "{{tricky}}"
                                                 << "{{name}}";
        QTest::newRow("unicode") << "→ {{city}} ←"
                                 << "→ Zürich ←";
    }
    void rendersVariables() {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        const QJsonObject values = row({{QStringLiteral("name"), QStringLiteral("Ada")},
                                        {QStringLiteral("first name"), QStringLiteral("Grace")},
                                        {QStringLiteral("count"), 3},
                                        {QStringLiteral("ratio"), 0.25},
                                        {QStringLiteral("flag"), true},
                                        {QStringLiteral("obj"), QJsonObject{{"a", 1}}},
                                        {QStringLiteral("tricky"), QStringLiteral("{{name}}")},
                                        {QStringLiteral("city"), QStringLiteral("Zürich")}});
        QString error;
        const auto out = renderPlaceholders(text, values, &error);
        QVERIFY2(out.has_value(), qPrintable(error));
        QCOMPARE(*out, expected);
    }

    void missingVariableIsAnErrorNamingIt() {
        QString error;
        QVERIFY(!renderPlaceholders(QStringLiteral("{{a}} {{city}}"),
                                    row({{QStringLiteral("a"), QStringLiteral("x")}}), &error));
        QCOMPARE(error, QStringLiteral("missing variable 'city'"));
    }

    void malformedPlaceholdersAreErrors() {
        QString error;
        QVERIFY(!renderPlaceholders(QStringLiteral("ab {{name"), {}, &error));
        QVERIFY2(error.contains(QLatin1String("unclosed")) && error.contains(QLatin1String("4")),
                 qPrintable(error));
        QVERIFY(!renderPlaceholders(QStringLiteral("{{ }}"), {}, &error));
        QVERIFY(error.contains(QLatin1String("empty")));
    }

    void placeholderNamesInOrder() {
        QCOMPARE(placeholderNames(QStringLiteral("{{b}} {{a}} {{b}} \\{{c}}")),
                 (QStringList{QStringLiteral("b"), QStringLiteral("a")}));
    }

    void fewShotBecomesChatTurns() {
        PromptTemplate t;
        t.systemPrompt = QStringLiteral("Be brief.");
        t.fewShot = {{QStringLiteral("2+2"), QStringLiteral("4")},
                     {QStringLiteral("3+3"), QStringLiteral("6")}};
        t.userPrompt = QStringLiteral("{{q}}");
        std::vector<ChatMessage> messages;
        QString error;
        QVERIFY(t.buildMessages(row({{QStringLiteral("q"), QStringLiteral("5+5")}}), &messages,
                                &error));
        QCOMPARE(int(messages.size()), 6);
        const char* roles[] = {"system", "user", "assistant", "user", "assistant", "user"};
        const char* contents[] = {"Be brief.", "2+2", "4", "3+3", "6", "5+5"};
        for (int i = 0; i < 6; ++i) {
            QCOMPARE(messages[size_t(i)].role, std::string(roles[i]));
            QCOMPARE(messages[size_t(i)].content, std::string(contents[i]));
        }
        QVERIFY(!t.buildMessages({}, &messages, &error));
        QCOMPARE(error, QStringLiteral("missing variable 'q'"));
    }

    void jsonRoundTripAndErrors() {
        const QByteArray file =
            "{\"format\": \"hearth-prompt-template\", \"name\": \"resume\",\n            "
            "\"system\": \"S\", \"few_shot\": [{\"input\": \"i1\", \"output\": \"o1\"}],\n         "
            "   \"user\": \"Format {{cv}}\", \"parameters\": {\"temperature\": 0.2, "
            "\"max_tokens\": 50,\n            \"stop\": [\"\\n\\n\"]}, \"assertions\": [{\"type\": "
            "\"json\"}]}";
        QString error;
        const auto t = PromptTemplate::fromJsonBytes(file, &error);
        QVERIFY2(t, qPrintable(error));
        QCOMPARE(t->name, QStringLiteral("resume"));
        QCOMPARE(t->fewShot.size(), 1);
        QCOMPARE(t->fewShot[0].output, QStringLiteral("o1"));
        const GenerationRequest r = t->baseRequest();
        QCOMPARE(r.sampling.temperature, 0.2f);
        QCOMPARE(r.max_tokens, 50);
        QCOMPARE(r.stop, std::vector<std::string>{"\n\n"});

        const auto again = PromptTemplate::fromJson(t->toJson(), &error);
        QVERIFY(again);
        QVERIFY(again->sameContent(*t));
        QCOMPARE(again->name, t->name);

        struct Bad {
            QByteArray json;
            const char* mentions;
        };
        const Bad bad[] = {
            {"{", "not valid JSON"},
            {"[]", "JSON object"},
            {"{\"system\": \"x\"}", "no user prompt"},
            {"{\"user\": \"{{x\"}", "unclosed"},
            {"{\"user\": \"u\", \"few_shot\": [{\"input\": \"a\"}]}", "few-shot example 1"},
            {"{\"user\": \"u\", \"parameters\": {\"temprature\": 1}}",
             "unknown parameter 'temprature'"},
            {"{\"user\": \"u\", \"parameters\": {\"max_tokens\": \"5\"}}", "must be a number"},
            {"{\"user\": \"u\", \"format\": \"other\"}", "not a prompt template"},
        };
        for (const Bad& b : bad) {
            QVERIFY2(!PromptTemplate::fromJsonBytes(b.json, &error), b.json.constData());
            QVERIFY2(error.contains(QLatin1String(b.mentions)), qPrintable(error));
        }
    }

    void versionsAreImmutableAndOnlyAddedOnChange() {
        QTemporaryDir dir;
        auto db = store::StoreDatabase::open(dir.filePath(QStringLiteral("h.db")));
        PromptTemplate t;
        t.name = QStringLiteral("greet");
        t.userPrompt = QStringLiteral("Hi {{name}}");
        t.fewShot = {{QStringLiteral("a"), QStringLiteral("b")}};
        t.assertions = QJsonArray{QJsonObject{{"type", "json"}}};
        const SavedVersion v1 = saveTemplateVersion(*db, t);
        QVERIFY(v1.created);
        QCOMPARE(v1.version.version, 1);
        const SavedVersion same = saveTemplateVersion(*db, t);
        QVERIFY(!same.created);
        QCOMPARE(same.version.id, v1.version.id);
        t.userPrompt = QStringLiteral("Hello {{name}}");
        t.message = QStringLiteral("friendlier");
        const SavedVersion v2 = saveTemplateVersion(*db, t);
        QVERIFY(v2.created);
        QCOMPARE(v2.version.version, 2);
        QCOMPARE(v2.templateId, v1.templateId);
        QCOMPARE(v2.version.message, QStringLiteral("friendlier"));
        // What was stored reads back as the same template, assertions included.
        const PromptTemplate back =
            PromptTemplate::fromVersion(t.name, db->templateVersion(v2.version.id));
        QVERIFY(back.sameContent(t));
        // The store refuses to rewrite a version.
        QSqlQuery q(db->connection());
        QVERIFY(!q.exec(QStringLiteral("UPDATE template_versions SET user_prompt = 'x'")));

        db->setBaseline(v1.templateId, v1.version.id);
        QCOMPARE(db->baselineVersion(v1.templateId), v1.version.id);
        db->setBaseline(v1.templateId, v2.version.id);
        QCOMPARE(db->baselineVersion(v1.templateId), v2.version.id);
        QVERIFY_THROWS_EXCEPTION(store::StoreException,
                                 db->setBaseline(v1.templateId + 99, v1.version.id));
    }

    void diffLinesIsALineLcs() {
        // Hand-worked: a b c d -> a c d e : b removed, e added.
        QCOMPARE(diffLines(QStringLiteral("a\nb\nc\nd"), QStringLiteral("a\nc\nd\ne")),
                 (QStringList{QStringLiteral("  a"), QStringLiteral("- b"), QStringLiteral("  c"),
                              QStringLiteral("  d"), QStringLiteral("+ e")}));
        QCOMPARE(diffLines(QString(), QStringLiteral("x")), QStringList{QStringLiteral("+ x")});
        QCOMPARE(diffLines(QStringLiteral("x"), QStringLiteral("y")),
                 (QStringList{QStringLiteral("- x"), QStringLiteral("+ y")}));
    }

    void diffBetweenVersionsNamesChangedFieldsOnly() {
        PromptTemplate a;
        a.systemPrompt = QStringLiteral("Be brief.");
        a.fewShot = {{QStringLiteral("q1"), QStringLiteral("a1")}};
        a.userPrompt = QStringLiteral("Q: {{q}}\nA:");
        a.parameters = QJsonObject{{"temperature", 0}};
        PromptTemplate b = a;
        b.fewShot.append({QStringLiteral("q2"), QStringLiteral("a2")});
        b.userPrompt = QStringLiteral("Question: {{q}}\nA:");
        const QVector<FieldDiff> diff = diffTemplates(a, b);
        QStringList fields;
        for (const FieldDiff& f : diff)
            fields << f.field;
        QCOMPARE(fields,
                 (QStringList{QStringLiteral("few_shot[2].input"),
                              QStringLiteral("few_shot[2].output"), QStringLiteral("user")}));
        QCOMPARE(diff[2].lines,
                 (QStringList{QStringLiteral("- Q: {{q}}"), QStringLiteral("+ Question: {{q}}"),
                              QStringLiteral("  A:")}));
        QVERIFY(formatDiff(diff).startsWith(QLatin1String("@@ few_shot[2].input\n+ q2\n")));
        QVERIFY(diffTemplates(a, a).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestPlaygroundTemplate)
#include "test_playground_template.moc"
