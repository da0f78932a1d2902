#include "core/remote/aws/sagemaker_target.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>

#include "core/remote/aws/sagemaker_stream.h"
#include "core/remote/aws/sigv4.h"

namespace hearth::remote::aws {
namespace {

// Everything one job accumulates; shared by the Job handle and the stream's callbacks.
struct JobState {
    QPointer<QObject> target;  // queued onFinished is delivered in its context
    Sink sink;
    GenerationRequest request;
    SageMakerAddress address;
    SageMakerOptions options;
    AwsSettings settings;
    bool streaming = true;  // InvokeEndpointWithResponseStream (else InvokeEndpoint)
    bool fellBack = false;

    QPointer<HttpStream> http;
    std::optional<ResponseStreamDecoder> decoder;  // made when the response starts

    QElapsedTimer clock;
    double firstPieceMs = -1;
    int pieces = 0;
    bool sawFinal = false;
    FinishReason finish = FinishReason::stop;
    std::optional<int> promptTokens, completionTokens;
    QString fatal;                  // a stream failure that ended the job (connection then aborted)
    bool fatalIsTransient = false;  // InternalStreamFailure: worth asking again
    int streamRetries = 0;
    bool ended = false;  // nothing more is delivered
    bool cancelRequested = false;
};

void begin(const std::shared_ptr<JobState>& state);

void deliver(const std::shared_ptr<JobState>& state, const GenerationStats& stats) {
    state->ended = true;
    if (!state->target) return;
    // Queued, so a cancel() from inside a caller's callback never re-enters it.
    QTimer::singleShot(0, state->target, [state, stats] {
        if (state->sink.onFinished) state->sink.onFinished(stats);
    });
}

GenerationStats baseStats(const JobState& s) {
    GenerationStats stats;
    const double endMs = double(s.clock.nsecsElapsed()) / 1e6;
    stats.prompt_tokens = s.promptTokens.value_or(0);
    stats.completion_tokens = s.completionTokens.value_or(s.pieces);
    if (s.firstPieceMs >= 0) {
        stats.time_to_first_token_ms = s.firstPieceMs;
        stats.prompt_ms = s.firstPieceMs;
        stats.generation_ms = endMs - s.firstPieceMs;
        if (stats.generation_ms > 0 && stats.completion_tokens > 1)
            stats.tokens_per_s = (stats.completion_tokens - 1) / (stats.generation_ms / 1000);
        if (stats.prompt_tokens > 0 && s.firstPieceMs > 0)
            stats.prompt_tokens_per_s = stats.prompt_tokens / (s.firstPieceMs / 1000);
    }
    return stats;
}

void failJob(const std::shared_ptr<JobState>& state, const QString& message) {
    GenerationStats stats = baseStats(*state);
    stats.finish = FinishReason::error;
    stats.error = message.toStdString();
    stats.interrupted = state->pieces > 0;
    deliver(state, stats);
}

// Ends the stream from inside its own callbacks: the connection is aborted and the job
// reports `message` (HttpStream's Cancelled outcome is translated in onFinished).
void abortWith(const std::shared_ptr<JobState>& state, const QString& message) {
    if (state->fatal.isEmpty()) state->fatal = message;
    if (state->http) state->http->cancel();
}

// Delivers one container event; returns false when the job must not go on (ended, or a
// failure was recorded and the connection is being aborted).
bool handleEvent(const std::shared_ptr<JobState>& state, const ContainerEvent& e) {
    if (state->ended || !state->fatal.isEmpty()) return false;
    if (!e.error.isEmpty()) {
        abortWith(state, QStringLiteral("the model reported an error mid-stream: ") + e.error);
        return false;
    }
    if (e.promptTokens) state->promptTokens = e.promptTokens;
    if (e.completionTokens) state->completionTokens = e.completionTokens;
    if (e.final) {
        state->sawFinal = true;
        state->finish = e.finish;
    }
    if (!e.text.isEmpty()) {
        if (state->firstPieceMs < 0)
            state->firstPieceMs = double(state->clock.nsecsElapsed()) / 1e6;
        ++state->pieces;
        if (state->sink.onPiece) state->sink.onPiece(e.text);  // may cancel the job
    }
    return !state->ended;
}

void onBytes(const std::shared_ptr<JobState>& state, const QByteArray& bytes) {
    if (state->ended || !state->fatal.isEmpty() || !state->decoder) return;
    for (const ContainerEvent& e : state->decoder->feed(bytes))
        if (!handleEvent(state, e)) return;
    if (state->decoder->failed()) {
        state->fatalIsTransient = state->decoder->failureIsTransient();
        abortWith(state, state->decoder->error());
    }
}

bool looksLikeStreamingUnsupported(const AwsError& e) {
    return (e.code == u"ValidationError" || e.code == u"ValidationException") &&
           e.message.contains(QLatin1String("stream"), Qt::CaseInsensitive);
}

void onFinished(const std::shared_ptr<JobState>& state, const HttpResult& result) {
    if (state->http) state->http->deleteLater();
    state->http = nullptr;
    if (state->ended) return;
    // SageMaker asks for a retry after an InternalStreamFailure; safe while no text was shown
    // (never re-issue a generation the user has partly seen), within the retry budget.
    if (!state->fatal.isEmpty() && state->fatalIsTransient && state->pieces == 0 &&
        state->streamRetries + 1 < state->options.retry.maxAttempts) {
        ++state->streamRetries;
        state->fatal.clear();
        state->fatalIsTransient = false;
        state->sawFinal = false;
        state->promptTokens.reset();
        state->completionTokens.reset();
        return begin(state);
    }
    if (!state->fatal.isEmpty()) return failJob(state, state->fatal);

    switch (result.outcome) {
        case HttpResult::Outcome::Cancelled: {
            GenerationStats stats = baseStats(*state);
            stats.finish = FinishReason::cancelled;
            return deliver(state, stats);
        }
        case HttpResult::Outcome::HttpError: {
            const AwsError e =
                parseAwsError(result.status, result.responseHeaders, result.errorBody);
            if (state->streaming && !state->fellBack && looksLikeStreamingUnsupported(e)) {
                state->fellBack = true;
                state->streaming = false;
                return begin(state);
            }
            QString message = describeAwsError(e, state->settings.credentials.accessKeyId,
                                               state->settings.credentials.source);
            if (result.attempts > 1)
                message += QStringLiteral(" (after %1 attempts)").arg(result.attempts);
            return failJob(state, message);
        }
        case HttpResult::Outcome::Ok:
            break;
        default:
            return failJob(state, result.message);
    }

    if (!state->decoder)
        return failJob(state, QStringLiteral("the endpoint answered without a body"));
    for (const ContainerEvent& e : state->decoder->finish())
        if (!handleEvent(state, e)) break;
    if (state->decoder->failed() && state->fatal.isEmpty()) state->fatal = state->decoder->error();
    if (state->ended) return;
    if (!state->fatal.isEmpty()) return failJob(state, state->fatal);
    if (!state->sawFinal)
        return failJob(state, QStringLiteral("the stream ended before the reply was complete"));
    GenerationStats stats = baseStats(*state);
    stats.finish = state->finish;
    deliver(state, stats);
}

QByteArray hostHeader(const QUrl& url) {
    QByteArray host = url.host(QUrl::FullyEncoded).toUtf8();
    if (url.port() != -1) host += ':' + QByteArray::number(url.port());
    return host;
}

void begin(const std::shared_ptr<JobState>& state) {
    state->decoder.reset();

    HttpRequestSpec spec;
    spec.url = state->settings.endpoint;
    spec.url.setPath(spec.url.path() + QStringLiteral("/endpoints/") + state->address.endpointName +
                     (state->streaming ? QStringLiteral("/invocations-response-stream")
                                       : QStringLiteral("/invocations")));
    spec.body =
        requestBody(state->address.format, state->request, state->address.model, state->streaming);
    HttpHeaders base = {{"Host", hostHeader(spec.url)}, {"Content-Type", "application/json"}};
    base.append({QByteArray(state->streaming ? "X-Amzn-SageMaker-Accept" : "Accept"),
                 QByteArray("application/json")});
    if (!state->address.component.isEmpty())
        base.append({"X-Amzn-SageMaker-Inference-Component", state->address.component.toUtf8()});
    if (!state->address.variant.isEmpty())
        base.append({"X-Amzn-SageMaker-Target-Variant", state->address.variant.toUtf8()});
    const AwsSettings settings = state->settings;
    // Signed again before every attempt, so a retry carries a fresh X-Amz-Date.
    spec.prepare = [base, settings](HttpRequestSpec& s) {
        SigningRequest r;
        r.method = s.method;
        r.path = s.url.path(QUrl::FullyEncoded).toUtf8();
        r.query = s.url.query(QUrl::FullyEncoded).toUtf8();
        r.headers = base;
        r.body = s.body;
        SigningParams p;
        p.region = settings.region;
        p.service = QStringLiteral("sagemaker");
        p.time = QDateTime::currentDateTimeUtc();
        s.headers = base + signWithHeaders(r, settings.credentials, p).addedHeaders;
    };

    HttpStreamOptions http;
    http.timeouts = state->options.timeouts;
    http.retry = state->options.retry;
    http.random = state->options.random;
    http.retryableResponse = [](int status, const HttpHeaders& headers, const QByteArray& body) {
        return isRetryable(parseAwsError(status, headers, body));
    };
    auto* stream = new HttpStream(spec, http, nullptr, state->target);
    state->http = stream;
    QObject::connect(
        stream, &HttpStream::responseStarted, stream, [state](int, const HttpHeaders& headers) {
            const QByteArray type = HttpStream::header(headers, "Content-Type").trimmed().toLower();
            using Framing = ResponseStreamDecoder::Framing;
            Framing framing = Framing::Lines;
            if (type.startsWith("application/vnd.amazon.eventstream"))
                framing = Framing::EventStream;
            else if (!state->streaming || type.startsWith("application/json"))
                framing = Framing::WholeJson;
            state->decoder.emplace(state->address.format, framing);
        });
    QObject::connect(stream, &HttpStream::bodyBytes, stream,
                     [state](const QByteArray& bytes) { onBytes(state, bytes); });
    QObject::connect(stream, &HttpStream::finished, stream,
                     [state](const HttpResult& result) { onFinished(state, result); });
    if (state->cancelRequested) {
        GenerationStats stats = baseStats(*state);
        stats.finish = FinishReason::cancelled;
        stream->deleteLater();
        state->http = nullptr;
        return deliver(state, stats);
    }
    stream->start();
}

class SageMakerJob : public Job {
public:
    explicit SageMakerJob(std::shared_ptr<JobState> state) : state_(std::move(state)) {}
    void cancel() override {
        state_->cancelRequested = true;
        if (state_->http) state_->http->cancel();
    }

private:
    std::shared_ptr<JobState> state_;
};

}  // namespace

SageMakerTarget::SageMakerTarget(const QString& address, SageMakerAddress parsed,
                                 SageMakerOptions options, QObject* parent)
    : QObject(parent),
      address_(address),
      parsed_(std::move(parsed)),
      options_(std::move(options)) {}

QString SageMakerTarget::displayName() const {
    static const char* const kFormats[] = {"tgi", "lmi", "openai"};
    QString name = parsed_.endpointName;
    if (!parsed_.component.isEmpty()) name += u'/' + parsed_.component;
    return QStringLiteral("%1 (SageMaker %2%3)")
        .arg(name, QString::fromLatin1(kFormats[int(parsed_.format)]),
             parsed_.region.isEmpty() ? QString() : QStringLiteral(", ") + parsed_.region);
}

std::shared_ptr<Job> SageMakerTarget::start(const GenerationRequest& request, Sink sink) {
    auto state = std::make_shared<JobState>();
    state->target = this;
    state->sink = std::move(sink);
    state->request = request;
    state->address = parsed_;
    state->options = options_;
    state->streaming = parsed_.stream;
    state->clock.start();
    state->settings = resolveSageMakerSettings(
        parsed_.region, options_.environment ? options_.environment() : systemEnvironment());
    if (!state->settings.ok())
        failJob(state, state->settings.error);
    else
        begin(state);
    return std::make_shared<SageMakerJob>(state);
}

}  // namespace hearth::remote::aws
