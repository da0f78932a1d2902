#pragma once
// The OpenAI API as `hearth serve` speaks it: request bodies to a GenerationRequest (with
// OpenAI's defaults, not the chat window's), and the JSON of responses, stream chunks and
// errors (https://platform.openai.com/docs/api-reference/chat shapes, as the `openai` Python
// package parses them).
#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include "runtime/generation.h"

namespace hearth::serve {

enum class Endpoint { Chat, Completions };

struct ApiRequest {
    GenerationRequest generation;
    bool stream = false;
    bool includeUsage = false;  // stream_options.include_usage
    QString model;              // as the client named it (echoed back)
};

// Parses and validates a request body; on failure returns false with a message for a 400.
bool parseApiRequest(Endpoint endpoint, const QByteArray& body, ApiRequest* out, QString* error);

// {"error":{"message":..,"type":..,"param":null,"code":..}}
QByteArray errorBody(const QString& message, const QString& type, const QString& code = {});

struct ResponseIds {
    QString id;  // "chatcmpl-…" / "cmpl-…"
    qint64 created = 0;
    QString model;
};

QString finishReasonText(FinishReason reason);  // "stop" | "length"
QJsonObject usageObject(const GenerationStats& stats);

// Streaming: one chunk carrying `piece` (or the assistant role when first), or the last one
// carrying the finish reason (and usage when `usage` is not empty), or a usage-only chunk.
QByteArray streamChunk(Endpoint endpoint, const ResponseIds& ids, const QString& piece,
                       bool withRole);
QByteArray finishChunk(Endpoint endpoint, const ResponseIds& ids, FinishReason reason,
                       const QJsonObject& usage);
QByteArray usageChunk(Endpoint endpoint, const ResponseIds& ids, const QJsonObject& usage);
// Non-streaming: the whole response.
QByteArray fullResponse(Endpoint endpoint, const ResponseIds& ids, const QString& text,
                        const GenerationStats& stats);
QByteArray modelsList(const QString& model, qint64 created);

}  // namespace hearth::serve
