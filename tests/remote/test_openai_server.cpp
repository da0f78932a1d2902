// OpenAIServer in process over a scripted Target (runs under ASan with the unit tests):
// requests are answered in arrival order, a full queue answers 503 at once, a bad key 401, a
// client that disconnects while generating has its job cancelled and one that disconnects
// while queued never starts, and the streamed SSE carries role, pieces, finish with usage and
// [DONE].
#include <QTcpSocket>
#include <QTimer>
#include <QtTest>

#include "core/target/target.h"
#include "serve/openai_server.h"

using namespace hearth;

namespace {

// Emits "p0 ", "p1 ", … every 10 ms up to `pieces`, then finishes; cancel finishes at once.
class ScriptedTarget : public Target {
public:
    int pieces = 5;
    int started = 0;
    int cancelled = 0;
    QStringList prompts;

    QString id() const override { return QStringLiteral("scripted"); }
    QString displayName() const override { return QStringLiteral("scripted"); }
    std::shared_ptr<Job> start(const GenerationRequest& request, Sink sink) override {
        ++started;
        prompts << QString::fromStdString(
            request.messages.empty() ? request.prompt : request.messages.back().content);
        auto job = std::make_shared<ScriptedJob>(this, std::move(sink));
        job->timer.setInterval(10);
        QObject::connect(&job->timer, &QTimer::timeout, [raw = job.get()] { raw->step(); });
        job->timer.start();
        return job;
    }

private:
    struct ScriptedJob : Job {
        ScriptedJob(ScriptedTarget* t, Sink s) : target(t), sink(std::move(s)) {}
        void step() {
            if (emitted < target->pieces) {
                sink.onPiece(QStringLiteral("p%1 ").arg(emitted++));
                return;
            }
            end(FinishReason::length);
        }
        void cancel() override {
            if (!timer.isActive()) return;
            ++target->cancelled;
            end(FinishReason::cancelled);
        }
        void end(FinishReason reason) {
            timer.stop();
            GenerationStats stats;
            stats.finish = reason;
            stats.prompt_tokens = 3;
            stats.completion_tokens = emitted;
            QTimer::singleShot(0, [s = sink, stats] { s.onFinished(stats); });
        }
        ScriptedTarget* target;
        Sink sink;
        QTimer timer;
        int emitted = 0;
    };
};

QByteArray post(const QByteArray& path, const QByteArray& body, const QByteArray& extra = {}) {
    return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + extra +
           "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" +
           body;
}

struct Client {
    QTcpSocket socket;
    QByteArray received;
    bool closed = false;
    explicit Client(quint16 port, const QByteArray& request) {
        QObject::connect(&socket, &QTcpSocket::readyRead, [this] { received += socket.readAll(); });
        QObject::connect(&socket, &QTcpSocket::disconnected, [this] { closed = true; });
        socket.connectToHost(QHostAddress::LocalHost, port);
        socket.write(request);
    }
};

const QByteArray kChat =
    R"({"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true})";

}  // namespace

class OpenAIServerTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void streamsInArrivalOrderAndTurnsAwayBeyondTheQueue() {
        ScriptedTarget target;
        serve::ServerOptions options;
        options.port = 0;
        options.maxQueued = 1;
        serve::OpenAIServer server(&target, options);
        QString error;
        QVERIFY2(server.listen(&error), qPrintable(error));
        const QByteArray first =
            R"({"messages":[{"role":"user","content":"first"}],"stream":true})";
        const QByteArray second = R"({"messages":[{"role":"user","content":"second"}]})";
        Client a(server.port(), post("/v1/chat/completions", first));
        QTRY_COMPARE(target.started, 1);
        Client b(server.port(), post("/v1/chat/completions", second));
        QTRY_COMPARE(server.queuedCount(), 1);
        Client c(server.port(), post("/v1/chat/completions", kChat));
        QTRY_VERIFY(c.closed);
        QVERIFY2(c.received.startsWith("HTTP/1.1 503"), c.received.constData());
        QVERIFY(c.received.contains("Retry-After: 1"));

        QTRY_VERIFY(a.closed && b.closed);
        QCOMPARE(target.prompts, (QStringList{"first", "second"}));
        QVERIFY(a.received.startsWith("HTTP/1.1 200"));
        QVERIFY(a.received.contains("text/event-stream"));
        QVERIFY(a.received.contains(R"("delta":{"content":"","role":"assistant"})"));
        QVERIFY(a.received.contains(R"("content":"p4 ")"));
        QVERIFY(a.received.contains(R"("finish_reason":"length")"));
        QVERIFY(a.received.contains(
            R"("usage":{"completion_tokens":5,"prompt_tokens":3,"total_tokens":8})"));
        QVERIFY(a.received.contains("data: [DONE]"));
        QVERIFY(b.received.contains(R"("content":"p0 p1 p2 p3 p4 ")"));  // non-stream: whole
    }

    void disconnectCancelsOrDequeues() {
        ScriptedTarget target;
        target.pieces = 1000;
        serve::ServerOptions options;
        options.port = 0;
        serve::OpenAIServer server(&target, options);
        QString error;
        QVERIFY(server.listen(&error));
        auto a = std::make_unique<Client>(server.port(), post("/v1/chat/completions", kChat));
        QTRY_VERIFY(a->received.contains("p2 "));
        auto b =
            std::make_unique<Client>(server.port(), post("/v1/completions", R"({"prompt":"x"})"));
        QTRY_COMPARE(server.queuedCount(), 1);
        b.reset();  // gone while waiting: dropped from the queue
        QTRY_COMPARE(server.queuedCount(), 0);
        a.reset();  // gone while generating: its job stops
        QTRY_COMPARE(target.cancelled, 1);
        QTRY_VERIFY(!server.busy());
        QCOMPARE(target.started, 1);
    }

    void authAndRoutes() {
        ScriptedTarget target;
        target.pieces = 1;
        serve::ServerOptions options;
        options.port = 0;
        options.apiKey = QStringLiteral("k1");
        serve::OpenAIServer server(&target, options);
        QString error;
        QVERIFY(server.listen(&error));
        Client noKey(server.port(), post("/v1/chat/completions", kChat));
        QTRY_VERIFY(noKey.closed);
        QVERIFY(noKey.received.startsWith("HTTP/1.1 401"));
        Client models(
            server.port(),
            "GET /v1/models HTTP/1.1\r\nAuthorization: Bearer k1\r\nConnection: close\r\n\r\n");
        QTRY_VERIFY(models.closed);
        QVERIFY(models.received.contains(R"("id":"scripted")"));
        Client bad(server.port(),
                   post("/v1/chat/completions", "{nope", "Authorization: Bearer k1\r\n"));
        QTRY_VERIFY(bad.closed);
        QVERIFY(bad.received.startsWith("HTTP/1.1 400"));
        Client missing(server.port(), post("/v2/other", "{}", "Authorization: Bearer k1\r\n"));
        QTRY_VERIFY(missing.closed);
        QVERIFY(missing.received.startsWith("HTTP/1.1 404"));
        QCOMPARE(target.started, 0);
    }
};

QTEST_GUILESS_MAIN(OpenAIServerTest)
#include "test_openai_server.moc"
