#include "core/remote/http_stream.h"

#include <QDateTime>
#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <algorithm>
#include <cmath>

namespace hearth::remote {
namespace {

constexpr qsizetype kMaxErrorBody = 64 * 1024;

bool isLoopbackHost(const QString& host) {
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0) return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

// Socket-level failures with no HTTP response: worth another try (briefing §7.2). DNS and
// TLS failures are not: they will fail the same way again.
bool retryableNetworkError(QNetworkReply::NetworkError error) {
    switch (error) {
        case QNetworkReply::ConnectionRefusedError:
        case QNetworkReply::RemoteHostClosedError:
        case QNetworkReply::TimeoutError:
        case QNetworkReply::TemporaryNetworkFailureError:
        case QNetworkReply::NetworkSessionFailedError:
        case QNetworkReply::UnknownNetworkError:
        case QNetworkReply::ProxyConnectionClosedError:
            return true;
        default:
            return false;
    }
}

QString oneLine(const QByteArray& body) {
    QString text = QString::fromUtf8(body.left(400)).simplified();
    if (body.size() > 400) text += QStringLiteral("…");
    return text;
}

}  // namespace

HttpStream::HttpStream(HttpRequestSpec spec, HttpStreamOptions options,
                       QNetworkAccessManager* network, QObject* parent)
    : QObject(parent), spec_(std::move(spec)), options_(std::move(options)), network_(network) {
    static const bool registered = [] {
        qRegisterMetaType<HttpResult>();
        qRegisterMetaType<HttpHeaders>("hearth::remote::HttpHeaders");
        return true;
    }();
    Q_UNUSED(registered);
    if (!network_) {
        network_ = new QNetworkAccessManager(this);
        // A desktop user's proxy applies to remote hosts, never to loopback (tests, local
        // servers, emulators).
        if (isLoopbackHost(spec_.url.host()))
            network_->setProxy(QNetworkProxy::NoProxy);
        else
            QNetworkProxyFactory::setUseSystemConfiguration(true);
    }
    if (!options_.random)
        options_.random = [] { return QRandomGenerator::global()->generateDouble(); };
    if (!options_.retryableStatus)
        options_.retryableStatus = [](int status, const QByteArray&) {
            return defaultRetryableStatus(status);
        };
    timer_.setSingleShot(true);
    connect(&timer_, &QTimer::timeout, this, &HttpStream::onTimeout);
}

HttpStream::~HttpStream() {
    running_ = false;
    dropReply();
}

bool HttpStream::defaultRetryableStatus(int status) {
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504 ||
           status == 530;
}

QByteArray HttpStream::header(const HttpHeaders& headers, const QByteArray& name) {
    for (const auto& [key, value] : headers)
        if (key.compare(name, Qt::CaseInsensitive) == 0) return value;
    return {};
}

int HttpStream::retryAfterMs(const QByteArray& value, const QDateTime& now) {
    const QByteArray text = value.trimmed();
    if (text.isEmpty()) return -1;
    bool ok = false;
    const double seconds = text.toDouble(&ok);
    if (ok) return seconds < 0 ? -1 : int(std::min(seconds * 1000.0, 24.0 * 3600 * 1000));
    // HTTP-date, e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
    QString date = QString::fromLatin1(text);
    date.replace(QLatin1String(" GMT"), QLatin1String(" +0000"));
    const QDateTime when = QDateTime::fromString(date, Qt::RFC2822Date);
    if (!when.isValid()) return -1;
    return int(std::clamp<qint64>(now.msecsTo(when), 0, 24LL * 3600 * 1000));
}

void HttpStream::start() {
    if (running_ || phase_ == Phase::Done) return;
    running_ = true;
    startAttempt();
}

void HttpStream::cancel() {
    if (!running_) return;
    finish(HttpResult::Outcome::Cancelled, QStringLiteral("cancelled"));
}

void HttpStream::armTimer(int ms) {
    if (ms > 0)
        timer_.start(ms);
    else
        timer_.stop();
}

void HttpStream::startAttempt() {
    ++attempt_;
    status_ = 0;
    success_ = false;
    result_.errorBody.clear();
    result_.responseHeaders.clear();

    HttpRequestSpec spec = spec_;
    if (spec.prepare) spec.prepare(spec);
    QNetworkRequest request(spec.url);
    bool hasEncoding = false;
    for (const auto& [name, value] : spec.headers) {
        request.setRawHeader(name, value);
        hasEncoding |= name.compare("Accept-Encoding", Qt::CaseInsensitive) == 0;
    }
    // Qt would ask for gzip and inflate it; a compressed event stream can sit in a buffer.
    if (!hasEncoding) request.setRawHeader("Accept-Encoding", "identity");
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);

    reply_ = network_->sendCustomRequest(request, spec.method, spec.body);
    phase_ = Phase::Connecting;
    armTimer(options_.timeouts.connectMs);
    connect(reply_, &QNetworkReply::requestSent, this, [this] {
        if (phase_ == Phase::Connecting) {
            phase_ = Phase::WaitingFirstByte;
            armTimer(options_.timeouts.firstByteMs);
        }
    });
    connect(reply_, &QNetworkReply::metaDataChanged, this, &HttpStream::onMetaData);
    connect(reply_, &QNetworkReply::readyRead, this, &HttpStream::onReadyRead);
    connect(reply_, &QNetworkReply::finished, this, &HttpStream::onReplyFinished);
}

void HttpStream::onMetaData() {
    if (!reply_) return;
    const QVariant status = reply_->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!status.isValid() || status_ != 0) return;
    status_ = status.toInt();
    result_.status = status_;
    for (const auto& pair : reply_->rawHeaderPairs())
        result_.responseHeaders.push_back(pair);
    if (phase_ == Phase::Connecting) {
        phase_ = Phase::WaitingFirstByte;
        armTimer(options_.timeouts.firstByteMs);
    }
    success_ = status_ >= 200 && status_ < 300;
    if (success_) Q_EMIT responseStarted(status_, result_.responseHeaders);
}

void HttpStream::onReadyRead() {
    if (!reply_) return;
    if (status_ == 0) onMetaData();
    const QByteArray chunk = reply_->readAll();
    if (chunk.isEmpty()) return;
    phase_ = Phase::Streaming;
    armTimer(options_.timeouts.idleMs);
    if (!success_) {
        if (result_.errorBody.size() < kMaxErrorBody)
            result_.errorBody += chunk.left(kMaxErrorBody - result_.errorBody.size());
        return;
    }
    result_.bodyDelivered = true;
    Q_EMIT bodyBytes(chunk);  // the receiver may cancel() from here
}

void HttpStream::onReplyFinished() {
    if (!reply_ || !running_) return;
    timer_.stop();
    if (status_ == 0) onMetaData();
    QPointer<HttpStream> self(this);
    onReadyRead();
    if (!self || !running_ || !reply_) return;

    const QNetworkReply::NetworkError error = reply_->error();
    const QString errorText = reply_->errorString();
    if (status_ != 0 && success_) {
        if (error == QNetworkReply::NoError) {
            finish(HttpResult::Outcome::Ok, QString());
        } else if (!result_.bodyDelivered && retryableNetworkError(error)) {
            if (!scheduleRetry(errorText, -1, false))
                finish(HttpResult::Outcome::NetworkError, errorText);
        } else {
            finish(HttpResult::Outcome::NetworkError,
                   QStringLiteral("connection lost mid-response: %1").arg(errorText));
        }
        return;
    }
    if (status_ != 0) {
        const QString reason =
            reply_->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        QString message = QStringLiteral("HTTP %1").arg(status_);
        if (!reason.isEmpty()) message += QLatin1Char(' ') + reason;
        if (!result_.errorBody.isEmpty())
            message += QStringLiteral(": ") + oneLine(result_.errorBody);
        const bool retryable =
            options_.retryableResponse
                ? options_.retryableResponse(status_, result_.responseHeaders, result_.errorBody)
                : options_.retryableStatus(status_, result_.errorBody);
        if (retryable) {
            const int after = retryAfterMs(header(result_.responseHeaders, "Retry-After"),
                                           QDateTime::currentDateTimeUtc());
            if (scheduleRetry(message, after, status_ == 429)) return;
        }
        finish(HttpResult::Outcome::HttpError, message);
        return;
    }
    if (retryableNetworkError(error) && scheduleRetry(errorText, -1, false)) return;
    finish(HttpResult::Outcome::NetworkError,
           QStringLiteral("cannot reach %1: %2").arg(spec_.url.authority(), errorText));
}

void HttpStream::onTimeout() {
    if (!running_) return;
    const auto seconds = [](int ms) { return QString::number(ms / 1000.0, 'g', 3); };
    switch (phase_) {
        case Phase::Backoff:
            startAttempt();
            return;
        case Phase::Connecting: {
            const QString message =
                QStringLiteral("could not connect to %1 within %2 s")
                    .arg(spec_.url.authority(), seconds(options_.timeouts.connectMs));
            if (!scheduleRetry(message, -1, false))
                finish(HttpResult::Outcome::ConnectTimeout, message);
            return;
        }
        case Phase::WaitingFirstByte:
            // Not retried: the server may still be generating, and a second request would
            // queue behind the first.
            finish(HttpResult::Outcome::FirstByteTimeout,
                   QStringLiteral("no response from %1 within %2 s")
                       .arg(spec_.url.authority(), seconds(options_.timeouts.firstByteMs)));
            return;
        case Phase::Streaming:
            finish(HttpResult::Outcome::IdleTimeout,
                   QStringLiteral("the stream from %1 stalled: nothing received for %2 s")
                       .arg(spec_.url.authority(), seconds(options_.timeouts.idleMs)));
            return;
        case Phase::Idle:
        case Phase::Done:
            return;
    }
}

bool HttpStream::scheduleRetry(const QString& reason, int retryAfter, bool throttled) {
    if (result_.bodyDelivered || attempt_ >= options_.retry.maxAttempts) return false;
    int delay = 0;
    if (retryAfter >= 0) {
        if (retryAfter > options_.retry.maxRetryAfterMs) return false;
        delay = retryAfter;
    } else {
        const RetryPolicy& r = options_.retry;
        const double base = throttled ? r.throttleBaseDelayMs : r.baseDelayMs;
        const double cap = std::min<double>(r.maxDelayMs, base * std::ldexp(1.0, attempt_ - 1));
        delay = int(std::clamp(options_.random(), 0.0, 1.0) * cap);
    }
    dropReply();
    phase_ = Phase::Backoff;
    armTimer(std::max(delay, 1));
    Q_EMIT retrying(attempt_ + 1, delay, reason);
    return true;
}

void HttpStream::dropReply() {
    if (!reply_) return;
    QNetworkReply* reply = reply_;
    reply_ = nullptr;
    disconnect(reply, nullptr, this, nullptr);
    if (reply->isRunning()) reply->abort();
    reply->deleteLater();
}

void HttpStream::finish(HttpResult::Outcome outcome, const QString& message) {
    timer_.stop();
    dropReply();
    running_ = false;
    phase_ = Phase::Done;
    result_.outcome = outcome;
    result_.message = message;
    result_.attempts = attempt_;
    if (outcome != HttpResult::Outcome::HttpError) result_.errorBody.clear();
    Q_EMIT finished(result_);
}

}  // namespace hearth::remote
