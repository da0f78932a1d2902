#include "core/remote/openai_target.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>
#include <QUrlQuery>

#include "core/remote/event_line_decoder.h"
#include "core/remote/openai_protocol.h"

namespace hearth::remote {
namespace {

constexpr qsizetype kMaxJsonBody = 16 * 1024 * 1024;

class StreamJob : public Job {
public:
    explicit StreamJob(HttpStream* stream) : stream_(stream) {}
    void cancel() override {
        if (stream_) stream_->cancel();
    }

private:
    QPointer<HttpStream> stream_;
};

// Everything one job accumulates while its stream runs (lives in the stream's lambdas).
struct JobState {
    Sink sink;
    EventLineDecoder decoder;
    QElapsedTimer clock;
    double firstPieceMs = -1;
    bool wholeJson = false;  // the server answered application/json instead of a stream
    QByteArray jsonBody;
    bool sawDone = false;
    QString finishReason, streamError;
    std::optional<int> promptTokens, completionTokens;
    int contentEvents = 0;
    bool deliveredText = false;
    bool ended = false;  // finished (or cancelled from a piece callback): deliver nothing more

    void handle(const QByteArray& data) {
        if (ended) return;
        const openai::StreamEvent event = openai::parseStreamEvent(data);
        if (event.done) sawDone = true;
        if (!event.error.isEmpty()) streamError = event.error;
        if (!event.finishReason.isEmpty()) finishReason = event.finishReason;
        if (event.promptTokens) promptTokens = event.promptTokens;
        if (event.completionTokens) completionTokens = event.completionTokens;
        if (event.content.isEmpty()) return;
        if (firstPieceMs < 0) firstPieceMs = double(clock.nsecsElapsed()) / 1e6;
        ++contentEvents;
        deliveredText = true;
        if (sink.onPiece) sink.onPiece(event.content);
    }

    GenerationStats stats(const HttpResult& result) {
        GenerationStats stats;
        const double endMs = double(clock.nsecsElapsed()) / 1e6;
        stats.prompt_tokens = promptTokens.value_or(0);
        stats.completion_tokens = completionTokens.value_or(contentEvents);
        if (firstPieceMs >= 0) {
            stats.time_to_first_token_ms = firstPieceMs;
            stats.prompt_ms = firstPieceMs;
            stats.generation_ms = endMs - firstPieceMs;
            if (stats.generation_ms > 0 && stats.completion_tokens > 1)
                stats.tokens_per_s = (stats.completion_tokens - 1) / (stats.generation_ms / 1000);
            if (stats.prompt_tokens > 0 && firstPieceMs > 0)
                stats.prompt_tokens_per_s = stats.prompt_tokens / (firstPieceMs / 1000);
        }
        const auto fail = [&](const QString& message) {
            stats.finish = FinishReason::error;
            stats.error = message.toStdString();
            stats.interrupted = deliveredText;
        };
        switch (result.outcome) {
            case HttpResult::Outcome::Cancelled:
                stats.finish = FinishReason::cancelled;
                break;
            case HttpResult::Outcome::HttpError:
                fail(openai::describeHttpError(result.status, result.errorBody));
                break;
            case HttpResult::Outcome::Ok:
                if (!streamError.isEmpty())
                    fail(QStringLiteral("the server reported an error mid-stream: ") + streamError);
                else if (!sawDone && finishReason.isEmpty())
                    fail(QStringLiteral("the stream ended before the reply was complete"));
                else
                    stats.finish = openai::finishReasonFromName(finishReason);
                break;
            default:
                fail(result.message);
        }
        return stats;
    }
};

}  // namespace

std::optional<OpenAIAddress> OpenAIAddress::parse(const QString& address, QString* error) {
    const QString prefix = QStringLiteral("openai+");
    if (!address.startsWith(prefix)) {
        *error = QStringLiteral("not an openai+http(s):// address: %1").arg(address);
        return std::nullopt;
    }
    const QUrl url(address.mid(prefix.size()), QUrl::StrictMode);
    if (!url.isValid() ||
        (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) ||
        url.host().isEmpty()) {
        *error =
            QStringLiteral("bad address '%1' (expected openai+http(s)://HOST[:PORT]/v1?model=NAME)")
                .arg(address);
        return std::nullopt;
    }
    OpenAIAddress parsed;
    parsed.model = QUrlQuery(url).queryItemValue(QStringLiteral("model"), QUrl::FullyDecoded);
    parsed.baseUrl =
        url.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::StripTrailingSlash);
    if (parsed.baseUrl.path().isEmpty()) parsed.baseUrl.setPath(QStringLiteral("/v1"));
    return parsed;
}

OpenAITarget::OpenAITarget(const QString& address, OpenAIAddress parsed,
                           RemoteTargetOptions options, QObject* parent)
    : QObject(parent), address_(address), parsed_(std::move(parsed)), options_(std::move(options)) {
    if (options_.apiKey.isEmpty()) options_.apiKey = qEnvironmentVariable("OPENAI_API_KEY");
}

QString OpenAITarget::displayName() const {
    const QString host =
        parsed_.baseUrl.host() + (parsed_.baseUrl.port() > 0
                                      ? QLatin1Char(':') + QString::number(parsed_.baseUrl.port())
                                      : QString());
    return parsed_.model.isEmpty() ? host : parsed_.model + QStringLiteral(" @ ") + host;
}

std::shared_ptr<Job> OpenAITarget::start(const GenerationRequest& request, Sink sink) {
    HttpRequestSpec spec;
    spec.url = parsed_.baseUrl;
    spec.url.setPath(spec.url.path() + (request.raw ? QStringLiteral("/completions")
                                                    : QStringLiteral("/chat/completions")));
    spec.headers = {{"Content-Type", "application/json"},
                    {"Accept", "text/event-stream, application/json"}};
    if (!options_.apiKey.isEmpty())
        spec.headers.append({"Authorization", "Bearer " + options_.apiKey.toUtf8()});
    spec.body = openai::requestBody(request, parsed_.model, true);

    HttpStreamOptions http;
    http.timeouts = options_.timeouts;
    http.retry = options_.retry;
    auto* stream = new HttpStream(spec, http, nullptr, this);
    auto state = std::make_shared<JobState>();
    state->sink = std::move(sink);
    state->clock.start();

    connect(stream, &HttpStream::responseStarted, this, [state](int, const HttpHeaders& headers) {
        state->wholeJson = HttpStream::header(headers, "Content-Type")
                               .trimmed()
                               .toLower()
                               .startsWith("application/json");
    });
    connect(stream, &HttpStream::bodyBytes, this, [state, stream](const QByteArray& bytes) {
        if (state->wholeJson) {
            state->jsonBody += bytes;
            if (state->jsonBody.size() > kMaxJsonBody) stream->cancel();
            return;
        }
        for (const QByteArray& event : state->decoder.feed(bytes))
            state->handle(event);
    });
    connect(stream, &HttpStream::finished, this, [this, state, stream](const HttpResult& result) {
        if (result.outcome == HttpResult::Outcome::Cancelled) state->ended = true;
        if (result.ok()) {
            if (state->wholeJson) {
                state->handle(state->jsonBody);
                state->sawDone = true;
            } else {
                for (const QByteArray& event : state->decoder.finish())
                    state->handle(event);
            }
        }
        const GenerationStats stats = state->stats(result);
        state->ended = true;
        stream->deleteLater();
        // Queued, so a cancel() from inside the caller never re-enters it.
        QTimer::singleShot(0, this, [state, stats] {
            if (state->sink.onFinished) state->sink.onFinished(stats);
        });
    });
    stream->start();
    return std::make_shared<StreamJob>(stream);
}

}  // namespace hearth::remote
