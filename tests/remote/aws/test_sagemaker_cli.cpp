// The acceptance command of issue 8, for each container format, against the
// signature-checking fake SageMaker runtime:
//   AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME=http://127.0.0.1:PORT
//     hearth run -m 'sagemaker://my-endpoint?region=us-east-1&format=tgi' -p "Hi"
// plus the CLI's one-line errors and exit codes for the main faults.
#include <QtTest>

#include "fake_sagemaker.h"
#include "process_runner.h"

using hearth::test::FakeSageMaker;
using hearth::test::runHearth;

namespace {

const QByteArray kReply(
    "You said: Hi. Hello from Inferentia: h\xC3\xA9llo w\xC3\xB6rld \xF0\x9F\x8C\x8D \xE2\x80\x94 "
    "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E!\n");

QProcessEnvironment awsEnvironment(const FakeSageMaker& fake) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION",
                             "AWS_DEFAULT_REGION"})
        env.remove(QString::fromLatin1(name));
    env.insert("HOME", "/nonexistent");
    env.insert("AWS_ACCESS_KEY_ID", FakeSageMaker::kAccessKey);
    env.insert("AWS_SECRET_ACCESS_KEY", FakeSageMaker::kSecret);
    env.insert("AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME", fake.url());
    return env;
}

}  // namespace

class TestSageMakerCli : public QObject {
    Q_OBJECT

private slots:
    void acceptance_data() {
        QTest::addColumn<QString>("format");
        QTest::newRow("tgi") << "tgi";
        QTest::newRow("lmi") << "lmi";
        QTest::newRow("openai") << "openai";
    }
    void acceptance() {
        QFETCH(QString, format);
        FakeSageMaker fake;  // its own server, answering my-endpoint in this format
        QVERIFY2(fake.start(format), "the fake SageMaker must start");
        const auto r = runHearth(
            {"run", "-m",
             QStringLiteral("sagemaker://my-endpoint?region=us-east-1&format=%1").arg(format), "-p",
             "Hi"},
            awsEnvironment(fake), {}, 30000);
        QVERIFY(!r.crashed);
        QCOMPARE(r.err, QByteArray());
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, kReply);
    }

    void faults() {
        FakeSageMaker fake;
        QVERIFY2(fake.start("tgi", true), "the fake SageMaker must start");
        QProcessEnvironment env = awsEnvironment(fake);
        env.insert("AWS_SESSION_TOKEN", FakeSageMaker::kToken);
        const QString address = QStringLiteral("sagemaker://%1?region=us-east-1&format=tgi");

        // With a session token, signed: works.
        auto r = runHearth({"run", "-m", address.arg("my-endpoint"), "-p", "Hi"}, env, {}, 30000);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, kReply);

        // Stall: --timeout 1 ends it in about a second, partial text kept, marked interrupted.
        QElapsedTimer clock;
        clock.start();
        r = runHearth({"run", "-m", address.arg("stall"), "-p", "Hi", "--timeout", "1"}, env, {},
                      30000);
        QVERIFY(clock.elapsed() < 10000);
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.out, QByteArray("You said: Hi. Hel\n"));
        QVERIFY2(r.err.startsWith("hearth: interrupted: the stream from 127.0.0.1:") &&
                     r.err.endsWith("stalled: nothing received for 1 s\n"),
                 r.err.constData());

        // Model error mid-stream.
        r = runHearth({"run", "-m", address.arg("model-error-mid"), "-p", "Hi"}, env, {}, 30000);
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.out, QByteArray("You said: Hi. Hel\n"));
        QVERIFY2(r.err.contains("interrupted: the model's stream failed (ModelStreamError"),
                 r.err.constData());

        // Expired token and wrong secret: one line, nothing on stdout.
        QProcessEnvironment expired = env;
        expired.insert("AWS_SESSION_TOKEN", "expired-token");
        r = runHearth({"run", "-m", address.arg("my-endpoint"), "-p", "Hi"}, expired, {}, 30000);
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.err.count('\n'), 1);
        QVERIFY2(r.err.contains("the AWS session token has expired"), r.err.constData());
        QProcessEnvironment wrong = env;
        wrong.insert("AWS_SECRET_ACCESS_KEY", "not-the-secret");
        r = runHearth({"run", "-m", address.arg("my-endpoint"), "-p", "Hi"}, wrong, {}, 30000);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("AWS rejected the request signature (InvalidSignatureException)"),
                 r.err.constData());

        // A bad address is a one-line error before any network traffic.
        r = runHearth({"run", "-m", "sagemaker://my_endpoint?format=tgi", "-p", "Hi"}, env);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("bad SageMaker endpoint name 'my_endpoint'"), r.err.constData());
        r = runHearth({"run", "-m", address.arg("my-endpoint") + "&format=xml", "-p", "Hi"}, env);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("unknown format 'xml'"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestSageMakerCli)
#include "test_sagemaker_cli.moc"
