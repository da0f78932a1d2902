#include "core/remote/openai_protocol.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace hearth::remote::openai {
namespace {

constexpr uint64_t kRandomSeed = 0xFFFFFFFF;  // SamplingParams: "pick a random seed"

QString text(const QJsonValue& value) {
    return value.isString() ? value.toString() : QString();
}

}  // namespace

QByteArray requestBody(const GenerationRequest& request, const QString& model, bool stream) {
    QJsonObject body;
    if (!model.isEmpty()) body.insert(QStringLiteral("model"), model);
    if (request.raw) {
        body.insert(QStringLiteral("prompt"), QString::fromStdString(request.prompt));
    } else {
        QJsonArray messages;
        for (const ChatMessage& m : request.messages)
            messages.append(
                QJsonObject{{QStringLiteral("role"), QString::fromStdString(m.role)},
                            {QStringLiteral("content"), QString::fromStdString(m.content)}});
        body.insert(QStringLiteral("messages"), messages);
    }
    const SamplingParams& s = request.sampling;
    body.insert(QStringLiteral("temperature"), double(s.temperature));
    if (s.top_p < 1.0f) body.insert(QStringLiteral("top_p"), double(s.top_p));
    if (s.seed != kRandomSeed) body.insert(QStringLiteral("seed"), qint64(s.seed));
    if (s.frequency_penalty != 0.0f)
        body.insert(QStringLiteral("frequency_penalty"), double(s.frequency_penalty));
    if (s.presence_penalty != 0.0f)
        body.insert(QStringLiteral("presence_penalty"), double(s.presence_penalty));
    // Always explicit: servers' defaults range from 16 tokens to the whole context (§7.4).
    if (request.max_tokens > 0) body.insert(QStringLiteral("max_tokens"), request.max_tokens);
    if (!request.stop.empty()) {
        QJsonArray stop;
        for (const std::string& s : request.stop)
            stop.append(QString::fromStdString(s));
        body.insert(QStringLiteral("stop"), stop);
    }
    body.insert(QStringLiteral("stream"), stream);
    if (stream)
        body.insert(QStringLiteral("stream_options"),
                    QJsonObject{{QStringLiteral("include_usage"), true}});
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

StreamEvent parseStreamEvent(const QByteArray& data) {
    StreamEvent event;
    const QByteArray trimmed = data.trimmed();
    if (trimmed == "[DONE]") {
        event.done = true;
        return event;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(trimmed, &parseError);
    if (!doc.isObject()) {
        event.malformed = true;
        return event;
    }
    const QJsonObject object = doc.object();
    if (object.contains(QStringLiteral("error")) ||
        object.value(QStringLiteral("object")) == QLatin1String("error")) {
        event.error = serverMessage(trimmed);
        if (event.error.isEmpty()) event.error = QString::fromUtf8(trimmed.left(300));
        return event;
    }
    const QJsonArray choices = object.value(QStringLiteral("choices")).toArray();
    if (!choices.isEmpty()) {
        const QJsonObject choice = choices.first().toObject();
        const QJsonObject delta = choice.value(QStringLiteral("delta")).toObject();
        const QJsonObject message = choice.value(QStringLiteral("message")).toObject();
        event.content = text(delta.value(QStringLiteral("content")));
        if (event.content.isEmpty()) event.content = text(choice.value(QStringLiteral("text")));
        if (event.content.isEmpty()) event.content = text(message.value(QStringLiteral("content")));
        event.finishReason = text(choice.value(QStringLiteral("finish_reason")));
    }
    const QJsonValue usage = object.value(QStringLiteral("usage"));
    if (usage.isObject()) {
        const QJsonObject u = usage.toObject();
        if (u.contains(QStringLiteral("prompt_tokens")))
            event.promptTokens = u.value(QStringLiteral("prompt_tokens")).toInt();
        if (u.contains(QStringLiteral("completion_tokens")))
            event.completionTokens = u.value(QStringLiteral("completion_tokens")).toInt();
    }
    return event;
}

QString serverMessage(const QByteArray& body) {
    const QJsonDocument doc = QJsonDocument::fromJson(body.trimmed());
    if (!doc.isObject()) return {};
    const QJsonObject object = doc.object();
    const QJsonValue error = object.value(QStringLiteral("error"));
    if (error.isObject()) return text(error.toObject().value(QStringLiteral("message")));
    if (error.isString()) return error.toString();
    QString message = text(object.value(QStringLiteral("message")));
    if (message.isEmpty()) message = text(object.value(QStringLiteral("detail")));
    return message;
}

QString describeHttpError(int status, const QByteArray& body) {
    QString what;
    switch (status) {
        case 400:
            what = QStringLiteral("the server rejected the request");
            break;
        case 401:
            what = QStringLiteral("the server rejected the API key (set OPENAI_API_KEY)");
            break;
        case 403:
            what = QStringLiteral("access denied");
            break;
        case 404:
            what = QStringLiteral("not found: check the URL and the model name");
            break;
        case 408:
            what = QStringLiteral("the server timed out");
            break;
        case 413:
            what = QStringLiteral("the request is too large");
            break;
        case 422:
            what = QStringLiteral("the server could not process the request");
            break;
        case 429:
            what = QStringLiteral("rate limited or overloaded, still after retries");
            break;
        default:
            what =
                status >= 500 ? QStringLiteral("server error") : QStringLiteral("request failed");
    }
    QString message = QStringLiteral("%1 (HTTP %2)").arg(what).arg(status);
    QString detail = serverMessage(body);
    if (detail.isEmpty() && !body.trimmed().startsWith('<'))
        detail = QString::fromUtf8(body.left(300)).simplified();
    if (!detail.isEmpty()) message += QStringLiteral(": ") + detail.simplified();
    return message;
}

FinishReason finishReasonFromName(const QString& name) {
    if (name == QLatin1String("length")) return FinishReason::length;
    return FinishReason::stop;  // "stop", "eos_token", "stop_sequence", tool calls ...
}

}  // namespace hearth::remote::openai
