#include "serve/openai_api.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace hearth::serve {
namespace {

QByteArray compact(const QJsonObject& object) {
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// Message content is a string, or an array of parts of which we take the text ones.
bool contentText(const QJsonValue& content, std::string* out) {
    if (content.isString()) {
        *out = content.toString().toStdString();
        return true;
    }
    if (content.isNull() || content.isUndefined()) {
        out->clear();
        return true;
    }
    if (!content.isArray()) return false;
    QString text;
    for (const QJsonValue& part : content.toArray()) {
        const QJsonObject p = part.toObject();
        if (p.value(QStringLiteral("type")).toString() != QLatin1String("text")) return false;
        text += p.value(QStringLiteral("text")).toString();
    }
    *out = text.toStdString();
    return true;
}

bool readNumber(const QJsonObject& body, const char* name, double low, double high, double* out,
                QString* error) {
    const QJsonValue value = body.value(QLatin1String(name));
    if (value.isUndefined() || value.isNull()) return true;
    if (!value.isDouble() || value.toDouble() < low || value.toDouble() > high) {
        *error = QStringLiteral("'%1' must be a number between %2 and %3")
                     .arg(QLatin1String(name))
                     .arg(low)
                     .arg(high);
        return false;
    }
    *out = value.toDouble();
    return true;
}

QJsonObject base(Endpoint endpoint, const ResponseIds& ids, bool chunk) {
    const QString object = endpoint == Endpoint::Completions ? QStringLiteral("text_completion")
                           : chunk ? QStringLiteral("chat.completion.chunk")
                                   : QStringLiteral("chat.completion");
    return {{QStringLiteral("id"), ids.id},
            {QStringLiteral("object"), object},
            {QStringLiteral("created"), ids.created},
            {QStringLiteral("model"), ids.model},
            {QStringLiteral("system_fingerprint"), QStringLiteral("hearth-" HEARTH_VERSION)}};
}

QJsonObject choice(Endpoint endpoint, const QString& piece, bool withRole,
                   const QJsonValue& finish) {
    QJsonObject c{{QStringLiteral("index"), 0},
                  {QStringLiteral("logprobs"), QJsonValue()},
                  {QStringLiteral("finish_reason"), finish}};
    if (endpoint == Endpoint::Completions) {
        c.insert(QStringLiteral("text"), piece);
    } else {
        QJsonObject delta;
        if (withRole) delta.insert(QStringLiteral("role"), QStringLiteral("assistant"));
        if (!piece.isEmpty() || withRole) delta.insert(QStringLiteral("content"), piece);
        c.insert(QStringLiteral("delta"), delta);
    }
    return c;
}

}  // namespace

bool parseApiRequest(Endpoint endpoint, const QByteArray& body, ApiRequest* out, QString* error) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (!doc.isObject()) {
        *error = QStringLiteral("the request body is not a JSON object");
        return false;
    }
    const QJsonObject o = doc.object();
    GenerationRequest& g = out->generation;
    out->model = o.value(QStringLiteral("model")).toString();
    if (endpoint == Endpoint::Chat) {
        const QJsonValue messages = o.value(QStringLiteral("messages"));
        if (!messages.isArray() || messages.toArray().isEmpty()) {
            *error = QStringLiteral("'messages' must be a non-empty array");
            return false;
        }
        for (const QJsonValue& m : messages.toArray()) {
            const QJsonObject message = m.toObject();
            ChatMessage chat;
            chat.role = message.value(QStringLiteral("role")).toString().toStdString();
            if (chat.role == "developer") chat.role = "system";
            if (chat.role != "system" && chat.role != "user" && chat.role != "assistant" &&
                chat.role != "tool") {
                *error = QStringLiteral("unsupported message role '%1'")
                             .arg(QString::fromStdString(chat.role));
                return false;
            }
            if (!contentText(message.value(QStringLiteral("content")), &chat.content)) {
                *error = QStringLiteral("only text message content is supported");
                return false;
            }
            g.messages.push_back(std::move(chat));
        }
    } else {
        QJsonValue prompt = o.value(QStringLiteral("prompt"));
        if (prompt.isArray() && prompt.toArray().size() == 1) prompt = prompt.toArray().first();
        if (!prompt.isString()) {
            *error = QStringLiteral("'prompt' must be a string");
            return false;
        }
        g.raw = true;
        g.prompt = prompt.toString().toStdString();
    }
    // OpenAI's defaults: temperature 1, top_p 1, no top-k / min-p (unless a client sends
    // the llama-server extensions top_k / min_p).
    SamplingParams& s = g.sampling;
    double temperature = 1, topP = 1, minP = 0, topK = 0, frequency = 0, presence = 0;
    double maxTokens = -1, seed = -1, n = 1;
    if (!readNumber(o, "temperature", 0, 2, &temperature, error) ||
        !readNumber(o, "top_p", 0, 1, &topP, error) ||
        !readNumber(o, "min_p", 0, 1, &minP, error) ||
        !readNumber(o, "top_k", 0, 1e6, &topK, error) ||
        !readNumber(o, "frequency_penalty", -2, 2, &frequency, error) ||
        !readNumber(o, "presence_penalty", -2, 2, &presence, error) ||
        !readNumber(o, "max_tokens", 1, 1e7, &maxTokens, error) ||
        !readNumber(o, "max_completion_tokens", 1, 1e7, &maxTokens, error) ||
        !readNumber(o, "seed", 0, 4294967294.0, &seed, error) ||
        !readNumber(o, "n", 1, 1, &n, error))
        return false;
    s.temperature = float(temperature);
    s.top_p = float(topP);
    s.min_p = float(minP);
    s.top_k = int(topK);
    s.frequency_penalty = float(frequency);
    s.presence_penalty = float(presence);
    if (seed >= 0) s.seed = uint64_t(seed);
    g.max_tokens = maxTokens > 0 ? int(maxTokens) : 0;
    const QJsonValue stop = o.value(QStringLiteral("stop"));
    if (stop.isString()) g.stop.push_back(stop.toString().toStdString());
    for (const QJsonValue& item : stop.toArray())
        g.stop.push_back(item.toString().toStdString());
    out->stream = o.value(QStringLiteral("stream")).toBool(false);
    out->includeUsage = o.value(QStringLiteral("stream_options"))
                            .toObject()
                            .value(QStringLiteral("include_usage"))
                            .toBool(false);
    return true;
}

QByteArray errorBody(const QString& message, const QString& type, const QString& code) {
    return compact({{QStringLiteral("error"),
                     QJsonObject{{QStringLiteral("message"), message},
                                 {QStringLiteral("type"), type},
                                 {QStringLiteral("param"), QJsonValue()},
                                 {QStringLiteral("code"),
                                  code.isEmpty() ? QJsonValue() : QJsonValue(code)}}}});
}

QString finishReasonText(FinishReason reason) {
    return reason == FinishReason::length || reason == FinishReason::context
               ? QStringLiteral("length")
               : QStringLiteral("stop");
}

QJsonObject usageObject(const GenerationStats& stats) {
    return {{QStringLiteral("prompt_tokens"), stats.prompt_tokens},
            {QStringLiteral("completion_tokens"), stats.completion_tokens},
            {QStringLiteral("total_tokens"), stats.prompt_tokens + stats.completion_tokens}};
}

QByteArray streamChunk(Endpoint endpoint, const ResponseIds& ids, const QString& piece,
                       bool withRole) {
    QJsonObject o = base(endpoint, ids, true);
    o.insert(QStringLiteral("choices"),
             QJsonArray{choice(endpoint, piece, withRole, QJsonValue())});
    return compact(o);
}

QByteArray finishChunk(Endpoint endpoint, const ResponseIds& ids, FinishReason reason,
                       const QJsonObject& usage) {
    QJsonObject o = base(endpoint, ids, true);
    o.insert(QStringLiteral("choices"),
             QJsonArray{choice(endpoint, QString(), false, finishReasonText(reason))});
    if (!usage.isEmpty()) o.insert(QStringLiteral("usage"), usage);
    return compact(o);
}

QByteArray usageChunk(Endpoint endpoint, const ResponseIds& ids, const QJsonObject& usage) {
    QJsonObject o = base(endpoint, ids, true);
    o.insert(QStringLiteral("choices"), QJsonArray{});
    o.insert(QStringLiteral("usage"), usage);
    return compact(o);
}

QByteArray fullResponse(Endpoint endpoint, const ResponseIds& ids, const QString& text,
                        const GenerationStats& stats) {
    QJsonObject o = base(endpoint, ids, false);
    QJsonObject c{{QStringLiteral("index"), 0},
                  {QStringLiteral("logprobs"), QJsonValue()},
                  {QStringLiteral("finish_reason"), finishReasonText(stats.finish)}};
    if (endpoint == Endpoint::Completions)
        c.insert(QStringLiteral("text"), text);
    else
        c.insert(QStringLiteral("message"),
                 QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                             {QStringLiteral("content"), text}});
    o.insert(QStringLiteral("choices"), QJsonArray{c});
    o.insert(QStringLiteral("usage"), usageObject(stats));
    return compact(o);
}

QByteArray modelsList(const QString& model, qint64 created) {
    const QJsonObject entry{{QStringLiteral("id"), model},
                            {QStringLiteral("object"), QStringLiteral("model")},
                            {QStringLiteral("created"), created},
                            {QStringLiteral("owned_by"), QStringLiteral("hearth")}};
    return compact({{QStringLiteral("object"), QStringLiteral("list")},
                    {QStringLiteral("data"), QJsonArray{entry}}});
}

}  // namespace hearth::serve
