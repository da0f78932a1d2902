#pragma once
// OpenAIServer: `hearth serve`, an OpenAI-compatible HTTP API over any Target.
//   GET  /v1/models             the one model served
//   POST /v1/chat/completions   stream (SSE, chunked) and non-stream; usage in the final chunk
//   POST /v1/completions        raw prompt
//   GET  /health
// Built on QTcpServer rather than QHttpServer: Qt 6.4's QHttpServer cannot stream a chunked
// response from a callback and does not tell a handler that its client went away, and both
// are the point here (token streaming; a closed connection cancels its generation).
//
// Requests are served one at a time (a Target generates one reply at a time) from one FIFO
// queue shared by all connections, so every client is served in arrival order; the queue is
// bounded and a request beyond it gets 503 with Retry-After. A client that disconnects while
// queued is dropped from the queue; while generating, its job is cancelled at once.
// Lives on one thread (the caller's); the Target's callbacks arrive there.
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <deque>
#include <memory>

#include "core/target/target.h"
#include "serve/http_request_parser.h"

class QTcpSocket;

namespace hearth::serve {

struct ServerOptions {
    QHostAddress host = QHostAddress::LocalHost;
    quint16 port = 8080;  // 0 = any free port
    QString apiKey;       // empty = no authentication
    int maxQueued = 8;    // waiting requests beyond the one generating
    QString modelName;    // reported by /v1/models and in responses
};

class OpenAIServer : public QObject {
    Q_OBJECT
public:
    OpenAIServer(Target* target, ServerOptions options, QObject* parent = nullptr);
    ~OpenAIServer() override;

    bool listen(QString* error);
    quint16 port() const { return server_.serverPort(); }
    int queuedCount() const { return int(queue_.size()); }
    bool busy() const { return active_ != nullptr; }

private:
    struct Connection;
    struct Exchange;

    void accept(QTcpSocket* socket);
    void processInput(const std::shared_ptr<Connection>& connection);
    void handle(const std::shared_ptr<Connection>& connection, const HttpRequest& request);
    void pump();
    void startExchange(const std::shared_ptr<Exchange>& exchange);
    void finishExchange(const std::shared_ptr<Exchange>& exchange, const GenerationStats& stats);
    void respond(const std::shared_ptr<Connection>& connection, int status, const QByteArray& body,
                 const QList<QPair<QByteArray, QByteArray>>& extra = {});
    void requestDone(const std::shared_ptr<Connection>& connection);

    Target* target_;
    ServerOptions options_;
    QTcpServer server_;
    std::deque<std::shared_ptr<Exchange>> queue_;
    std::shared_ptr<Exchange> active_;
    std::shared_ptr<Job> activeJob_;
    quint64 nextId_ = 1;
};

}  // namespace hearth::serve
