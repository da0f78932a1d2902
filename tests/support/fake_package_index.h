#pragma once
// A Python package index on 127.0.0.1 for download tests: it answers the JSON simple API
// (PEP 691) for the projects it holds, listing each wheel with a relative URL, its sha256
// and size, and serves the wheels with HTTP Range support. Faults are scriptable: serve
// bytes other than the listed digest, drop the connection after N body bytes (once),
// ignore Range, and pace the body (chunks with a delay between) so a test can cancel
// mid-transfer. Every request is logged (path, Range header).
//
// Thread-safe configuration and log, so it can run on a thread of its own while the test's
// thread blocks on a child process (create it, moveToThread, then call listen() through
// QMetaObject::invokeMethod with Qt::BlockingQueuedConnection).
#include <QCryptographicHash>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QMutex>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QVector>
#include <memory>

namespace hearth::test {

class FakePackageIndex : public QObject {
public:
    struct Hit {
        QByteArray path;
        QByteArray range;  // the Range header, empty when none
    };

    FakePackageIndex() : server_(this) {
        QObject::connect(&server_, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = server_.nextPendingConnection())
                accept(socket);
        });
    }

    bool listen() { return server_.listen(QHostAddress::LocalHost, port_); }
    void close() { server_.close(); }
    quint16 port() const { return server_.serverPort(); }
    QString indexUrl() const { return QStringLiteral("http://127.0.0.1:%1/simple/").arg(port()); }

    // Wheel file name as the index lists it.
    static QByteArray wheelName(const QString& project, const QString& version) {
        return (QString(project).replace(QLatin1Char('-'), QLatin1Char('_')) + QLatin1Char('-') +
                version + QStringLiteral("-py3-none-any.whl"))
            .toUtf8();
    }

    void addWheel(const QString& project, const QString& version, const QByteArray& bytes) {
        QMutexLocker lock(&mutex_);
        const QByteArray name = wheelName(project, version);
        projects_[project.toLower().toUtf8()].append(name);
        files_[name] = {bytes, bytes};
    }
    // The index keeps listing the original digest; the file served is `bytes`.
    void serveInstead(const QByteArray& fileName, const QByteArray& bytes) {
        QMutexLocker lock(&mutex_);
        files_[fileName].served = bytes;
    }
    void dropNextAfter(qint64 bodyBytes) {
        QMutexLocker lock(&mutex_);
        dropAfter_ = bodyBytes;
    }
    void setIgnoreRange(bool ignore) {
        QMutexLocker lock(&mutex_);
        ignoreRange_ = ignore;
    }
    void setPace(int chunkBytes, int delayMs) {
        QMutexLocker lock(&mutex_);
        chunk_ = chunkBytes;
        delayMs_ = delayMs;
    }
    QVector<Hit> hits() const {
        QMutexLocker lock(&mutex_);
        return hits_;
    }
    void clearHits() {
        QMutexLocker lock(&mutex_);
        hits_.clear();
    }
    QVector<Hit> wheelHits() const {
        QVector<Hit> out;
        for (const Hit& h : hits())
            if (h.path.startsWith("/files/")) out << h;
        return out;
    }

private:
    struct File {
        QByteArray listed, served;
    };

    void accept(QTcpSocket* socket) {
        auto buffer = std::make_shared<QByteArray>();
        QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QObject::connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer] {
            *buffer += socket->readAll();
            const qsizetype end = buffer->indexOf("\r\n\r\n");
            if (end < 0) return;
            const QList<QByteArray> lines = buffer->left(end).split('\n');
            buffer->clear();
            const QByteArray path = lines.value(0).split(' ').value(1);
            QByteArray range;
            for (const QByteArray& line : lines)
                if (line.toLower().startsWith("range:")) range = line.mid(6).trimmed();
            {
                QMutexLocker lock(&mutex_);
                hits_.push_back({path, range});
            }
            answer(socket, path, range);
        });
    }

    void answer(QTcpSocket* socket, const QByteArray& path, const QByteArray& range) {
        QMutexLocker lock(&mutex_);
        if (path.startsWith("/simple/")) {
            const QByteArray project = path.mid(8).chopped(path.endsWith('/') ? 1 : 0);
            if (!projects_.contains(project)) return send(socket, 404, {}, "not found");
            QJsonArray list;
            for (const QByteArray& name : projects_[project]) {
                const QByteArray& bytes = files_[name].listed;
                list.append(QJsonObject{
                    {"filename", QString::fromUtf8(name)},
                    {"url", QStringLiteral("../../files/") + QString::fromUtf8(name) +
                                QStringLiteral("#sha256=0")},
                    {"hashes", QJsonObject{{"sha256", QString::fromLatin1(
                                                          QCryptographicHash::hash(
                                                              bytes, QCryptographicHash::Sha256)
                                                              .toHex())}}},
                    {"size", bytes.size()}});
            }
            const QByteArray json = QJsonDocument(QJsonObject{{"files", list}}).toJson();
            return send(socket, 200, {"Content-Type: application/vnd.pypi.simple.v1+json"}, json);
        }
        const QByteArray name = path.mid(7);
        if (!path.startsWith("/files/") || !files_.contains(name))
            return send(socket, 404, {}, "not found");
        const QByteArray& bytes = files_[name].served;
        qint64 from = 0;
        if (range.startsWith("bytes=") && !ignoreRange_)
            from = range.mid(6).split('-').value(0).toLongLong();
        if (from >= bytes.size() && from > 0)
            return send(socket, 416, {"Content-Range: bytes */" + QByteArray::number(bytes.size())},
                        {});
        QList<QByteArray> headers{"Content-Type: application/octet-stream"};
        if (from > 0)
            headers << "Content-Range: bytes " + QByteArray::number(from) + '-' +
                           QByteArray::number(bytes.size() - 1) + '/' +
                           QByteArray::number(bytes.size());
        qint64 drop = dropAfter_;
        dropAfter_ = -1;
        send(socket, from > 0 ? 206 : 200, headers, bytes.mid(from), drop);
    }

    // Head, then the body in paced chunks; with dropAfter >= 0 the connection is closed
    // once that many body bytes are out. Called with mutex_ held.
    void send(QTcpSocket* socket, int status, const QList<QByteArray>& headers,
              const QByteArray& body, qint64 dropAfter = -1) {
        QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + " X\r\n";
        for (const QByteArray& h : headers)
            head += h + "\r\n";
        head +=
            "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n";
        socket->write(head);
        const QByteArray out = dropAfter >= 0 ? body.left(dropAfter) : body;
        const int chunk = chunk_ > 0 ? chunk_ : int(qMax<qsizetype>(out.size(), 1));
        // The timer belongs to the socket, so the pending body goes with a closed connection.
        auto* timer = new QTimer(socket);
        timer->setInterval(delayMs_);
        const auto step = [socket, timer, out, chunk, at = std::make_shared<qsizetype>(0)] {
            if (*at < out.size()) {
                socket->write(out.mid(*at, chunk));
                *at += chunk;
                return;
            }
            timer->stop();
            // A graceful close either way: a dropped transfer is one whose body ends short
            // of its Content-Length, and the bytes sent before it still arrive.
            socket->disconnectFromHost();
        };
        QObject::connect(timer, &QTimer::timeout, socket, step);
        timer->start();
        QMetaObject::invokeMethod(socket, step, Qt::QueuedConnection);  // the first chunk now
    }

    QTcpServer server_;
    quint16 port_ = 0;
    mutable QMutex mutex_;
    QMap<QByteArray, QList<QByteArray>> projects_;
    QMap<QByteArray, File> files_;
    QVector<Hit> hits_;
    qint64 dropAfter_ = -1;
    bool ignoreRange_ = false;
    int chunk_ = 0;
    int delayMs_ = 0;
};

}  // namespace hearth::test
