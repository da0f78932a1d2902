#include "core/models/resumable_download.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>

namespace hearth {
namespace {

QString megabytes(qint64 bytes) {
    return QString::number(bytes / 1e6, 'f', 1) + QStringLiteral(" MB");
}

}  // namespace

ResumableDownload::ResumableDownload(QNetworkAccessManager* network, Target target, QObject* parent)
    : QObject(parent), network_(network), target_(std::move(target)), part_(target_.partPath) {}

ResumableDownload::~ResumableDownload() {
    if (reply_) {
        reply_->disconnect(this);
        reply_->abort();
        reply_->deleteLater();
    }
}

int ResumableDownload::stallTimeoutMs() {
    bool ok = false;
    const int fromEnv = qEnvironmentVariableIntValue("HEARTH_DOWNLOAD_TIMEOUT_MS", &ok);
    return ok && fromEnv > 0 ? fromEnv : 30000;
}

void ResumableDownload::start() {
    if (!part_.open(QIODevice::ReadWrite)) {
        fail(QStringLiteral("cannot write %1: %2").arg(target_.partPath, part_.errorString()));
        return;
    }
    // A part file longer than the whole is not ours to resume.
    if (target_.size >= 0 && part_.size() > target_.size) part_.resize(0);
    // Bring the digest up to date with what is already there.
    QByteArray buffer;
    while (!(buffer = part_.read(4 << 20)).isEmpty())
        hash_.addData(buffer);
    received_ = resumedFrom_ = part_.size();
    total_ = target_.size;
    if (target_.size >= 0 && received_ == target_.size) {
        verify();  // complete already: a previous run stopped between download and check
        return;
    }

    QNetworkRequest request(target_.url);
    // Identity encoding: byte offsets must be those of the file itself.
    request.setRawHeader("Accept-Encoding", "identity");
    request.setRawHeader("User-Agent", "Hearth/" HEARTH_VERSION);
    if (received_ > 0)
        request.setRawHeader("Range", "bytes=" + QByteArray::number(received_) + '-');
    request.setTransferTimeout(stallTimeoutMs());
    reply_ = network_->get(request);
    connect(reply_, &QNetworkReply::readyRead, this, &ResumableDownload::onReadyRead);
    connect(reply_, &QNetworkReply::finished, this, &ResumableDownload::onFinished);
}

void ResumableDownload::cancel() {
    if (done_) return;
    cancelled_ = true;
    if (reply_)
        reply_->abort();  // finished() follows, synchronously
    else
        fail(QStringLiteral("cancelled"));
}

bool ResumableDownload::acceptResponse() {
    if (responseChecked_) return responseUsable_;
    responseChecked_ = true;
    const int status = reply_->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 206) {
        // "bytes START-END/TOTAL": the range must start where the part file ends.
        static const QRegularExpression contentRange(
            QStringLiteral(R"(bytes (\d+)-(\d+)/(\d+|\*))"));
        const auto match =
            contentRange.match(QString::fromLatin1(reply_->rawHeader("Content-Range")));
        if (!match.hasMatch() || match.captured(1).toLongLong() != received_) return false;
        if (match.captured(3) != QLatin1String("*")) total_ = match.captured(3).toLongLong();
        responseUsable_ = true;
    } else if (status == 200) {
        // The whole file again (the server does not do ranges): start over.
        part_.resize(0);
        part_.seek(0);
        hash_.reset();
        received_ = resumedFrom_ = 0;
        const qint64 length = reply_->header(QNetworkRequest::ContentLengthHeader).toLongLong();
        if (length > 0) total_ = length;
        responseUsable_ = true;
    }
    if (target_.size >= 0 && total_ != target_.size) responseUsable_ = false;
    return responseUsable_;
}

void ResumableDownload::onReadyRead() {
    if (!acceptResponse()) {
        reply_->abort();
        return;
    }
    const QByteArray data = reply_->readAll();
    part_.seek(received_);
    if (part_.write(data) != data.size()) {
        const QString why = part_.errorString();
        reply_->disconnect(this);
        reply_->abort();
        fail(QStringLiteral("cannot write %1: %2").arg(target_.partPath, why));
        return;
    }
    hash_.addData(data);
    received_ += data.size();
    Q_EMIT progress(received_, total_);
}

void ResumableDownload::onFinished() {
    QNetworkReply* reply = reply_;
    reply->deleteLater();
    if (done_) return;
    const QString name = target_.url.fileName();
    if (cancelled_) {
        fail(QStringLiteral("cancelled"));
        return;
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 0 && status != 200 && status != 206) {
        if (status == 416) part_.resize(0);  // our range made no sense to it: start over next time
        fail(QStringLiteral("%1 answered HTTP %2 for %3")
                 .arg(target_.url.host())
                 .arg(status)
                 .arg(name));
        return;
    }
    if (responseChecked_ && !responseUsable_) {
        fail(
            QStringLiteral("%1 answered with the wrong part of %2 (expected %3 bytes from byte %4)")
                .arg(target_.url.host(), name)
                .arg(target_.size)
                .arg(resumedFrom_));
        return;
    }
    if (reply->error() != QNetworkReply::NoError) {
        // Without a cancel of ours, "canceled" is the transfer timeout: the network went
        // quiet (a cable pulled, a suspended laptop), which no socket error reports.
        const QString why =
            reply->error() == QNetworkReply::OperationCanceledError
                ? QStringLiteral("no data for %1 s (network gone?)").arg(stallTimeoutMs() / 1000.0)
                : reply->errorString();
        fail(QStringLiteral("download of %1 stopped at %2 of %3: %4")
                 .arg(name, megabytes(received_),
                      total_ >= 0 ? megabytes(total_) : QStringLiteral("?"), why));
        return;
    }
    if (!responseChecked_ && !acceptResponse()) {  // an empty body never reached onReadyRead
        fail(QStringLiteral("%1 sent nothing for %2").arg(target_.url.host(), name));
        return;
    }
    if (total_ >= 0 && received_ != total_) {
        fail(QStringLiteral("download of %1 ended early at %2 of %3")
                 .arg(name, megabytes(received_), megabytes(total_)));
        return;
    }
    verify();
}

void ResumableDownload::verify() {
    part_.flush();
    const QString digest = QString::fromLatin1(hash_.result().toHex());
    if (!target_.sha256.isEmpty() && digest != target_.sha256) {
        part_.close();
        part_.remove();
        fail(QStringLiteral("sha256 mismatch for %1: expected %2, got %3 (the partial download "
                            "was discarded)")
                 .arg(target_.url.fileName(), target_.sha256, digest));
        return;
    }
    part_.close();
    done_ = true;
    Q_EMIT progress(received_, received_);
    Q_EMIT finished(true, QString());
}

void ResumableDownload::fail(const QString& error) {
    if (done_) return;
    done_ = true;
    if (part_.isOpen()) part_.close();
    Q_EMIT finished(false, error);
}

}  // namespace hearth
