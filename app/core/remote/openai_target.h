#pragma once
// OpenAITarget: a Target for any OpenAI-compatible server (vLLM, TGI Messages API,
// llama-server, `hearth serve`), addressed as
//     openai+http://HOST:PORT/v1?model=NAME      or      openai+https://…
// Chat requests go to {base}/chat/completions with "stream": true (raw prompts to
// {base}/completions); the SSE stream is decoded incrementally, usage is taken from the final
// chunk when the server sends one. The API key comes from the options or OPENAI_API_KEY.
//
// Errors end the job with finish = error and a one-line message; when the stream broke after
// text was delivered, that text stands and stats.interrupted is set. Sink callbacks run on
// the thread that called start(); onFinished is always queued, never called from inside
// start() or cancel().
#include <QObject>
#include <QUrl>
#include <optional>

#include "core/remote/http_stream.h"
#include "core/target/target.h"

namespace hearth::remote {

struct RemoteTargetOptions {
    HttpTimeouts timeouts;
    RetryPolicy retry;
    QString apiKey;  // empty: OPENAI_API_KEY from the environment
};

struct OpenAIAddress {
    QUrl baseUrl;  // http(s)://HOST:PORT/v1 (no query)
    QString model;
    // Parses an openai+http(s):// address; on failure returns nullopt and sets *error.
    static std::optional<OpenAIAddress> parse(const QString& address, QString* error);
};

class OpenAITarget : public QObject, public Target {
    Q_OBJECT
public:
    OpenAITarget(const QString& address, OpenAIAddress parsed, RemoteTargetOptions options,
                 QObject* parent = nullptr);

    QString id() const override { return address_; }
    QString displayName() const override;
    std::shared_ptr<Job> start(const GenerationRequest& request, Sink sink) override;

private:
    QString address_;
    OpenAIAddress parsed_;
    RemoteTargetOptions options_;
};

}  // namespace hearth::remote
