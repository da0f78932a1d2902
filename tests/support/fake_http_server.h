#pragma once
// A scripted HTTP/1.1 server on 127.0.0.1 for remote-target tests (in process, on the test's
// event loop). Each request takes the next scripted response from the queue (the last one
// repeats when the queue runs dry). A response is a status line + headers, then body pieces
// written with delays between them, then either a clean end or an abrupt close / a stall, so
// streams split at awkward byte positions, dropped connections and stalls are all scriptable.
// Every request received is recorded (method, path, headers, body) for assertions.
#include <QHostAddress>
#include <QMap>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QVector>
#include <memory>

namespace hearth::test {

struct FakeResponse {
    int status = 200;
    QByteArray reason = "OK";
    QList<QPair<QByteArray, QByteArray>> headers;
    QVector<QByteArray> pieces;  // body, written one piece at a time
    int delayMs = 0;             // before each piece
    int firstDelayMs = 0;        // before the status line
    enum class End { Complete, Drop, Stall } end = End::Complete;
    bool chunked = true;          // Transfer-Encoding: chunked (else Content-Length / close)
    bool dropBeforeHead = false;  // close the connection without answering at all

    static FakeResponse json(int status, const QByteArray& body,
                             QList<QPair<QByteArray, QByteArray>> headers = {}) {
        FakeResponse r;
        r.status = status;
        r.reason = status == 200 ? "OK" : "Error";
        r.headers = std::move(headers);
        r.headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
        r.pieces = {body};
        r.chunked = false;
        return r;
    }
};

// Splits `data` into pieces of `size` bytes (the last may be shorter): awkward split points.
inline QVector<QByteArray> splitEvery(const QByteArray& data, int size) {
    QVector<QByteArray> pieces;
    for (qsizetype at = 0; at < data.size(); at += size)
        pieces.push_back(data.mid(at, size));
    return pieces;
}

struct ReceivedRequest {
    QByteArray method, path, body;
    QMap<QByteArray, QByteArray> headers;  // names lowercased
};

class FakeHttpServer : public QObject {
public:
    FakeHttpServer() {
        QObject::connect(&server_, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = server_.nextPendingConnection())
                accept(socket);
        });
    }
    bool listen() { return server_.listen(QHostAddress::LocalHost, 0); }
    bool isListening() const { return server_.isListening(); }
    quint16 port() const { return server_.serverPort(); }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(port()); }

    void enqueue(const FakeResponse& response) { queue_.push_back(response); }
    void clear() {
        queue_.clear();
        requests_.clear();
    }
    const QVector<ReceivedRequest>& requests() const { return requests_; }
    int openConnections() const { return open_; }
    int disconnectsSeen() const { return disconnects_; }

private:
    struct Connection {
        QPointer<QTcpSocket> socket;
        QByteArray buffer;
    };

    void accept(QTcpSocket* socket) {
        ++open_;
        auto connection = std::make_shared<Connection>();
        connection->socket = socket;
        QObject::connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            --open_;
            ++disconnects_;
            socket->deleteLater();
        });
        QObject::connect(socket, &QTcpSocket::readyRead, this, [this, connection] {
            connection->buffer += connection->socket->readAll();
            tryParse(connection);
        });
    }

    void tryParse(const std::shared_ptr<Connection>& c) {
        const qsizetype headerEnd = c->buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0) return;
        const QList<QByteArray> lines = c->buffer.left(headerEnd).split('\n');
        ReceivedRequest request;
        const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
        request.method = first.value(0);
        request.path = first.value(1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                request.headers.insert(lines[i].left(colon).trimmed().toLower(),
                                       lines[i].mid(colon + 1).trimmed());
        }
        const qsizetype length = request.headers.value("content-length", "0").toLongLong();
        if (c->buffer.size() < headerEnd + 4 + length) return;
        request.body = c->buffer.mid(headerEnd + 4, length);
        c->buffer.remove(0, headerEnd + 4 + length);
        requests_.push_back(request);
        FakeResponse response = queue_.isEmpty()
                                    ? FakeResponse::json(500, "{\"error\":\"no script\"}")
                                    : queue_.first();
        if (queue_.size() > 1) queue_.removeFirst();
        respond(c->socket, response);
    }

    void respond(QPointer<QTcpSocket> socket, const FakeResponse& r) {
        auto step = std::make_shared<int>(-1);
        auto timer = new QTimer(socket);
        timer->setSingleShot(true);
        QObject::connect(timer, &QTimer::timeout, socket, [socket, r, step, timer] {
            if (!socket) return;
            if (*step == -1 && r.dropBeforeHead) {
                socket->abort();
                return;
            }
            if (*step == -1) {
                QByteArray head =
                    "HTTP/1.1 " + QByteArray::number(r.status) + ' ' + r.reason + "\r\n";
                for (const auto& [k, v] : r.headers)
                    head += k + ": " + v + "\r\n";
                if (r.chunked) {
                    head += "Transfer-Encoding: chunked\r\n";
                } else {
                    qsizetype total = 0;
                    for (const QByteArray& p : r.pieces)
                        total += p.size();
                    head += "Content-Length: " + QByteArray::number(total) + "\r\n";
                }
                head += "Connection: close\r\n\r\n";
                socket->write(head);
            } else if (*step < r.pieces.size()) {
                const QByteArray& piece = r.pieces[*step];
                if (r.chunked)
                    socket->write(QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n");
                else
                    socket->write(piece);
            }
            socket->flush();
            ++*step;
            if (*step < r.pieces.size()) {
                timer->start(r.delayMs);
                return;
            }
            switch (r.end) {
                case FakeResponse::End::Complete:
                    if (r.chunked) socket->write("0\r\n\r\n");
                    socket->disconnectFromHost();
                    break;
                case FakeResponse::End::Drop:
                    socket->abort();
                    break;
                case FakeResponse::End::Stall:
                    break;  // keep the connection open, send nothing more
            }
        });
        timer->start(r.firstDelayMs);
    }

    QTcpServer server_;
    QVector<FakeResponse> queue_;
    QVector<ReceivedRequest> requests_;
    int open_ = 0;
    int disconnects_ = 0;
};

}  // namespace hearth::test
