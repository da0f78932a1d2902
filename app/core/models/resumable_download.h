#pragma once
// One file fetched over HTTP into a part file that survives a cancel or a failure, so the
// next attempt asks only for the rest (Range: bytes=N-). A server that ignores the range
// (200 instead of 206) makes the part file start over. The sha256 covers the whole file:
// the bytes already on disk are hashed when the download starts and new ones as they
// arrive, so the digest is ready the moment the last byte is. A complete file whose digest
// differs is deleted (resuming it could never succeed); a cancel or any other failure keeps
// it. Asynchronous, on the thread's event loop.
#include <QCryptographicHash>
#include <QFile>
#include <QObject>
#include <QPointer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace hearth {

class ResumableDownload : public QObject {
    Q_OBJECT
public:
    struct Target {
        QUrl url;
        QString partPath;
        qint64 size = -1;  // expected, when known (-1: take the server's word)
        QString sha256;    // expected, lower-case hex
    };

    ResumableDownload(QNetworkAccessManager* network, Target target, QObject* parent = nullptr);
    ~ResumableDownload() override;

    void start();
    // Stops; the part file stays for a later resume. finished(false, …) follows.
    void cancel();

    bool wasCancelled() const { return cancelled_; }
    qint64 received() const { return received_; }  // bytes in the part file
    qint64 resumedFrom() const { return resumedFrom_; }
    qint64 total() const { return total_; }

    // Milliseconds without a byte before the transfer counts as failed
    // (HEARTH_DOWNLOAD_TIMEOUT_MS).
    static int stallTimeoutMs();

Q_SIGNALS:
    void progress(qint64 received, qint64 total);
    void finished(bool ok, const QString& error);

private:
    bool acceptResponse();
    void onReadyRead();
    void onFinished();
    void fail(const QString& error);
    void verify();

    QNetworkAccessManager* network_;
    const Target target_;
    QFile part_;
    QCryptographicHash hash_{QCryptographicHash::Sha256};
    QPointer<QNetworkReply> reply_;
    qint64 received_ = 0;
    qint64 resumedFrom_ = 0;
    qint64 total_ = -1;
    bool responseChecked_ = false;
    bool responseUsable_ = false;
    bool cancelled_ = false;
    bool done_ = false;
};

}  // namespace hearth
