#pragma once
// Starts tests/remote/aws/fake_sagemaker.py (the signature-checking fake SageMaker runtime)
// with HEARTH_PYTHON and learns its port. A missing Python is a loud failure, not a skip.
#include <QProcess>
#include <QString>
#include <QtTest>

namespace hearth::test {

class FakeSageMaker {
public:
    static constexpr const char* kAccessKey = "AKIDFAKESAGEMAKER";
    static constexpr const char* kSecret = "fake/Secret+Key0123456789abcdefghijklmn";
    static constexpr const char* kToken = "session-token-for-tests";

    // `format` answers endpoints without a -tgi/-lmi/-openai suffix; `withToken` makes the
    // fake require kToken as X-Amz-Security-Token.
    bool start(const QString& format = QStringLiteral("tgi"), bool withToken = false) {
        QStringList args = {QStringLiteral(HEARTH_SOURCE_DIR "/tests/remote/aws/fake_sagemaker.py"),
                            QStringLiteral("--access-key"),
                            QString::fromLatin1(kAccessKey),
                            QStringLiteral("--secret"),
                            QString::fromLatin1(kSecret),
                            QStringLiteral("--format"),
                            format};
        if (withToken) args << QStringLiteral("--token") << QString::fromLatin1(kToken);
        process_.setProgram(QStringLiteral(HEARTH_PYTHON));
        process_.setArguments(args);
        process_.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process_.start();
        if (!process_.waitForStarted(10000)) {
            qWarning("cannot start %s: %s", HEARTH_PYTHON, qPrintable(process_.errorString()));
            return false;
        }
        while (!process_.canReadLine() && process_.waitForReadyRead(10000)) {
        }
        const QByteArray line = process_.readLine().trimmed();
        if (!line.startsWith("PORT ")) {
            qWarning("fake SageMaker did not report its port: '%s'", line.constData());
            return false;
        }
        port_ = line.mid(5).toInt();
        return port_ > 0;
    }

    ~FakeSageMaker() {
        if (process_.state() == QProcess::NotRunning) return;
        process_.closeWriteChannel();  // the fake exits when its stdin closes
        if (!process_.waitForFinished(3000)) {
            process_.kill();
            process_.waitForFinished(3000);
        }
    }

    int port() const { return port_; }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(port_); }

private:
    QProcess process_;
    int port_ = 0;
};

}  // namespace hearth::test
