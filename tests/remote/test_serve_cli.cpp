// `hearth serve` over stories260K, driven by the official `openai` Python package
// (serve_with_openai_client.py): models, chat and completions, stream and non-stream with
// usage, bad key, concurrent clients, a full queue answering 503, a client closing mid-stream
// (its generation is cancelled and the next request is served). Then Hearth's own OpenAI
// client (`hearth run -m openai+http://…`) against the server gives the same text as the local
// engine: the round trip.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QtTest>
#include <memory>

#include "process_runner.h"

using hearth::test::runHearth;
using hearth::test::runProcess;

namespace {

const QString kModel = QStringLiteral(HEARTH_TEST_DATA_DIR "/models/stories260K.gguf");
const QString kScript =
    QStringLiteral(HEARTH_SOURCE_DIR "/tests/remote/serve_with_openai_client.py");

class Server {
public:
    bool start(const QStringList& extra) {
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HEARTH_LOG"), QStringLiteral("info"));
        env.insert(QStringLiteral("XDG_STATE_HOME"), state_.path());
        process_.setProcessEnvironment(env);
        process_.start(QStringLiteral(HEARTH_BINARY),
                       QStringList{"serve", "-m", kModel, "--port", "0", "-t", "1"} + extra);
        if (!process_.waitForStarted(10000)) return false;
        static const QRegularExpression listening(
            QStringLiteral("on http://127\\.0\\.0\\.1:(\\d+)/v1"));
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 30000) {
            process_.waitForReadyRead(200);
            err_ += process_.readAllStandardError();
            const auto match = listening.match(QString::fromUtf8(err_));
            if (match.hasMatch()) {
                port_ = match.captured(1).toInt();
                return true;
            }
            if (process_.state() != QProcess::Running) return false;
        }
        return false;
    }
    ~Server() {
        process_.terminate();
        if (!process_.waitForFinished(5000)) process_.kill();
        process_.waitForFinished(2000);
    }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1/v1").arg(port_); }
    int port() const { return port_; }
    QByteArray stderrSoFar() {
        err_ += process_.readAllStandardError();
        return err_;
    }

private:
    QTemporaryDir state_;
    QProcess process_;
    QByteArray err_;
    int port_ = 0;
};

QJsonObject runClient(const Server& server, const QString& key, const QString& which) {
    const auto r =
        runProcess(QStringLiteral(HEARTH_PYTHON), {kScript, server.baseUrl(), key, which},
                   QProcessEnvironment::systemEnvironment(), {}, 120000);
    if (r.exitCode != 0) qWarning("client failed: %s", r.err.constData());
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    return QJsonDocument::fromJson(lines.last()).object();
}

}  // namespace

class ServeCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(QFile::exists(kModel), qPrintable(kModel));
        const auto probe = runProcess(QStringLiteral(HEARTH_PYTHON), {"-c", "import openai"});
        QVERIFY2(probe.exitCode == 0,
                 "the `openai` package is missing from the venv: run packaging/setup-debian.sh");
    }

    void officialClientStreamsAndNot() {
        Server server;
        QVERIFY(server.start({}));
        const QJsonObject out = runClient(server, "unused", "basic");
        QCOMPARE(out.value("models").toArray(), QJsonArray{"stories260K"});
        const QJsonObject chat = out.value("chat").toObject();
        QCOMPARE(chat.value("object").toString(), QStringLiteral("chat.completion"));
        QCOMPARE(chat.value("finish").toString(), QStringLiteral("length"));
        QCOMPARE(chat.value("usage").toObject().value("completion_tokens").toInt(), 12);
        QVERIFY(chat.value("usage").toObject().value("prompt_tokens").toInt() > 0);
        QVERIFY(!chat.value("text").toString().isEmpty());
        const QJsonObject stream = out.value("stream").toObject();
        QCOMPARE(stream.value("text").toString(), chat.value("text").toString());  // greedy
        QCOMPARE(stream.value("finish").toString(), QStringLiteral("length"));
        QCOMPARE(stream.value("usage").toObject().value("completion_tokens").toInt(), 12);
        QVERIFY(stream.value("chunks").toInt() >= 12);  // streamed, not one blob
        // llama.cpp's greedy continuation of this prompt (tests/data/models/README.md).
        const QString completion = out.value("completion").toObject().value("text").toString();
        QVERIFY2(completion.startsWith(", there was a little girl named Lily"),
                 qPrintable(completion));
        QCOMPARE(out.value("completion_stream").toString(), completion);
    }

    void apiKeyIsChecked() {
        Server server;
        QVERIFY(server.start({"--api-key", "s3cret"}));
        QCOMPARE(runClient(server, "wrong", "bad_key").value("error").toInt(), 401);
        const QJsonObject ok = runClient(server, "s3cret", "basic");
        QCOMPARE(ok.value("models").toArray(), QJsonArray{"stories260K"});
    }

    void concurrentClientsAllGetTheirReply() {
        Server server;
        QVERIFY(server.start({}));
        const QJsonObject out = runClient(server, "k", "concurrent");
        QCOMPARE(out.value("errors").toArray(), QJsonArray{});
        const QJsonArray texts = out.value("texts").toArray();
        QCOMPARE(texts.size(), 4);
        for (const QJsonValue& text : texts) {
            QVERIFY(!text.toString().isEmpty());
            QCOMPARE(text.toString(), texts.first().toString());  // greedy: same text for all
        }
    }

    void fullQueueAnswers503() {
        Server server;
        QVERIFY(server.start({"--queue", "1"}));
        const QJsonArray codes = runClient(server, "k", "queue_full").value("codes").toArray();
        QCOMPARE(codes.size(), 5);
        // One generating, one waiting, the rest turned away at once.
        QCOMPARE(codes.first().toInt(), 200);
        QCOMPARE(codes.at(1).toInt(), 200);
        QCOMPARE(codes.last().toInt(), 503);
    }

    void clientClosingMidStreamCancelsItsGeneration() {
        Server server;
        QVERIFY(server.start({}));
        const QJsonObject out = runClient(server, "k", "disconnect");
        QCOMPARE(out.value("chunks_before_close").toInt(), 5);
        QVERIFY(!out.value("next_text").toString().isEmpty());
        QVERIFY2(out.value("next_request_s").toDouble() < 10,
                 qPrintable(QString::number(out.value("next_request_s").toDouble())));
        QTRY_VERIFY2_WITH_TIMEOUT(
            server.stderrSoFar().contains("client disconnected, generation cancelled"),
            server.stderrSoFar().constData(), 5000);
    }

    void hearthClientRoundTrip() {
        Server server;
        QVERIFY(server.start({}));
        const QStringList args{"--raw", "-p", "Once upon a time", "-n", "16", "--temp", "0"};
        const auto local = runHearth(QStringList{"run", "-m", kModel} + args);
        const auto remote =
            runHearth(QStringList{"run", "-m",
                                  QStringLiteral("openai+http://127.0.0.1:%1/v1?model=stories260K")
                                      .arg(server.port())} +
                      args);
        QVERIFY2(remote.exitCode == 0, remote.err.constData());
        QCOMPARE(remote.out, local.out);
        QVERIFY(remote.out.startsWith(", there was a little girl named Lily"));

        const auto chat = runHearth(
            {"run", "-m", QStringLiteral("openai+http://127.0.0.1:%1/v1").arg(server.port()), "-p",
             "Hello", "-n", "8", "--temp", "0"});
        QVERIFY2(chat.exitCode == 0, chat.err.constData());
        QVERIFY(!chat.out.trimmed().isEmpty());
    }

    void badFlagsAreUsageErrors() {
        QCOMPARE(runHearth({"serve", "--port", "70000"}).exitCode, 2);
        QCOMPARE(runHearth({"serve", "--host", "not-an-ip"}).exitCode, 2);
        const auto missing = runHearth({"serve", "-m", "/nonexistent/model.gguf", "--port", "0"});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.startsWith("hearth: ") && missing.err.count('\n') == 1,
                 missing.err.constData());
    }
};

QTEST_GUILESS_MAIN(ServeCli)
#include "test_serve_cli.moc"
