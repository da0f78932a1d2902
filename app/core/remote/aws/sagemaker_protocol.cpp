#include "core/remote/aws/sagemaker_protocol.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrlQuery>

#include "core/remote/openai_protocol.h"

namespace hearth::remote::aws {
namespace {

constexpr uint64_t kRandomSeed = 0xFFFFFFFF;  // SamplingParams: "pick a random seed"
constexpr int kTgiMaxStop = 4;                // TGI's schema allows at most 4 stop sequences

QJsonObject objectOf(const QByteArray& data) {
    const QJsonDocument doc = QJsonDocument::fromJson(data.trimmed());
    if (doc.isObject()) return doc.object();
    // tgi_compat / TGI /generate on SageMaker wrap a whole answer in a one-element array.
    if (doc.isArray() && doc.array().size() == 1 && doc.array().first().isObject())
        return doc.array().first().toObject();
    return {};
}

QString stringMember(const QJsonObject& o, std::initializer_list<const char*> names) {
    for (const char* name : names) {
        const QJsonValue v = o.value(QLatin1String(name));
        if (v.isString()) return v.toString();
    }
    return {};
}

// "aws.protocoltests#ThrottlingException:http://..." -> "ThrottlingException".
QString sanitizeCode(QString code) {
    const qsizetype colon = code.indexOf(u':');
    if (colon >= 0) code.truncate(colon);
    const qsizetype hash = code.indexOf(u'#');
    if (hash >= 0) code = code.mid(hash + 1);
    return code.trimmed();
}

FinishReason finishFromTgi(const QString& name) {
    if (name == u"length") return FinishReason::length;
    return FinishReason::stop;  // eos_token, stop_sequence, stop
}

// TGI `{"error":"..","error_type":".."}`, OpenAI-style `{"error":{"message":..}}`, LMI
// `{"code":424,"error":".."}`: the message, or empty when `o` is not an error.
QString containerError(const QJsonObject& o) {
    const QJsonValue error = o.value(QLatin1String("error"));
    if (error.isString()) return error.toString();
    if (error.isObject()) {
        const QString m = stringMember(error.toObject(), {"message", "Message"});
        return m.isEmpty() ? QStringLiteral("unknown error") : m;
    }
    if (o.value(QLatin1String("object")) == QLatin1String("error"))
        return stringMember(o, {"message"});
    return {};
}

ContainerEvent parseNative(const QByteArray& data) {
    ContainerEvent event;
    const QJsonObject o = objectOf(data);
    if (o.isEmpty()) {
        event.malformed = true;
        return event;
    }
    event.error = containerError(o);
    if (!event.error.isEmpty()) return event;

    const QJsonObject token = o.value(QLatin1String("token")).toObject();
    const bool special = token.value(QLatin1String("special")).toBool() ||
                         token.value(QLatin1String("special_token")).toBool();
    if (!special) event.text = token.value(QLatin1String("text")).toString();

    const QJsonValue details = o.value(QLatin1String("details"));
    const QJsonValue generated = o.value(QLatin1String("generated_text"));
    if (details.isObject()) {
        const QJsonObject d = details.toObject();
        const QString reason = d.value(QLatin1String("finish_reason")).toString();
        event.final = true;
        if (reason == u"error") {
            event.error = QStringLiteral("the model stopped with finish_reason \"error\"");
            return event;
        }
        event.finish = finishFromTgi(reason);
        if (d.contains(QLatin1String("generated_tokens")))
            event.completionTokens = d.value(QLatin1String("generated_tokens")).toInt();
        if (d.contains(QLatin1String("input_length")))
            event.promptTokens = d.value(QLatin1String("input_length")).toInt();
    }
    // A non-streamed answer is only {"generated_text": ...}.
    if (token.isEmpty() && generated.isString()) {
        event.final = true;
        event.text = generated.toString();
    }
    if (token.isEmpty() && !generated.isString() && !details.isObject()) event.malformed = true;
    return event;
}

ContainerEvent parseOpenAI(const QByteArray& data) {
    const openai::StreamEvent e = openai::parseStreamEvent(data);
    ContainerEvent event;
    event.text = e.content;
    event.error = e.error;
    event.malformed = e.malformed;
    event.promptTokens = e.promptTokens;
    event.completionTokens = e.completionTokens;
    if (e.done || !e.finishReason.isEmpty()) {
        event.final = true;
        event.finish = e.finishReason.isEmpty() ? FinishReason::stop
                                                : openai::finishReasonFromName(e.finishReason);
    }
    return event;
}

}  // namespace

std::optional<SageMakerAddress> SageMakerAddress::parse(const QString& address, QString* error) {
    static const QString kUsage =
        QStringLiteral("(expected sagemaker://ENDPOINT?region=REGION&format=tgi|lmi|openai)");
    const QString prefix = QStringLiteral("sagemaker://");
    if (!address.startsWith(prefix)) {
        *error = QStringLiteral("not a sagemaker:// address: %1").arg(address);
        return std::nullopt;
    }
    QString rest = address.mid(prefix.size());
    const qsizetype q = rest.indexOf(u'?');
    const QUrlQuery query(q < 0 ? QString() : rest.mid(q + 1));
    SageMakerAddress out;
    out.endpointName = q < 0 ? rest : rest.left(q);
    if (out.endpointName.endsWith(u'/')) out.endpointName.chop(1);
    // SageMaker's own pattern for endpoint names (API reference), at most 63 characters.
    static const QRegularExpression kName(QStringLiteral("^[a-zA-Z0-9](-*[a-zA-Z0-9])*$"));
    if (out.endpointName.isEmpty() || out.endpointName.size() > 63 ||
        !kName.match(out.endpointName).hasMatch()) {
        *error =
            QStringLiteral("bad SageMaker endpoint name '%1' %2").arg(out.endpointName, kUsage);
        return std::nullopt;
    }
    for (const auto& [key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (key == u"region") {
            out.region = value;
        } else if (key == u"format") {
            if (value == u"tgi") {
                out.format = SageMakerFormat::Tgi;
            } else if (value == u"lmi") {
                out.format = SageMakerFormat::Lmi;
            } else if (value == u"openai") {
                out.format = SageMakerFormat::OpenAI;
            } else {
                *error = QStringLiteral("unknown format '%1' %2").arg(value, kUsage);
                return std::nullopt;
            }
        } else if (key == u"component") {
            out.component = value;
        } else if (key == u"variant") {
            out.variant = value;
        } else if (key == u"model") {
            out.model = value;
        } else if (key == u"stream") {
            if (value != u"true" && value != u"false") {
                *error = QStringLiteral("stream must be true or false, not '%1'").arg(value);
                return std::nullopt;
            }
            out.stream = value == u"true";
        } else {
            *error = QStringLiteral("unknown parameter '%1' in %2 %3").arg(key, address, kUsage);
            return std::nullopt;
        }
    }
    return out;
}

QString promptText(const GenerationRequest& request) {
    if (request.raw) return QString::fromStdString(request.prompt);
    if (request.messages.size() == 1 && request.messages.front().role == "user")
        return QString::fromStdString(request.messages.front().content);
    QString out;
    for (const ChatMessage& m : request.messages) {
        const QString content = QString::fromStdString(m.content);
        if (m.role == "system")
            out += content + QStringLiteral("\n\n");
        else if (m.role == "assistant")
            out += QStringLiteral("Assistant: ") + content + u'\n';
        else
            out += QStringLiteral("User: ") + content + u'\n';
    }
    return out + QStringLiteral("Assistant:");
}

QByteArray requestBody(SageMakerFormat format, const GenerationRequest& request,
                       const QString& model, bool stream) {
    if (format == SageMakerFormat::OpenAI) return openai::requestBody(request, model, stream);

    const SamplingParams& s = request.sampling;
    QJsonObject parameters;
    // Always explicit: LMI's default is 30 new tokens, TGI's 1024 (briefing §7.4).
    parameters.insert(QStringLiteral("max_new_tokens"),
                      request.max_tokens > 0 ? request.max_tokens : 1024);
    const bool sample = s.temperature > 0.0f;
    parameters.insert(QStringLiteral("do_sample"), sample);
    if (sample) {  // TGI rejects temperature 0 ("must be strictly positive")
        parameters.insert(QStringLiteral("temperature"), double(s.temperature));
        if (s.top_p > 0.0f && s.top_p < 1.0f)
            parameters.insert(QStringLiteral("top_p"), double(s.top_p));
        if (s.top_k > 0) parameters.insert(QStringLiteral("top_k"), s.top_k);
    }
    if (s.repeat_penalty != 1.0f)
        parameters.insert(QStringLiteral("repetition_penalty"), double(s.repeat_penalty));
    if (s.seed != kRandomSeed) parameters.insert(QStringLiteral("seed"), qint64(s.seed));
    parameters.insert(QStringLiteral("details"), true);  // finish reason and token counts
    parameters.insert(QStringLiteral("return_full_text"), false);
    if (!request.stop.empty()) {
        QJsonArray stop;
        for (const std::string& text : request.stop) {
            if (format == SageMakerFormat::Tgi && stop.size() == kTgiMaxStop) break;
            stop.append(QString::fromStdString(text));
        }
        parameters.insert(format == SageMakerFormat::Tgi ? QStringLiteral("stop")
                                                         : QStringLiteral("stop_sequences"),
                          stop);
    }
    const QJsonObject body{{QStringLiteral("inputs"), promptText(request)},
                           {QStringLiteral("parameters"), parameters},
                           {QStringLiteral("stream"), stream}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

ContainerEvent parseContainerEvent(SageMakerFormat format, const QByteArray& data) {
    return format == SageMakerFormat::OpenAI ? parseOpenAI(data) : parseNative(data);
}

AwsError parseAwsError(int status, const HttpHeaders& headers, const QByteArray& body) {
    AwsError e;
    e.status = status;
    const QJsonObject o = objectOf(body);
    e.code = sanitizeCode(QString::fromUtf8(HttpStream::header(headers, "X-Amzn-ErrorType")));
    if (e.code.isEmpty()) e.code = sanitizeCode(stringMember(o, {"__type", "code", "Code"}));
    e.message = stringMember(o, {"message", "Message", "errorMessage"});
    if (e.message.isEmpty() && o.isEmpty())
        e.message = QString::fromUtf8(body.left(300)).simplified();
    const QJsonValue original = o.value(QLatin1String("OriginalStatusCode"));
    e.originalStatus = original.isString() ? original.toString().toInt() : original.toInt();
    e.originalMessage = stringMember(o, {"OriginalMessage"});
    // The container's message is often its own JSON error body: take the text out of it.
    const QJsonObject inner = objectOf(e.originalMessage.toUtf8());
    const QString innerText =
        containerError(inner).isEmpty() ? stringMember(inner, {"message"}) : containerError(inner);
    if (!innerText.isEmpty()) e.originalMessage = innerText;
    return e;
}

bool isRetryable(const AwsError& e) {
    static const QStringList kTransient = {QStringLiteral("ThrottlingException"),
                                           QStringLiteral("Throttling"),
                                           QStringLiteral("ThrottledException"),
                                           QStringLiteral("TooManyRequestsException"),
                                           QStringLiteral("RequestLimitExceeded"),
                                           QStringLiteral("ModelNotReadyException"),
                                           QStringLiteral("InternalFailure"),
                                           QStringLiteral("ServiceUnavailable"),
                                           QStringLiteral("InternalDependencyException")};
    if (kTransient.contains(e.code)) return true;
    if (e.code == u"ModelError") return e.originalStatus == 429 || e.originalStatus == 503;
    return HttpStream::defaultRetryableStatus(e.status);
}

QString describeAwsError(const AwsError& e, const QString& accessKeyId,
                         const QString& credentialSource) {
    const QString code = e.code.isEmpty() ? QStringLiteral("HTTP %1").arg(e.status) : e.code;
    const QString message = e.message.isEmpty() ? QString() : QStringLiteral(": ") + e.message;
    const QString key = QStringLiteral("%1 (from %2)").arg(accessKeyId, credentialSource);
    if (code == u"ModelError") {
        QString text = QStringLiteral("the model container failed (ModelError, its HTTP %1)")
                           .arg(e.originalStatus);
        const QString detail = e.originalMessage.isEmpty() ? e.message : e.originalMessage;
        return detail.isEmpty() ? text : text + QStringLiteral(": ") + detail;
    }
    if (code == u"ValidationError" || code == u"ValidationException")
        return QStringLiteral("SageMaker rejected the request (%1)%2").arg(code, message);
    if (code == u"ThrottlingException" || code == u"Throttling" ||
        code == u"TooManyRequestsException")
        return QStringLiteral("SageMaker throttled the request (%1)%2").arg(code, message);
    if (code == u"ModelNotReadyException")
        return QStringLiteral("the endpoint's model is not ready yet (%1)%2; try again shortly")
            .arg(code, message);
    if (code == u"ExpiredTokenException" || code == u"ExpiredToken")
        return QStringLiteral(
                   "the AWS session token has expired (%1): refresh the credentials of %2")
            .arg(code, key);
    if (code == u"RequestExpired" || e.message.contains(QLatin1String("Signature expired")))
        return QStringLiteral(
                   "AWS says the request time is off by more than 15 minutes (%1): check the "
                   "system clock")
            .arg(code);
    if (code == u"InvalidSignatureException" || code == u"SignatureDoesNotMatch")
        return QStringLiteral(
                   "AWS rejected the request signature (%1)%2 [check the secret access key and "
                   "region for %3]")
            .arg(code, message, key);
    if (code == u"UnrecognizedClientException" || code == u"InvalidClientTokenId")
        return QStringLiteral("AWS does not recognise the access key %1 (%2)").arg(key, code);
    if (code == u"AccessDeniedException" || code == u"AccessDenied")
        return QStringLiteral(
                   "access denied (%1)%2; the identity %3 needs sagemaker:InvokeEndpoint")
            .arg(code, message, key);
    if (e.status >= 500)
        return QStringLiteral("SageMaker service error (%1, HTTP %2)%3")
            .arg(code)
            .arg(e.status)
            .arg(message);
    return QStringLiteral("SageMaker error (%1, HTTP %2)%3").arg(code).arg(e.status).arg(message);
}

QString describeStreamException(const QByteArray& exceptionType, const QByteArray& payload) {
    const QJsonObject o = objectOf(payload);
    QString message = stringMember(o, {"Message", "message"});
    if (message.isEmpty() && o.isEmpty())
        message = QString::fromUtf8(payload.left(300)).simplified();
    const QString errorCode = stringMember(o, {"ErrorCode", "errorCode"});
    const QString type = QString::fromUtf8(exceptionType);
    if (type == u"ModelStreamError")
        return QStringLiteral("the model's stream failed (ModelStreamError%1): %2")
            .arg(errorCode.isEmpty() ? QString() : QStringLiteral(" ") + errorCode, message);
    if (type == u"InternalStreamFailure")
        return QStringLiteral("SageMaker's stream failed (InternalStreamFailure): %1; try again")
            .arg(message);
    return QStringLiteral("the stream reported %1: %2")
        .arg(type.isEmpty() ? QStringLiteral("an error") : type, message);
}

}  // namespace hearth::remote::aws
