#pragma once
// The OpenAI Chat Completions / Completions wire format, client side: request bodies from a
// GenerationRequest, streamed chunks to deltas, error bodies to one-line messages. Accepts
// the dialects the briefing lists (vLLM, TGI Messages API, LMI chat, llama-server, Hearth):
// error shapes {"error":{"message":..}}, {"error":"..", "error_type":..} and
// {"object":"error","message":..}; usage in a final chunk with empty choices.
#include <QByteArray>
#include <QString>
#include <optional>

#include "runtime/generation.h"

namespace hearth::remote::openai {

// POST body for /chat/completions (request.raw == false) or /completions (raw prompt).
// `model` may be empty (left out: single-model servers ignore it). Streaming requests ask
// for usage in the final chunk (stream_options.include_usage).
QByteArray requestBody(const GenerationRequest& request, const QString& model, bool stream);

struct StreamEvent {
    bool done = false;  // the "[DONE]" sentinel
    QString content;    // delta text (chat) or text (completions); may be empty
    QString finishReason;
    std::optional<int> promptTokens, completionTokens;  // from "usage"
    QString error;  // an error event in the stream (status was already 200)
    bool malformed = false;
};

// One SSE data payload (or JSON line). A full non-streamed response object is accepted too
// (choices[0].message.content), for servers that ignore "stream": true.
StreamEvent parseStreamEvent(const QByteArray& data);

// The server's own message from an error body, or empty.
QString serverMessage(const QByteArray& body);
// "the server rejected the API key (HTTP 401): <server message>" and the like.
QString describeHttpError(int status, const QByteArray& body);

FinishReason finishReasonFromName(const QString& name);

}  // namespace hearth::remote::openai
