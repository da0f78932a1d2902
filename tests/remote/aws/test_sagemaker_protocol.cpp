// SageMaker client pieces without the network: target addresses, request bodies per
// container format, AWS error bodies and their retry class, and the response decoder fed an
// event-stream body cut at every byte (frames, SSE/JSON lines and UTF-8 all split).
#include <QtTest>

#include "core/remote/aws/sagemaker_stream.h"

using namespace hearth;
using namespace hearth::remote::aws;

namespace {

// Test-side event-stream encoder (string headers only), after the layout in the briefing §3.1.
QByteArray frame(const QList<QPair<QByteArray, QByteArray>>& headers, const QByteArray& payload) {
    QByteArray h;
    for (const auto& [name, value] : headers) {
        h += char(name.size()) + name + char(7);
        h += char(value.size() >> 8) + QByteArray(1, char(value.size() & 0xFF)) + value;
    }
    auto be32 = [](quint32 v) {
        QByteArray b(4, 0);
        for (int i = 0; i < 4; ++i)
            b[i] = char(v >> (24 - 8 * i));
        return b;
    };
    QByteArray m = be32(quint32(16 + h.size() + payload.size())) + be32(quint32(h.size()));
    m += be32(crc32Ieee(m.constData(), 8)) + h + payload;
    return m + be32(crc32Ieee(m.constData(), m.size()));
}

QByteArray payloadPart(const QByteArray& bytes) {
    return frame({{":event-type", "PayloadPart"},
                  {":content-type", "application/octet-stream"},
                  {":message-type", "event"}},
                 bytes);
}

// The container bytes sliced into PayloadParts of `partSize` bytes.
QByteArray eventStreamBody(const QByteArray& container, int partSize) {
    QByteArray body;
    for (qsizetype i = 0; i < container.size(); i += partSize)
        body += payloadPart(container.mid(i, partSize));
    return body;
}

struct Decoded {
    QString text;
    bool final = false;
    FinishReason finish = FinishReason::error;
    QString error;
    int completionTokens = -1;
};

Decoded decode(SageMakerFormat format, ResponseStreamDecoder::Framing framing,
               const QByteArray& body, QList<qsizetype> cuts) {
    ResponseStreamDecoder d(format, framing);
    Decoded out;
    auto take = [&](const QList<ContainerEvent>& events) {
        for (const ContainerEvent& e : events) {
            out.text += e.text;
            if (!e.error.isEmpty()) out.error = e.error;
            if (e.final) {
                out.final = true;
                out.finish = e.finish;
            }
            if (e.completionTokens) out.completionTokens = *e.completionTokens;
        }
    };
    qsizetype from = 0;
    cuts.append(body.size());
    for (const qsizetype cut : cuts) {
        take(d.feed(body.mid(from, cut - from)));
        from = cut;
    }
    take(d.finish());
    if (d.failed()) out.error = d.error();
    return out;
}

const QString kText = QString::fromUtf8("Gr\u00fc\u00df dich, \U0001F30D \u2014 \u65e5\u672c!");

// TGI /generate_stream as SageMaker relays it: both "data:" spellings, a keep-alive comment,
// CRLF line ends, the last event with details and a special end token.
const QByteArray kTgi =
    "data:{\"index\":1,\"token\":{\"id\":1,\"text\":\"Gr\xC3\xBC\xC3\x9F\",\"special\":false},"
    "\"generated_text\":null,\"details\":null}\n\n"
    ":\n\n"
    "data: {\"index\":2,\"token\":{\"id\":2,\"text\":\" dich, \xF0\x9F\x8C\x8D\","
    "\"special\":false},\"generated_text\":null,\"details\":null}\r\n\r\n"
    "data:{\"index\":3,\"token\":{\"id\":3,\"text\":\" \xE2\x80\x94 \xE6\x97\xA5\xE6\x9C\xAC!\","
    "\"special\":false},\"generated_text\":null,\"details\":null}\n\n"
    "data:{\"index\":4,\"token\":{\"id\":0,\"text\":\"</s>\",\"special\":true},"
    "\"generated_text\":\"x\",\"details\":{\"finish_reason\":\"length\",\"generated_tokens\":4,"
    "\"input_length\":3}}\n\n";

// LMI JSON lines, the last line with details.
const QByteArray kLmi =
    "{\"token\": {\"id\": 1, \"text\": \"Gr\xC3\xBC\xC3\x9F dich, \", \"log_prob\": -0.1}}\n"
    "{\"token\": {\"id\": 2, \"text\": \"\xF0\x9F\x8C\x8D \xE2\x80\x94 \", \"log_prob\": -0.1}}\n"
    "{\"token\": {\"id\": 3, \"text\": \"\xE6\x97\xA5\xE6\x9C\xAC!\", \"log_prob\": -0.1}, "
    "\"generated_text\": \"x\", \"details\": {\"finish_reason\": \"eos_token\", "
    "\"generated_tokens\": 3}}\n";

}  // namespace

class TestSageMakerProtocol : public QObject {
    Q_OBJECT

private slots:
    void parses_addresses() {
        QString error;
        auto a = SageMakerAddress::parse(
            "sagemaker://my-Endpoint-2?region=us-east-1&format=lmi&component=ic-1&variant=v2"
            "&stream=false",
            &error);
        QVERIFY2(a, qPrintable(error));
        QCOMPARE(a->endpointName, QStringLiteral("my-Endpoint-2"));  // case kept
        QCOMPARE(a->region, QStringLiteral("us-east-1"));
        QCOMPARE(a->format, SageMakerFormat::Lmi);
        QCOMPARE(a->component, QStringLiteral("ic-1"));
        QCOMPARE(a->variant, QStringLiteral("v2"));
        QCOMPARE(a->stream, false);
        a = SageMakerAddress::parse("sagemaker://e", &error);
        QVERIFY(a);
        QCOMPARE(a->format, SageMakerFormat::OpenAI);
        QCOMPARE(a->region, QString());
        QVERIFY(a->stream);

        const QList<QPair<QString, QString>> bad = {
            {"sagemaker://", "bad SageMaker endpoint name"},
            {"sagemaker://-x?format=tgi", "bad SageMaker endpoint name '-x'"},
            {"sagemaker://a_b", "bad SageMaker endpoint name"},
            {"sagemaker://" + QString(64, 'a'), "bad SageMaker endpoint name"},
            {"sagemaker://e?format=xml", "unknown format 'xml'"},
            {"sagemaker://e?regoin=us-east-1", "unknown parameter 'regoin'"},
            {"sagemaker://e?stream=maybe", "stream must be true or false"},
        };
        for (const auto& [address, message] : bad) {
            QVERIFY2(!SageMakerAddress::parse(address, &error), qPrintable(address));
            QVERIFY2(error.contains(message), qPrintable(error));
        }
        QVERIFY(SageMakerAddress::parse("sagemaker://" + QString(63, 'a'), &error));
    }

    void builds_native_bodies() {
        GenerationRequest r;
        r.messages = {{"user", "Hi"}};
        r.max_tokens = 20;
        r.sampling.temperature = 0;
        r.stop = {"a", "b", "c", "d", "e"};
        QJsonObject tgi =
            QJsonDocument::fromJson(requestBody(SageMakerFormat::Tgi, r, {}, true)).object();
        QCOMPARE(tgi.value("inputs").toString(), QStringLiteral("Hi"));
        QCOMPARE(tgi.value("stream").toBool(), true);
        QJsonObject p = tgi.value("parameters").toObject();
        QCOMPARE(p.value("max_new_tokens").toInt(), 20);
        QCOMPARE(p.value("do_sample").toBool(), false);
        QVERIFY(!p.contains("temperature"));            // TGI rejects 0
        QCOMPARE(p.value("stop").toArray().size(), 4);  // TGI's limit
        QCOMPARE(p.value("details").toBool(), true);

        r.sampling.temperature = 0.7f;
        r.sampling.seed = 42;
        r.messages = {
            {"system", "Be brief."}, {"user", "Hi"}, {"assistant", "Hello."}, {"user", "Bye"}};
        const QJsonObject lmi =
            QJsonDocument::fromJson(requestBody(SageMakerFormat::Lmi, r, {}, false)).object();
        p = lmi.value("parameters").toObject();
        QCOMPARE(lmi.value("stream").toBool(), false);
        QCOMPARE(lmi.value("inputs").toString(),
                 QStringLiteral("Be brief.\n\nUser: Hi\nAssistant: Hello.\nUser: Bye\nAssistant:"));
        QCOMPARE(p.value("stop_sequences").toArray().size(), 5);
        QVERIFY(!p.contains("stop"));
        QVERIFY(qAbs(p.value("temperature").toDouble() - 0.7) < 1e-6);
        QCOMPARE(p.value("seed").toInteger(), 42);

        const QJsonObject chat =
            QJsonDocument::fromJson(requestBody(SageMakerFormat::OpenAI, r, "m", true)).object();
        QCOMPARE(chat.value("messages").toArray().size(), 4);
        QCOMPARE(chat.value("model").toString(), QStringLiteral("m"));
        QVERIFY(!chat.contains("inputs"));

        GenerationRequest raw;
        raw.raw = true;
        raw.prompt = "<s>[INST] Hi [/INST]";
        QCOMPARE(promptText(raw), QStringLiteral("<s>[INST] Hi [/INST]"));
    }

    void reads_aws_errors() {
        const remote::HttpHeaders throttled = {{"x-amzn-ErrorType",
                                                "ThrottlingException:http://internal.amazon.com/"
                                                "coral/com.amazon.coral.availability/"}};
        AwsError e = parseAwsError(400, throttled, "{\"message\":\"Rate exceeded\"}");
        QCOMPARE(e.code, QStringLiteral("ThrottlingException"));
        QCOMPARE(e.message, QStringLiteral("Rate exceeded"));
        QVERIFY(isRetryable(e));
        QCOMPARE(describeAwsError(e, "AKID", "environment"),
                 QStringLiteral("SageMaker throttled the request (ThrottlingException): Rate "
                                "exceeded"));

        e = parseAwsError(400, {},
                          "{\"__type\":\"com.amazon.coral.validate#ValidationError\","
                          "\"Message\":\"bad\"}");
        QCOMPARE(e.code, QStringLiteral("ValidationError"));
        QCOMPARE(e.message, QStringLiteral("bad"));
        QVERIFY(!isRetryable(e));

        // ModelError: the container's own status decides; its JSON message is unwrapped.
        e = parseAwsError(424, {{"X-Amzn-ErrorType", "ModelError"}},
                          "{\"OriginalStatusCode\":429,\"OriginalMessage\":\"{\\\"error\\\":"
                          "\\\"Model is overloaded\\\",\\\"error_type\\\":\\\"overloaded\\\"}\"}");
        QCOMPARE(e.originalStatus, 429);
        QCOMPARE(e.originalMessage, QStringLiteral("Model is overloaded"));
        QVERIFY(isRetryable(e));
        e.originalStatus = 422;
        QVERIFY(!isRetryable(e));

        QVERIFY(isRetryable(parseAwsError(503, {}, "")));
        QVERIFY(isRetryable(
            parseAwsError(429, {{"X-Amzn-ErrorType", "ModelNotReadyException"}}, "{}")));
        QVERIFY(!isRetryable(
            parseAwsError(403, {{"X-Amzn-ErrorType", "ExpiredTokenException"}}, "{}")));
        QVERIFY(
            describeAwsError(parseAwsError(400, {{"X-Amzn-ErrorType", "InvalidSignatureException"}},
                                           "{\"message\":\"Signature expired: 20150830T123600Z "
                                           "is now earlier than ...\"}"),
                             "AKID", "environment")
                .contains("check the system clock"));
        QCOMPARE(describeAwsError(parseAwsError(502, {}, "<html>Bad Gateway</html>"), "A", "e"),
                 QStringLiteral("SageMaker service error (HTTP 502, HTTP 502): <html>Bad "
                                "Gateway</html>"));
    }

    void decodes_split_anywhere_data() {
        QTest::addColumn<int>("format");
        QTest::addColumn<QByteArray>("container");
        QTest::addColumn<int>("finish");
        QTest::addColumn<int>("tokens");
        QTest::newRow("tgi") << int(SageMakerFormat::Tgi) << kTgi << int(FinishReason::length) << 4;
        QTest::newRow("lmi") << int(SageMakerFormat::Lmi) << kLmi << int(FinishReason::stop) << 3;
    }
    // Payload parts of 3 bytes (lines and UTF-8 cut inside parts), the event-stream body fed
    // one byte at a time (every frame boundary and field split), and cut in two at every
    // byte of its first frames and then every 17th.
    void decodes_split_anywhere() {
        QFETCH(int, format);
        QFETCH(QByteArray, container);
        QFETCH(int, finish);
        QFETCH(int, tokens);
        const auto f = SageMakerFormat(format);
        const QByteArray body = eventStreamBody(container, 3);
        for (qsizetype cut = 0; cut <= body.size(); cut += cut < 300 ? 1 : 17) {
            const Decoded d = decode(f, ResponseStreamDecoder::Framing::EventStream, body, {cut});
            QCOMPARE(d.error, QString());
            QCOMPARE(d.text, kText);
            QVERIFY(d.final);
            QCOMPARE(int(d.finish), finish);
            QCOMPARE(d.completionTokens, tokens);
        }
        QList<qsizetype> everyByte;
        for (qsizetype i = 1; i < body.size(); ++i)
            everyByte.append(i);
        QCOMPARE(decode(f, ResponseStreamDecoder::Framing::EventStream, body, everyByte).text,
                 kText);
        // The same container bytes without SageMaker's framing.
        QCOMPARE(decode(f, ResponseStreamDecoder::Framing::Lines, container, everyByte).text,
                 kText);
    }

    void stream_exceptions_and_unknown_events() {
        const QByteArray head = eventStreamBody(kLmi.left(80), 7);
        const QByteArray unknown =
            frame({{":event-type", "SomethingNew"}, {":message-type", "event"}}, "ignored");
        const QByteArray modelError =
            frame({{":exception-type", "ModelStreamError"}, {":message-type", "exception"}},
                  "{\"Message\":\"too slow\",\"ErrorCode\":\"ModelInvocationTimeExceeded\"}");
        Decoded d = decode(
            SageMakerFormat::Lmi, ResponseStreamDecoder::Framing::EventStream,
            head + unknown + modelError + payloadPart("{\"token\":{\"text\":\"x\"}}\n"), {5});
        QCOMPARE(d.text, QString::fromUtf8("Gr\u00fc\u00df dich, "));
        QCOMPARE(d.error, QStringLiteral("the model's stream failed (ModelStreamError "
                                         "ModelInvocationTimeExceeded): too slow"));
        const QByteArray generic = frame({{":message-type", "error"},
                                          {":error-code", "InternalError"},
                                          {":error-message", "boom"}},
                                         {});
        d = decode(SageMakerFormat::Lmi, ResponseStreamDecoder::Framing::EventStream, generic, {});
        QCOMPARE(d.error, QStringLiteral("the stream reported InternalError: boom"));
        // A stream cut inside a frame is an error, not a silent end.
        d = decode(SageMakerFormat::Lmi, ResponseStreamDecoder::Framing::EventStream,
                   head.left(head.size() - 2), {});
        QCOMPARE(d.error, QStringLiteral("the event stream ended in the middle of a frame"));
        // A TGI error event after status 200.
        d = decode(SageMakerFormat::Tgi, ResponseStreamDecoder::Framing::Lines,
                   "data:{\"error\":\"Request failed during generation: out of memory\","
                   "\"error_type\":\"generation\"}\n\n",
                   {});
        QCOMPARE(d.error, QStringLiteral("Request failed during generation: out of memory"));
        // A whole JSON answer that is not one.
        d = decode(SageMakerFormat::Tgi, ResponseStreamDecoder::Framing::WholeJson, "<html>", {});
        QVERIFY(d.error.startsWith("the endpoint's answer is not the expected JSON"));
    }
};

QTEST_GUILESS_MAIN(TestSageMakerProtocol)
#include "test_sagemaker_protocol.moc"
