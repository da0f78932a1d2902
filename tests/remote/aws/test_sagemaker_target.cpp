// SageMakerTarget against the signature-checking fake SageMaker runtime (fake_sagemaker.py):
// the three container formats streamed and not, and the fault matrix of issue 8 (throttling,
// 5xx, model errors before and during the stream, dropped connection, corrupt CRC, stall,
// wrong secret, expired token, cancel). Each case: exact text or a clear error, bounded time.
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QtTest>

#include "core/remote/aws/sagemaker_target.h"
#include "fake_sagemaker.h"

using namespace hearth;
using namespace hearth::remote::aws;
using hearth::test::FakeSageMaker;

namespace {

const QString kReply = QString::fromUtf8(
    "You said: Hi. Hello from Inferentia: h\u00e9llo w\u00f6rld \U0001F30D \u2014 "
    "\u65e5\u672c\u8a9e!");
const QString kPartial = QStringLiteral("You said: Hi. Hel");  // the fake's faults cut here

struct Outcome {
    QString text;
    GenerationStats stats;
    bool finished = false;
    qint64 elapsedMs = 0;
    qint64 cancelToFinishMs = -1;
};

GenerationRequest hiRequest() {
    GenerationRequest r;
    r.messages.push_back({"user", "Hi"});
    r.max_tokens = 32;
    return r;
}

}  // namespace

class TestSageMakerTarget : public QObject {
    Q_OBJECT

    FakeSageMaker fake_;

    Environment env(const QString& secret = QString::fromLatin1(FakeSageMaker::kSecret)) const {
        return {{"AWS_ACCESS_KEY_ID", FakeSageMaker::kAccessKey},
                {"AWS_SECRET_ACCESS_KEY", secret},
                {"AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME", fake_.url()},
                {"HOME", "/nonexistent"}};
    }

    std::unique_ptr<SageMakerTarget> target(const QString& address, Environment environment) {
        QString error;
        auto parsed = SageMakerAddress::parse(address, &error);
        if (!parsed) qFatal("bad address %s: %s", qPrintable(address), qPrintable(error));
        SageMakerOptions options;
        options.timeouts = {5000, 5000, 1000};  // idle 1 s: the stall case ends quickly
        options.environment = [environment] { return environment; };
        options.random = [] { return 0.0; };  // no backoff waits in tests
        return std::make_unique<SageMakerTarget>(address, std::move(*parsed), options);
    }

    Outcome run(const QString& address, const Environment& environment,
                bool cancelAfterFirstPiece = false,
                const GenerationRequest& request = hiRequest()) {
        auto t = target(address, environment);
        Outcome out;
        QEventLoop loop;
        QElapsedTimer clock, sinceCancel;
        clock.start();
        std::shared_ptr<Job> job;
        Sink sink;
        sink.onPiece = [&](const QString& piece) {
            out.text += piece;
            if (cancelAfterFirstPiece && !sinceCancel.isValid()) {
                sinceCancel.start();
                job->cancel();
            }
        };
        sink.onFinished = [&](const GenerationStats& stats) {
            if (out.finished) qFatal("onFinished twice");
            out.finished = true;
            out.stats = stats;
            loop.quit();
        };
        job = t->start(request, sink);
        QTimer::singleShot(20000, &loop, &QEventLoop::quit);  // a hang fails below, not forever
        loop.exec();
        out.elapsedMs = clock.elapsed();
        if (sinceCancel.isValid()) out.cancelToFinishMs = sinceCancel.elapsed();
        return out;
    }

    QJsonObject lastRequest() {
        QNetworkAccessManager network;
        QNetworkReply* reply = network.get(QNetworkRequest(QUrl(fake_.url() + "/__last")));
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        reply->deleteLater();
        return QJsonDocument::fromJson(reply->readAll()).object();
    }

    static void expectError(const Outcome& o, const QString& contains, const QString& text,
                            bool interrupted) {
        QVERIFY(o.finished);
        QCOMPARE(o.stats.finish, FinishReason::error);
        QVERIFY2(QString::fromStdString(o.stats.error).contains(contains), o.stats.error.c_str());
        QVERIFY2(!QString::fromStdString(o.stats.error).contains(u'\n'), "one line");
        QCOMPARE(o.text, text);
        QCOMPARE(o.stats.interrupted, interrupted);
        QVERIFY2(o.elapsedMs < 5000, qPrintable(QString::number(o.elapsedMs)));
    }

private slots:
    void initTestCase() { QVERIFY2(fake_.start(), "the fake SageMaker must start"); }

    void streams_each_format_data() {
        QTest::addColumn<QString>("format");
        QTest::addColumn<int>("promptTokens");
        QTest::addColumn<int>("completionTokens");
        QTest::addColumn<FinishReason>("finish");
        // Counts and finish reasons as the fake's TGI details, LMI details, OpenAI usage say.
        QTest::newRow("tgi") << "tgi" << 7 << 17 << FinishReason::stop;
        QTest::newRow("lmi") << "lmi" << 0 << 16 << FinishReason::length;
        QTest::newRow("openai") << "openai" << 9 << 16 << FinishReason::stop;
    }
    void streams_each_format() {
        QFETCH(QString, format);
        QFETCH(int, promptTokens);
        QFETCH(int, completionTokens);
        QFETCH(FinishReason, finish);
        const Outcome o =
            run(QStringLiteral("sagemaker://ok-%1?region=us-east-1&format=%1").arg(format), env());
        QVERIFY(o.finished);
        QCOMPARE(QString::fromStdString(o.stats.error), QString());
        QCOMPARE(o.stats.finish, finish);
        QCOMPARE(o.text, kReply);
        QCOMPARE(o.stats.prompt_tokens, promptTokens);
        QCOMPARE(o.stats.completion_tokens, completionTokens);
        QVERIFY(o.stats.time_to_first_token_ms > 0);
        const QJsonObject last = lastRequest();
        QCOMPARE(last.value("path").toString(),
                 QStringLiteral("/endpoints/ok-%1/invocations-response-stream").arg(format));
    }

    void invoke_endpoint_without_streaming_data() {
        QTest::addColumn<QString>("format");
        QTest::newRow("tgi") << "tgi";
        QTest::newRow("lmi") << "lmi";
        QTest::newRow("openai") << "openai";
    }
    void invoke_endpoint_without_streaming() {
        QFETCH(QString, format);
        const Outcome o = run(
            QStringLiteral("sagemaker://ok-%1?region=us-east-1&format=%1&stream=false").arg(format),
            env());
        QCOMPARE(o.stats.finish, FinishReason::stop);
        QCOMPARE(o.text, kReply);
        QCOMPARE(lastRequest().value("path").toString(),
                 QStringLiteral("/endpoints/ok-%1/invocations").arg(format));
    }

    // An endpoint that rejects streaming is asked again with InvokeEndpoint.
    void falls_back_when_streaming_unsupported() {
        const Outcome o = run("sagemaker://nostream-lmi?region=us-east-1&format=lmi", env());
        QCOMPARE(o.stats.finish, FinishReason::stop);  // a whole answer without details
        QCOMPARE(o.text, kReply);
        QCOMPARE(lastRequest().value("path").toString(),
                 QStringLiteral("/endpoints/nostream-lmi/invocations"));
    }

    // The inference component header is sent and signed (the fake recomputes the signature).
    void inference_component_header_is_signed() {
        const Outcome o =
            run("sagemaker://ok-openai?region=us-east-1&format=openai&component=ic-llama", env());
        QCOMPARE(o.text, kReply);
        const QJsonObject headers = lastRequest().value("headers").toObject();
        QCOMPARE(headers.value("x-amzn-sagemaker-inference-component").toString(),
                 QStringLiteral("ic-llama"));
        QVERIFY(headers.value("authorization")
                    .toString()
                    .contains("x-amzn-sagemaker-inference-component"));
    }

    // ---- the fault matrix ----------------------------------------------------------------

    void throttle_then_success() {
        const Outcome o = run("sagemaker://throttle-once-tgi?region=us-east-1&format=tgi", env());
        QCOMPARE(QString::fromStdString(o.stats.error), QString());
        QCOMPARE(o.text, kReply);
    }

    void service_unavailable_after_retries() {
        expectError(run("sagemaker://unavailable-tgi?region=us-east-1&format=tgi", env()),
                    "SageMaker service error (ServiceUnavailable, HTTP 503): Service Unavailable "
                    "(after 3 attempts)",
                    QString(), false);
    }

    void validation_error() {
        expectError(run("sagemaker://validation-tgi?region=us-east-1&format=tgi", env()),
                    "SageMaker rejected the request (ValidationError): Endpoint validation-tgi of "
                    "account 123456789012 not found.",
                    QString(), false);
    }

    void model_error_before_stream() {
        expectError(run("sagemaker://model-error-tgi?region=us-east-1&format=tgi", env()),
                    "the model container failed (ModelError, its HTTP 422): Input validation "
                    "error: `inputs` tokens + `max_new_tokens` must be <= 4096.",
                    QString(), false);
    }

    void model_stream_error_mid_stream_data() {
        QTest::addColumn<QString>("format");
        QTest::newRow("tgi") << "tgi";
        QTest::newRow("lmi") << "lmi";
        QTest::newRow("openai") << "openai";
    }
    void model_stream_error_mid_stream() {
        QFETCH(QString, format);
        expectError(
            run(QStringLiteral("sagemaker://model-error-mid-%1?region=us-east-1&format=%1")
                    .arg(format),
                env()),
            "the model's stream failed (ModelStreamError ModelInvocationTimeExceeded): Your "
            "model primary did not complete sending the inference response in the allotted "
            "time.",
            kPartial, true);
    }

    void internal_stream_failure() {
        expectError(run("sagemaker://stream-failure-tgi?region=us-east-1&format=tgi", env()),
                    "SageMaker's stream failed (InternalStreamFailure): Internal stream failure",
                    kPartial, true);
    }

    // InternalStreamFailure before any text: asked again (SageMaker says "try again").
    void early_stream_failure_is_retried() {
        const Outcome o =
            run("sagemaker://early-stream-failure-openai?region=us-east-1&format=openai", env());
        QCOMPARE(QString::fromStdString(o.stats.error), QString());
        QCOMPARE(o.text, kReply);
        QCOMPARE(o.stats.completion_tokens, 16);
    }

    void dropped_connection() {
        expectError(run("sagemaker://drop-lmi?region=us-east-1&format=lmi", env()),
                    "connection lost mid-response", kPartial, true);
    }

    void corrupt_crc() {
        expectError(run("sagemaker://corrupt-crc-openai?region=us-east-1&format=openai", env()),
                    "corrupt event stream: Message checksum mismatch", kPartial, true);
    }

    void stall_past_idle_timeout() {
        const Outcome o = run("sagemaker://stall-tgi?region=us-east-1&format=tgi", env());
        expectError(o, "stalled: nothing received for 1 s", kPartial, true);
        QVERIFY2(o.elapsedMs >= 1000, "the idle timeout, not something else, ended it");
    }

    void wrong_secret_key() {
        expectError(run("sagemaker://ok-tgi?region=us-east-1&format=tgi", env("wrong-secret")),
                    "AWS rejected the request signature (InvalidSignatureException): The request "
                    "signature we calculated does not match",
                    QString(), false);
    }

    void wrong_region_in_scope() {
        expectError(run("sagemaker://ok-tgi?region=eu-west-1&format=tgi", env()),
                    "InvalidSignatureException", QString(), false);
    }

    void expired_session_token() {
        Environment e = env();
        e.insert("AWS_SESSION_TOKEN", "expired-token");
        expectError(run("sagemaker://ok-tgi?region=us-east-1&format=tgi", e),
                    "the AWS session token has expired (ExpiredTokenException): refresh the "
                    "credentials of AKIDFAKESAGEMAKER (from environment)",
                    QString(), false);
    }

    void missing_credentials() {
        Environment e = env();
        e.remove("AWS_ACCESS_KEY_ID");
        e.remove("AWS_SECRET_ACCESS_KEY");
        expectError(run("sagemaker://ok-tgi?region=us-east-1&format=tgi", e), "no AWS credentials",
                    QString(), false);
    }

    void unreachable_endpoint() {
        Environment e = env();
        e.insert("AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME", "http://127.0.0.1:1");
        expectError(run("sagemaker://ok-tgi?region=us-east-1&format=tgi", e), "127.0.0.1:1",
                    QString(), false);
    }

    // Cancel closes the connection at once: onFinished(cancelled) follows promptly even
    // though the fake would keep the stream open for a minute.
    void cancel_mid_stream() {
        const Outcome o = run("sagemaker://stall-tgi?region=us-east-1&format=tgi", env(), true);
        QVERIFY(o.finished);
        QCOMPARE(o.stats.finish, FinishReason::cancelled);
        QVERIFY(!o.text.isEmpty());
        QVERIFY2(o.cancelToFinishMs >= 0 && o.cancelToFinishMs < 500,
                 qPrintable(QString::number(o.cancelToFinishMs)));
    }
};

QTEST_GUILESS_MAIN(TestSageMakerTarget)
#include "test_sagemaker_target.moc"
