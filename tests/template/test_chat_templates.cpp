// Conformance: every real chat template in tests/data/chat-templates x every conversation in
// conversations.json must render byte-for-byte like Python jinja2 in Hugging Face's
// configuration (expected.json, written by render_reference.py), and must throw where
// jinja2 raises. A second test regenerates expected.json with HEARTH_PYTHON to prove the
// committed file is what jinja2 produces.
#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <sstream>

#include "core/error.h"
#include "json/json.h"
#include "template/chat_template.h"

namespace json = hearth::json;

namespace {

const QString kDataDir = QStringLiteral(HEARTH_TEST_DATA_DIR "/chat-templates");
constexpr const char* kNow = "2025-03-14T09:26:53";

std::string readFile(const QString& path) {
    std::ifstream in(QFile::encodeName(path).toStdString(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

class TestChatTemplates : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { qputenv("HEARTH_NOW", kNow); }

    void matchesJinja2() {
        const json::Value conversations = json::parse(readFile(kDataDir + "/conversations.json"));
        const json::Value expected = json::parse(readFile(kDataDir + "/expected.json"));
        QCOMPARE(expected.find("now")->as_string(), std::string(kNow));
        const auto& results = expected.find("results")->as_object();
        const QStringList files = QDir(kDataDir).entryList({"*.jinja"}, QDir::Files, QDir::Name);
        QCOMPARE(files.size(), 45);
        QCOMPARE(static_cast<qsizetype>(results.size()), files.size());

        int total = 0, matched = 0, raising = 0;
        QStringList failures;
        for (const QString& file : files) {
            const json::Value* perConversation = expected.find("results")->find(file.toStdString());
            QVERIFY2(perConversation, qPrintable("no expectations for " + file));
            std::optional<hearth::ChatTemplate> tmpl;
            std::string parseError;
            try {
                tmpl = hearth::ChatTemplate::parse(readFile(kDataDir + "/" + file));
            } catch (const hearth::Error& e) {
                parseError = e.what();
            }
            for (const auto& conv : conversations.find("conversations")->as_array()) {
                const std::string& name = conv.find("name")->as_string();
                const json::Value* want = perConversation->find(name);
                QVERIFY(want);
                ++total;
                std::string got, error;
                bool threw = !tmpl;
                if (tmpl) {
                    try {
                        got = tmpl->render(*conv.find("context"));
                    } catch (const hearth::Error& e) {
                        threw = true;
                        error = e.what();
                    }
                } else {
                    error = parseError;
                }
                const QString where = file + " / " + QString::fromStdString(name);
                if (want->contains("error")) {
                    ++raising;
                    if (threw)
                        ++matched;
                    else
                        failures << where + ": jinja2 raised " +
                                        QString::fromStdString(want->find("error")->as_string()) +
                                        " but we rendered";
                    continue;
                }
                const std::string& text = want->find("output")->as_string();
                if (!threw && got == text) {
                    ++matched;
                    continue;
                }
                if (threw) {
                    failures << where + ": unexpected error: " + QString::fromStdString(error);
                } else {
                    size_t at = 0;
                    while (at < got.size() && at < text.size() && got[at] == text[at])
                        ++at;
                    failures << where + QStringLiteral(": differs at byte %1: expected %2, got %3")
                                            .arg(at)
                                            .arg(QString::fromStdString(
                                                     json::quote_string(text.substr(at, 60))),
                                                 QString::fromStdString(
                                                     json::quote_string(got.substr(at, 60))));
                }
            }
        }
        qInfo("%d of %d template x conversation renders match jinja2 (%d of them raise in both)",
              matched, total, raising);
        for (const QString& f : failures)
            qWarning("%s", qPrintable(f));
        QVERIFY(total >= 45 * 10);
        QCOMPARE(matched, total);
    }

    void expectationsAreJinja2Output() {
        const QString python = QStringLiteral(HEARTH_PYTHON);
        if (!QFile::exists(python)) QFAIL(qPrintable("HEARTH_PYTHON not found: " + python));
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString out = tmp.filePath("expected.json");
        QProcess proc;
        proc.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        proc.start(python, {QStringLiteral(HEARTH_SOURCE_DIR "/tests/template/render_reference.py"),
                            kDataDir, kDataDir + "/conversations.json", out});
        QVERIFY(proc.waitForFinished(120000));
        QCOMPARE(proc.exitCode(), 0);
        QVERIFY2(json::parse(readFile(out)) == json::parse(readFile(kDataDir + "/expected.json")),
                 "tests/data/chat-templates/expected.json is stale: rerun render_reference.py");
    }
};

QTEST_GUILESS_MAIN(TestChatTemplates)
#include "test_chat_templates.moc"
