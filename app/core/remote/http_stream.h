#pragma once
// HttpStream: one streaming HTTP request on QNetworkAccessManager, as every remote target
// needs it (OpenAI-compatible SSE, SageMaker event streams):
//   - three timeouts: connect (until the request is on the wire), first byte (until the first
//     body byte, so a slow prefill is not mistaken for a stalled stream) and idle (between
//     body bytes). Defaults follow the remote-endpoints briefing §7.1.
//   - retries with capped exponential backoff and full jitter for throttling (429), 5xx and
//     socket failures, only while nothing of the body has been delivered; `Retry-After`
//     (seconds or an HTTP date) replaces the computed delay when present.
//   - cancel() aborts the connection at once.
//   - body bytes are delivered as they arrive (bodyBytes), only for a 2xx response; an error
//     response's body is collected and reported with its status in finished().
//
// Lives on, and signals on, the thread that created it. Time is injectable through
// HttpStreamOptions (timeouts in ms, the jitter source, the sleep used between attempts) so
// tests can run the timeout and retry paths in milliseconds.
#include <QByteArray>
#include <QList>
#include <QNetworkReply>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <functional>

class QNetworkAccessManager;

namespace hearth::remote {

using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

struct HttpTimeouts {
    int connectMs = 10'000;    // TCP (+TLS) connect and sending the request
    int firstByteMs = 70'000;  // request sent -> first body byte (SageMaker: 70 s socket timeout)
    int idleMs = 120'000;      // between body bytes once the stream is flowing
};

struct RetryPolicy {
    int maxAttempts = 3;  // total tries, the first included (AWS "standard" mode)
    int baseDelayMs = 100;
    int throttleBaseDelayMs = 500;  // for 429
    int maxDelayMs = 20'000;
    int maxRetryAfterMs = 60'000;  // a server asking for longer is reported, not waited for
};

struct HttpStreamOptions {
    HttpTimeouts timeouts;
    RetryPolicy retry;
    // Returns a number in [0, 1) for the jitter; default: QRandomGenerator.
    std::function<double()> random;
    // Decides whether an error response is worth another try (default: 429, 500, 502, 503,
    // 504, 530). A target can widen it, e.g. SageMaker ModelError wrapping a 429.
    std::function<bool(int status, const QByteArray& body)> retryableStatus;
    // Same decision with the response headers too (AWS puts the error code in
    // X-Amzn-ErrorType, e.g. a ThrottlingException answered with HTTP 400); used instead of
    // retryableStatus when set.
    std::function<bool(int status, const HttpHeaders& headers, const QByteArray& body)>
        retryableResponse;
};

struct HttpRequestSpec {
    QByteArray method = "POST";
    QUrl url;
    HttpHeaders headers;
    QByteArray body;
    // Called before every attempt to (re)build headers, e.g. a SigV4 signature with a fresh
    // date. May be empty.
    std::function<void(HttpRequestSpec&)> prepare;
};

struct HttpResult {
    enum class Outcome {
        Ok,         // 2xx and the body ended normally
        HttpError,  // non-2xx status (after retries); errorBody holds the body
        ConnectTimeout,
        FirstByteTimeout,
        IdleTimeout,
        NetworkError,  // refused, reset, closed mid-stream, DNS, TLS ...
        Cancelled,
    };
    Outcome outcome = Outcome::Ok;
    int status = 0;
    HttpHeaders responseHeaders;
    QByteArray errorBody;        // HttpError only (capped at 64 KiB)
    QString message;             // one line for a human; empty for Ok
    bool bodyDelivered = false;  // some body bytes went to bodyBytes before the end
    int attempts = 0;

    bool ok() const { return outcome == Outcome::Ok; }
};

class HttpStream : public QObject {
    Q_OBJECT
public:
    // `network` may be null: the stream then owns a manager of its own.
    HttpStream(HttpRequestSpec spec, HttpStreamOptions options,
               QNetworkAccessManager* network = nullptr, QObject* parent = nullptr);
    ~HttpStream() override;

    void start();
    void cancel();  // idempotent; finished(Cancelled) follows synchronously if still running
    bool isRunning() const { return running_; }

    // The value of a response header (case-insensitive), from the last attempt.
    static QByteArray header(const HttpHeaders& headers, const QByteArray& name);
    // "Retry-After: 2" or an HTTP date -> milliseconds from now; -1 when absent or unreadable.
    static int retryAfterMs(const QByteArray& value, const QDateTime& now);
    // The default set of retryable statuses.
    static bool defaultRetryableStatus(int status);

Q_SIGNALS:
    void responseStarted(int status, const hearth::remote::HttpHeaders& headers);  // 2xx only
    void bodyBytes(const QByteArray& chunk);
    void retrying(int nextAttempt, int delayMs, const QString& reason);
    void finished(const hearth::remote::HttpResult& result);  // exactly once

private:
    enum class Phase { Idle, Connecting, WaitingFirstByte, Streaming, Backoff, Done };

    void startAttempt();
    void onMetaData();
    void onReadyRead();
    void onReplyFinished();
    void onTimeout();
    void armTimer(int ms);
    void finish(HttpResult::Outcome outcome, const QString& message);
    bool scheduleRetry(const QString& reason, int retryAfter, bool throttled);
    void dropReply();

    HttpRequestSpec spec_;
    HttpStreamOptions options_;
    QNetworkAccessManager* network_ = nullptr;
    QPointer<QNetworkReply> reply_;
    QTimer timer_;
    Phase phase_ = Phase::Idle;
    bool running_ = false;
    int attempt_ = 0;
    int status_ = 0;
    bool success_ = false;  // the current attempt's status is 2xx
    HttpResult result_;
};

}  // namespace hearth::remote

Q_DECLARE_METATYPE(hearth::remote::HttpResult)
