// `hearth template render`: renders a real template for a JSON request on stdin exactly as
// jinja2 does (no newline added), reports template errors as "hearth: ..." with exit 1 and
// usage errors with exit 2.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <sstream>

#include "json/json.h"

namespace json = hearth::json;

namespace {

const QString kDataDir = QStringLiteral(HEARTH_TEST_DATA_DIR "/chat-templates");

std::string readFile(const QString& path) {
    std::ifstream in(QFile::encodeName(path).toStdString(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct Run {
    int code;
    QByteArray out, err;
};

Run runHearth(const QStringList& args, const QByteArray& input) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("HEARTH_NOW", "2025-03-14T09:26:53");
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(HEARTH_BINARY), args);
    p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(60000)) return {-1, {}, "timeout"};
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

QByteArray contextOf(const char* conversation) {
    const json::Value all = json::parse(readFile(kDataDir + "/conversations.json"));
    for (const auto& c : all.find("conversations")->as_array())
        if (c.find("name")->as_string() == conversation)
            return QByteArray::fromStdString(json::dump(*c.find("context")));
    return {};
}

}  // namespace

class TestCliTemplate : public QObject {
    Q_OBJECT

private slots:
    void rendersLikeJinja2() {
        const json::Value expected = json::parse(readFile(kDataDir + "/expected.json"));
        for (const char* file : {"Qwen-Qwen3-0.6B.jinja", "meta-llama-Llama-3.1-8B-Instruct.jinja",
                                 "Mistral-Small-3.2-24B-Instruct-2506.jinja"}) {
            for (const char* conv : {"tool_call", "unicode"}) {
                const Run r =
                    runHearth({"template", "render", kDataDir + "/" + file}, contextOf(conv));
                QVERIFY2(r.code == 0, r.err.constData());
                const std::string& want =
                    expected.find("results")->find(file)->find(conv)->find("output")->as_string();
                QCOMPARE(r.out.toStdString(), want);
            }
        }
    }

    void templateErrorsExitOne() {
        const Run r = runHearth({"template", "render", kDataDir + "/google-gemma-2-2b-it.jinja"},
                                contextOf("system_user"));
        QCOMPARE(r.code, 1);
        QVERIFY(r.out.isEmpty());
        QCOMPARE(r.err.trimmed(), QByteArray("hearth: System role not supported"));

        QTemporaryDir dir;
        const QString bad = dir.filePath("bad.jinja");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("ok\n{% for x in messages %}");
        f.close();
        const Run syntax = runHearth({"template", "render", bad}, "{\"messages\": []}");
        QCOMPARE(syntax.code, 1);
        QVERIFY2(syntax.err.startsWith("hearth: line 2: "), syntax.err.constData());

        const Run badJson = runHearth({"template", "render", bad}, "{\"messages\": [}");
        QCOMPARE(badJson.code, 1);
        QVERIFY2(badJson.err.startsWith("hearth: json: 1:15: "), badJson.err.constData());

        const Run missing = runHearth({"template", "render", dir.filePath("nope.jinja")}, "{}");
        QCOMPARE(missing.code, 1);
    }

    void usageErrorsExitTwo() {
        QCOMPARE(runHearth({"template"}, {}).code, 2);
        QCOMPARE(runHearth({"template", "render"}, {}).code, 2);
        QCOMPARE(runHearth({"template", "frobnicate", "x.jinja"}, {}).code, 2);
        QCOMPARE(runHearth({"template", "render", "a.jinja", "b.jinja"}, {}).code, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliTemplate)
#include "test_cli_template.moc"
