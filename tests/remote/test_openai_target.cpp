// OpenAITarget against the scripted fake server: SSE split at awkward bytes (mid-UTF-8 too),
// usage from the final chunk, and the fault matrix: throttle-then-success, 5xx, bad key,
// error event mid-stream, dropped connection, stall past the timeout, cancel. Also the event
// decoder on its own (every split point gives the same events) and address parsing.
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>
#include <optional>

#include "core/remote/event_line_decoder.h"
#include "core/remote/openai_target.h"
#include "core/target/target_factory.h"
#include "fake_http_server.h"

using namespace hearth;
using hearth::test::FakeHttpServer;
using hearth::test::FakeResponse;

namespace {

QByteArray chunk(const QString& content) {
    QJsonObject delta{{"content", content}};
    QJsonObject choice{{"index", 0}, {"delta", delta}, {"finish_reason", QJsonValue()}};
    QJsonObject o{{"object", "chat.completion.chunk"}, {"choices", QJsonArray{choice}}};
    return "data: " + QJsonDocument(o).toJson(QJsonDocument::Compact) + "\n\n";
}

QByteArray finalChunks(const QString& reason, int promptTokens, int completionTokens) {
    QJsonObject choice{{"index", 0}, {"delta", QJsonObject{}}, {"finish_reason", reason}};
    QJsonObject last{{"choices", QJsonArray{choice}}};
    QJsonObject usage{{"prompt_tokens", promptTokens},
                      {"completion_tokens", completionTokens},
                      {"total_tokens", promptTokens + completionTokens}};
    QJsonObject usageChunk{{"choices", QJsonArray{}}, {"usage", usage}};
    return "data: " + QJsonDocument(last).toJson(QJsonDocument::Compact) + "\n\n" +
           "data: " + QJsonDocument(usageChunk).toJson(QJsonDocument::Compact) + "\n\n" +
           "data: [DONE]\n\n";
}

const QStringList kPieces{"Hé", "llo, ", "世界", " 🎉", "!"};

QByteArray fullStream() {
    QByteArray body = ": keep-alive\n\n";
    for (const QString& p : kPieces)
        body += chunk(p);
    return body + finalChunks("stop", 12, 5);
}

FakeResponse sse(const QByteArray& body, int pieceSize, int delayMs = 2) {
    FakeResponse r;
    r.headers = {{"Content-Type", "text/event-stream"}};
    r.pieces = hearth::test::splitEvery(body, pieceSize);
    r.delayMs = delayMs;
    return r;
}

struct Outcome {
    QString text;
    QStringList pieces;
    std::optional<GenerationStats> stats;
    qint64 elapsedMs = 0;
};

}  // namespace

class OpenAITargetTest : public QObject {
    Q_OBJECT
    FakeHttpServer server_;

    QString address(const QString& model = QStringLiteral("tiny")) const {
        return QStringLiteral("openai+http://127.0.0.1:%1/v1?model=%2")
            .arg(server_.port())
            .arg(model);
    }

    Outcome generate(TargetOptions options = {}, std::function<void(Job&, Outcome&)> onPiece = {}) {
        options.retry.baseDelayMs = 1;
        options.retry.throttleBaseDelayMs = 1;
        if (options.apiKey.isEmpty()) options.apiKey = QStringLiteral("sk-test");
        TargetOrError made = makeTarget(address(), options);
        Outcome out;
        if (!made.target) {
            out.stats = GenerationStats{};
            out.stats->finish = FinishReason::error;
            out.stats->error = made.error.toStdString();
            return out;
        }
        GenerationRequest request;
        request.messages = {{"system", "be brief"}, {"user", "Say hello"}};
        request.max_tokens = 32;
        request.sampling.temperature = 0;
        std::shared_ptr<Job> job;
        Sink sink;
        sink.onPiece = [&](const QString& piece) {
            out.text += piece;
            out.pieces << piece;
            if (onPiece) onPiece(*job, out);
        };
        sink.onFinished = [&](const GenerationStats& s) { out.stats = s; };
        QElapsedTimer clock;
        clock.start();
        job = made.target->start(request, sink);
        if (!QTest::qWaitFor([&] { return out.stats.has_value(); }, 15000)) {
            out.stats = GenerationStats{};
            out.stats->finish = FinishReason::error;
            out.stats->error = "test: no onFinished within 15 s";
        }
        out.elapsedMs = clock.elapsed();
        return out;
    }

private Q_SLOTS:
    void init() {
        server_.clear();
        if (!server_.isListening()) QVERIFY(server_.listen());
    }

    void decoderGivesTheSameEventsForEverySplit() {
        const QByteArray stream =
            ": comment\r\ndata: {\"a\":\"é\"}\r\n\r\nevent: x\ndata: line1\ndata:line2\n\n"
            "{\"json\":\"lines ✓\"}\ndata: [DONE]\n\n";
        const QVector<QByteArray> expected{"{\"a\":\"é\"}", "line1\nline2",
                                           "{\"json\":\"lines ✓\"}", "[DONE]"};
        for (int split = 1; split < stream.size(); ++split) {
            remote::EventLineDecoder decoder;
            QVector<QByteArray> events = decoder.feed(stream.left(split));
            events += decoder.feed(stream.mid(split));
            events += decoder.finish();
            QCOMPARE(events, expected);
        }
    }

    void streamsTextSplitAtEveryThirdByte() {
        server_.enqueue(sse(fullStream(), 3));  // cuts through every multi-byte character
        const Outcome out = generate();
        QCOMPARE(out.stats->finish, FinishReason::stop);
        QCOMPARE(out.text, kPieces.join(QString()));
        QCOMPARE(out.pieces, kPieces);
        QCOMPARE(out.stats->prompt_tokens, 12);
        QCOMPARE(out.stats->completion_tokens, 5);
        QVERIFY(out.stats->time_to_first_token_ms > 0);

        QCOMPARE(server_.requests().size(), 1);
        const auto& request = server_.requests()[0];
        QCOMPARE(request.path, QByteArray("/v1/chat/completions"));
        QCOMPARE(request.headers.value("authorization"), QByteArray("Bearer sk-test"));
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        QCOMPARE(body.value("model").toString(), QStringLiteral("tiny"));
        QCOMPARE(body.value("stream").toBool(), true);
        QCOMPARE(body.value("max_tokens").toInt(), 32);
        QCOMPARE(body.value("temperature").toDouble(), 0.0);
        QCOMPARE(body.value("messages").toArray().size(), 2);
        QCOMPARE(body.value("messages").toArray()[1].toObject().value("content").toString(),
                 QStringLiteral("Say hello"));
    }

    void throttledThenSucceeds() {
        server_.enqueue(FakeResponse::json(429, R"({"error":{"message":"Rate limit"}})",
                                           {{"Retry-After", "0.2"}}));
        server_.enqueue(sse(fullStream(), 64));
        const Outcome out = generate();
        QCOMPARE(out.stats->finish, FinishReason::stop);
        QCOMPARE(out.text, kPieces.join(QString()));
        QCOMPARE(server_.requests().size(), 2);
        QVERIFY2(out.elapsedMs >= 190, qPrintable(QString::number(out.elapsedMs)));
    }

    void serverErrorIsAClearMessage() {
        server_.enqueue(FakeResponse::json(
            503, R"({"error":"Model is overloaded","error_type":"overloaded"})"));
        const Outcome out = generate();
        QCOMPARE(out.stats->finish, FinishReason::error);
        QCOMPARE(QString::fromStdString(out.stats->error),
                 QStringLiteral("server error (HTTP 503): Model is overloaded"));
        QVERIFY(!out.stats->interrupted);
        QCOMPARE(server_.requests().size(), 3);  // retried, then reported
    }

    void badKeyIsNotRetried() {
        server_.enqueue(FakeResponse::json(
            401,
            R"({"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}})"));
        const Outcome out = generate();
        QCOMPARE(out.stats->finish, FinishReason::error);
        QVERIFY2(QString::fromStdString(out.stats->error)
                     .startsWith("the server rejected the API key (set OPENAI_API_KEY) (HTTP 401): "
                                 "Incorrect API key provided"),
                 out.stats->error.c_str());
        QCOMPARE(server_.requests().size(), 1);
    }

    void errorEventMidStreamKeepsTheText() {
        const QByteArray body = chunk("Partial ") + chunk("answer") +
                                "data: {\"error\":{\"message\":\"CUDA out of memory\","
                                "\"http_status_code\":500}}\n\n";
        server_.enqueue(sse(body, 5));
        const Outcome out = generate();
        QCOMPARE(out.text, QStringLiteral("Partial answer"));
        QCOMPARE(out.stats->finish, FinishReason::error);
        QVERIFY(out.stats->interrupted);
        QVERIFY2(QString::fromStdString(out.stats->error).contains("CUDA out of memory"),
                 out.stats->error.c_str());
    }

    void droppedConnectionKeepsTheTextMarkedInterrupted() {
        FakeResponse r = sse(chunk("one ") + chunk("two ") + chunk("three"), 9, 10);
        r.end = FakeResponse::End::Drop;
        server_.enqueue(r);
        server_.enqueue(sse(fullStream(), 64));  // must not be requested: text was shown
        const Outcome out = generate();
        QCOMPARE(out.stats->finish, FinishReason::error);
        QVERIFY(out.stats->interrupted);
        QVERIFY(!out.text.isEmpty());
        QVERIFY(QStringLiteral("one two three").startsWith(out.text));
        QCOMPARE(server_.requests().size(), 1);
    }

    void streamEndingWithoutDoneIsInterrupted() {
        server_.enqueue(sse(chunk("cut ") + chunk("short"), 7));
        const Outcome out = generate();
        QCOMPARE(out.text, QStringLiteral("cut short"));
        QCOMPARE(out.stats->finish, FinishReason::error);
        QVERIFY(out.stats->interrupted);
    }

    void stallPastTheTimeoutIsReportedInBoundedTime() {
        FakeResponse r = sse(chunk("slow "), 100);
        r.end = FakeResponse::End::Stall;
        server_.enqueue(r);
        TargetOptions options;
        options.timeouts.idleMs = 400;
        const Outcome out = generate(options);
        QCOMPARE(out.text, QStringLiteral("slow "));
        QCOMPARE(out.stats->finish, FinishReason::error);
        QVERIFY(out.stats->interrupted);
        QVERIFY2(QString::fromStdString(out.stats->error).contains("stalled"),
                 out.stats->error.c_str());
        QVERIFY2(out.elapsedMs < 3000, qPrintable(QString::number(out.elapsedMs)));
    }

    void cancelStopsAtOnce() {
        QByteArray body;
        for (int i = 0; i < 100; ++i)
            body += chunk(QStringLiteral("w%1 ").arg(i));
        server_.enqueue(sse(body, 40, 30));
        const Outcome out = generate({}, [](Job& job, Outcome& o) {
            if (o.pieces.size() == 3) job.cancel();
        });
        QCOMPARE(out.stats->finish, FinishReason::cancelled);
        QCOMPARE(out.pieces.size(), 3);
        QVERIFY2(out.elapsedMs < 2000, qPrintable(QString::number(out.elapsedMs)));
        QTRY_COMPARE_WITH_TIMEOUT(server_.openConnections(), 0, 1000);
    }

    void jsonLinesAndPlainJsonAnswersAreAccepted() {
        // LMI's chat stream: one chunk object per line, no "data:" and no [DONE].
        QByteArray lines =
            "{\"choices\":[{\"delta\":{\"content\":\"Oh\"},\"finish_reason\":null}]}\n"
            "{\"choices\":[{\"delta\":{\"content\":\" hi\"},\"finish_reason\":\"length\"}]}\n";
        server_.enqueue(sse(lines, 11));
        Outcome out = generate();
        QCOMPARE(out.text, QStringLiteral("Oh hi"));
        QCOMPARE(out.stats->finish, FinishReason::length);

        server_.clear();
        server_.enqueue(FakeResponse::json(
            200,
            "{\n \"choices\": [{\"message\": {\"role\": \"assistant\", \"content\": \"whole\"},\n"
            " \"finish_reason\": \"stop\"}],\n \"usage\": {\"prompt_tokens\": 3, "
            "\"completion_tokens\": 1}}"));
        out = generate();
        QCOMPARE(out.text, QStringLiteral("whole"));
        QCOMPARE(out.stats->finish, FinishReason::stop);
        QCOMPARE(out.stats->prompt_tokens, 3);
    }

    void addressesParseOrFailClearly() {
        QString error;
        auto a =
            remote::OpenAIAddress::parse("openai+https://api.example.com/v1?model=gpt-x", &error);
        QVERIFY(a);
        QCOMPARE(a->baseUrl.toString(), QStringLiteral("https://api.example.com/v1"));
        QCOMPARE(a->model, QStringLiteral("gpt-x"));
        a = remote::OpenAIAddress::parse("openai+http://127.0.0.1:8080", &error);
        QVERIFY(a);
        QCOMPARE(a->baseUrl.toString(), QStringLiteral("http://127.0.0.1:8080/v1"));
        QVERIFY(a->model.isEmpty());
        QVERIFY(!remote::OpenAIAddress::parse("openai+ftp://host/v1", &error));
        QVERIFY(error.contains("openai+http(s)://HOST"));
        QVERIFY(!remote::OpenAIAddress::parse("openai+http:///v1", &error));

        // sagemaker:// goes to the SageMaker target (tests/remote/aws); a bad one fails here.
        TargetOrError made = makeTarget("sagemaker://ep?region=us-east-1&format=tgi");
        QVERIFY(made.target);
        QVERIFY(made.remote);
        made = makeTarget("sagemaker://ep?format=xml");
        QVERIFY(!made.target);
        QVERIFY(made.error.contains("unknown format 'xml'"));
        made = makeTarget("weird://thing");
        QVERIFY(!made.target);
        QVERIFY(made.error.contains("unknown model address scheme"));
    }
};

QTEST_GUILESS_MAIN(OpenAITargetTest)
#include "test_openai_target.moc"
