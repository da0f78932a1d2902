#pragma once
// SageMaker runtime, client side, without the network: the target address, request bodies
// for the three container dialects, their streamed/whole responses, AWS error bodies and
// event-stream exceptions turned into one-line messages (briefing §1.1-1.3, §2).
//
//   sagemaker://ENDPOINT?region=R&format=tgi|lmi|openai[&component=NAME][&variant=NAME]
//                       [&stream=false][&model=NAME]
//
// format=openai sends OpenAI `messages` (the server applies the model's chat template);
// tgi and lmi send the native `inputs` string, which Hearth builds itself (promptText()).
#include <QByteArray>
#include <QString>
#include <optional>

#include "core/remote/http_stream.h"
#include "runtime/generation.h"

namespace hearth::remote::aws {

enum class SageMakerFormat { Tgi, Lmi, OpenAI };

struct SageMakerAddress {
    QString endpointName;
    QString region;  // may be empty: then the environment/profile decides
    SageMakerFormat format = SageMakerFormat::OpenAI;
    QString component;   // X-Amzn-SageMaker-Inference-Component
    QString variant;     // X-Amzn-SageMaker-Target-Variant
    QString model;       // format=openai: "model" member, when the container wants one
    bool stream = true;  // false: InvokeEndpoint (one JSON answer)

    // On failure returns nullopt and sets *error to a one-line reason.
    static std::optional<SageMakerAddress> parse(const QString& address, QString* error);
};

// tgi/lmi `inputs`: the raw prompt as is; a lone user message as its text; otherwise a plain
// transcript ("System" paragraph, "User: ..." / "Assistant: ..." lines, ending "Assistant:").
QString promptText(const GenerationRequest& request);

QByteArray requestBody(SageMakerFormat format, const GenerationRequest& request,
                       const QString& model, bool stream);

// One decoded unit of the container's answer: an SSE data payload / JSON line while
// streaming, or the whole body of a non-streamed answer.
struct ContainerEvent {
    QString text;        // to show (special tokens dropped)
    bool final = false;  // the answer is complete (TGI/LMI details, OpenAI finish/[DONE])
    FinishReason finish = FinishReason::stop;
    std::optional<int> promptTokens, completionTokens;
    QString error;  // the container reported an error (status already 200)
    bool malformed = false;
};
ContainerEvent parseContainerEvent(SageMakerFormat format, const QByteArray& data);

// An AWS error response before the stream: code from X-Amzn-ErrorType or the body, message,
// and for ModelError the container's own status and message.
struct AwsError {
    int status = 0;
    QString code;            // sanitised: "ThrottlingException", "ModelError", ...
    QString message;         // the service's text
    int originalStatus = 0;  // ModelError
    QString originalMessage;
};
AwsError parseAwsError(int status, const HttpHeaders& headers, const QByteArray& body);
// Throttling, model-not-ready, 5xx, and a container's own 429/503 behind ModelError.
bool isRetryable(const AwsError& error);
// "SageMaker throttled the request (ThrottlingException): Rate exceeded" and the like.
// `accessKeyId`/`credentialSource` name the key in authentication errors.
QString describeAwsError(const AwsError& error, const QString& accessKeyId,
                         const QString& credentialSource);

// A ModelStreamError / InternalStreamFailure (or generic error) event, as one line.
QString describeStreamException(const QByteArray& exceptionType, const QByteArray& payload);

}  // namespace hearth::remote::aws
