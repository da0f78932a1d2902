// HttpStream against a scripted loopback server: incremental delivery, retries only before the
// first body byte (429 with Retry-After, 5xx, dropped before the head, refused), no retry after
// data, the three timeouts, and cancel closing the connection at once.
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QtTest>
#include <optional>

#include "core/remote/http_stream.h"
#include "fake_http_server.h"

using hearth::remote::HttpRequestSpec;
using hearth::remote::HttpResult;
using hearth::remote::HttpStream;
using hearth::remote::HttpStreamOptions;
using hearth::test::FakeHttpServer;
using hearth::test::FakeResponse;

namespace {

struct Run {
    QByteArray body;
    int chunks = 0;
    QVector<int> retryDelays;
    std::optional<HttpResult> result;
    qint64 elapsedMs = 0;
};

HttpStreamOptions fastOptions() {
    HttpStreamOptions o;
    o.random = [] { return 0.0; };  // no jitter: retries at once
    o.timeouts.connectMs = 2000;
    o.timeouts.firstByteMs = 2000;
    o.timeouts.idleMs = 2000;
    return o;
}

Run runStream(const QString& url, HttpStreamOptions options = fastOptions(),
              std::function<void(HttpStream&, Run&)> onChunk = {}) {
    HttpRequestSpec spec;
    spec.url = QUrl(url);
    spec.headers = {{"Content-Type", "application/json"}};
    spec.body = R"({"hello":"world"})";
    HttpStream stream(spec, options);
    Run run;
    QElapsedTimer clock;
    QObject::connect(&stream, &HttpStream::bodyBytes, [&](const QByteArray& chunk) {
        run.body += chunk;
        ++run.chunks;
        if (onChunk) onChunk(stream, run);
    });
    QObject::connect(&stream, &HttpStream::retrying,
                     [&](int, int delayMs, const QString&) { run.retryDelays.push_back(delayMs); });
    QObject::connect(&stream, &HttpStream::finished,
                     [&](const HttpResult& result) { run.result = result; });
    clock.start();
    stream.start();
    if (!QTest::qWaitFor([&] { return run.result.has_value(); }, 15000)) {
        HttpResult stuck;  // fails every test's checks: no test expects attempts == -1
        stuck.outcome = HttpResult::Outcome::Cancelled;
        stuck.attempts = -1;
        stuck.message = QStringLiteral("test: the stream never finished");
        run.result = stuck;
    }
    run.elapsedMs = clock.elapsed();
    return run;
}

FakeResponse streamed(const QByteArray& body, int pieceSize, int delayMs = 5) {
    FakeResponse r;
    r.headers = {{"Content-Type", "text/event-stream"}};
    r.pieces = hearth::test::splitEvery(body, pieceSize);
    r.delayMs = delayMs;
    return r;
}

}  // namespace

class HttpStreamTest : public QObject {
    Q_OBJECT
    FakeHttpServer server_;

private Q_SLOTS:
    void init() {
        server_.clear();
        if (!server_.isListening()) QVERIFY(server_.listen());
    }

    void deliversTheBodyIncrementally() {
        const QByteArray body = "data: one\n\ndata: two\n\ndata: three\n\n";
        server_.enqueue(streamed(body, 7, 20));
        const Run run = runStream(server_.baseUrl() + "/v1/chat/completions");
        QVERIFY(run.result->ok());
        QCOMPARE(run.body, body);
        QVERIFY2(run.chunks >= 3, qPrintable(QString::number(run.chunks)));
        QCOMPARE(run.result->status, 200);
        QCOMPARE(run.result->attempts, 1);
        QCOMPARE(server_.requests().size(), 1);
        QCOMPARE(server_.requests()[0].body, QByteArray(R"({"hello":"world"})"));
        QCOMPARE(server_.requests()[0].path, QByteArray("/v1/chat/completions"));
    }

    void throttledThenSuccessHonoursRetryAfter() {
        server_.enqueue(FakeResponse::json(429, R"({"error":{"message":"slow down"}})",
                                           {{"Retry-After", "1"}}));
        server_.enqueue(streamed("data: ok\n\n", 3));
        const Run run = runStream(server_.baseUrl() + "/x");
        QVERIFY2(run.result->ok(), qPrintable(run.result->message));
        QCOMPARE(run.body, QByteArray("data: ok\n\n"));
        QCOMPARE(run.result->attempts, 2);
        QCOMPARE(run.retryDelays, QVector<int>{1000});
        QVERIFY2(run.elapsedMs >= 950, qPrintable(QString::number(run.elapsedMs)));
    }

    void serverErrorsAreRetriedThenReportedWithStatusAndBody() {
        server_.enqueue(FakeResponse::json(503, R"({"error":"overloaded"})"));
        const Run run = runStream(server_.baseUrl() + "/x");
        QCOMPARE(run.result->outcome, HttpResult::Outcome::HttpError);
        QCOMPARE(run.result->status, 503);
        QCOMPARE(run.result->attempts, 3);
        QCOMPARE(server_.requests().size(), 3);
        QCOMPARE(run.result->errorBody, QByteArray(R"({"error":"overloaded"})"));
        QVERIFY2(run.result->message.contains("503") && run.result->message.contains("overloaded"),
                 qPrintable(run.result->message));
        QVERIFY(run.body.isEmpty());
    }

    void clientErrorsAreNotRetried() {
        server_.enqueue(FakeResponse::json(400, R"({"error":"bad request"})"));
        const Run run = runStream(server_.baseUrl() + "/x");
        QCOMPARE(run.result->outcome, HttpResult::Outcome::HttpError);
        QCOMPARE(run.result->attempts, 1);
        QCOMPARE(server_.requests().size(), 1);
    }

    void backoffGrowsExponentiallyWithJitter() {
        server_.enqueue(FakeResponse::json(500, "{}"));
        HttpStreamOptions o = fastOptions();
        o.retry.maxAttempts = 4;
        o.retry.baseDelayMs = 40;
        o.random = [] { return 0.5; };
        const Run run = runStream(server_.baseUrl() + "/x", o);
        QCOMPARE(run.result->attempts, 4);
        QCOMPARE(run.retryDelays, (QVector<int>{20, 40, 80}));  // 0.5 * 40 * 2^n
    }

    void droppedBeforeAnyByteIsRetried() {
        FakeResponse drop;
        drop.dropBeforeHead = true;
        server_.enqueue(drop);
        server_.enqueue(streamed("data: fine\n\n", 4));
        const Run run = runStream(server_.baseUrl() + "/x");
        QVERIFY2(run.result->ok(), qPrintable(run.result->message));
        QCOMPARE(run.body, QByteArray("data: fine\n\n"));
        // Qt's HTTP channel itself resends a request whose connection closed before any
        // response byte, so the second request may come from Qt or from our retry.
        QCOMPARE(server_.requests().size(), 2);
        QVERIFY(run.result->attempts <= 2);
    }

    void droppedAfterDataIsNotRetried() {
        FakeResponse r = streamed("data: partial\n\ndata: more\n\n", 8, 20);
        r.end = FakeResponse::End::Drop;
        server_.enqueue(r);
        server_.enqueue(streamed("data: should never be fetched\n\n", 4));
        const Run run = runStream(server_.baseUrl() + "/x");
        QCOMPARE(run.result->outcome, HttpResult::Outcome::NetworkError);
        QVERIFY(run.result->bodyDelivered);
        QCOMPARE(run.result->attempts, 1);
        QCOMPARE(server_.requests().size(), 1);
        QVERIFY(QByteArray("data: partial\n\ndata: more\n\n").startsWith(run.body));
        QVERIFY(!run.body.isEmpty());
    }

    void stallPastIdleTimeoutEndsTheStream() {
        FakeResponse r = streamed("data: a\n\n", 100);
        r.end = FakeResponse::End::Stall;
        server_.enqueue(r);
        HttpStreamOptions o = fastOptions();
        o.timeouts.idleMs = 300;
        const Run run = runStream(server_.baseUrl() + "/x", o);
        QCOMPARE(run.result->outcome, HttpResult::Outcome::IdleTimeout);
        QCOMPARE(run.body, QByteArray("data: a\n\n"));
        QVERIFY2(run.result->message.contains("stalled"), qPrintable(run.result->message));
        QVERIFY2(run.elapsedMs >= 280 && run.elapsedMs < 3000,
                 qPrintable(QString::number(run.elapsedMs)));
        QTRY_COMPARE(server_.openConnections(), 0);  // the client closed it
    }

    void slowFirstByteTimesOutWithoutRetry() {
        FakeResponse r = streamed("data: late\n\n", 100);
        r.firstDelayMs = 3000;
        server_.enqueue(r);
        HttpStreamOptions o = fastOptions();
        o.timeouts.firstByteMs = 300;
        const Run run = runStream(server_.baseUrl() + "/x", o);
        QCOMPARE(run.result->outcome, HttpResult::Outcome::FirstByteTimeout);
        QCOMPARE(run.result->attempts, 1);
        QVERIFY(run.elapsedMs < 2000);
    }

    void cancelClosesTheConnectionAtOnce() {
        FakeResponse r = streamed(QByteArray(200, 'x'), 10, 50);
        server_.enqueue(r);
        const int disconnectsBefore = server_.disconnectsSeen();
        const Run run =
            runStream(server_.baseUrl() + "/x", fastOptions(), [](HttpStream& stream, Run& run) {
                if (run.chunks == 2) stream.cancel();
            });
        QCOMPARE(run.result->outcome, HttpResult::Outcome::Cancelled);
        QCOMPARE(run.chunks, 2);
        QTRY_COMPARE_WITH_TIMEOUT(server_.disconnectsSeen(), disconnectsBefore + 1, 1000);
        QVERIFY(run.elapsedMs < 1000);
    }

    void refusedConnectionIsRetriedThenReported() {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 closedPort = probe.serverPort();
        probe.close();
        const Run run = runStream(QStringLiteral("http://127.0.0.1:%1/x").arg(closedPort));
        QCOMPARE(run.result->outcome, HttpResult::Outcome::NetworkError);
        QCOMPARE(run.result->attempts, 3);
        QVERIFY2(run.result->message.contains("refused", Qt::CaseInsensitive),
                 qPrintable(run.result->message));
    }

    void retryAfterParsesSecondsAndDates() {
        const QDateTime now = QDateTime(QDate(2015, 10, 21), QTime(7, 28, 0), Qt::UTC);
        QCOMPARE(HttpStream::retryAfterMs("2", now), 2000);
        QCOMPARE(HttpStream::retryAfterMs(" 0 ", now), 0);
        QCOMPARE(HttpStream::retryAfterMs("Wed, 21 Oct 2015 07:28:30 GMT", now), 30000);
        QCOMPARE(HttpStream::retryAfterMs("Wed, 21 Oct 2015 07:27:00 GMT", now), 0);  // past
        QCOMPARE(HttpStream::retryAfterMs("", now), -1);
        QCOMPARE(HttpStream::retryAfterMs("soon", now), -1);
        QCOMPARE(HttpStream::retryAfterMs("-5", now), -1);
    }

    void retryAfterBeyondTheCapIsReportedNotAwaited() {
        server_.enqueue(FakeResponse::json(429, "{}", {{"Retry-After", "3600"}}));
        const Run run = runStream(server_.baseUrl() + "/x");
        QCOMPARE(run.result->outcome, HttpResult::Outcome::HttpError);
        QCOMPARE(run.result->status, 429);
        QCOMPARE(run.result->attempts, 1);
        QVERIFY(run.elapsedMs < 2000);
    }
};

QTEST_GUILESS_MAIN(HttpStreamTest)
#include "test_http_stream.moc"
