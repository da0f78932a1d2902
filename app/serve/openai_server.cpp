#include "serve/openai_server.h"

#include <QDateTime>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTimer>

#include "serve/openai_api.h"

namespace hearth::serve {
namespace {

QByteArray reasonPhrase(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 411:
            return "Length Required";
        case 413:
            return "Payload Too Large";
        case 431:
            return "Request Header Fields Too Large";
        case 503:
            return "Service Unavailable";
        default:
            return status >= 500 ? "Internal Server Error" : "Error";
    }
}

QByteArray chunkFrame(const QByteArray& data) {
    return QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n";
}

QByteArray sseEvent(const QByteArray& json) {
    return chunkFrame("data: " + json + "\n\n");
}

QByteArray streamHead(bool keepAlive) {
    return QByteArray(
               "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
               "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n") +
           (keepAlive ? "" : "Connection: close\r\n") + "\r\n";
}

}  // namespace

struct OpenAIServer::Connection {
    QPointer<QTcpSocket> socket;
    HttpRequestParser parser;
    bool busy = false;  // a request is being answered; later ones wait in the parser
    bool keepAlive = true;
    bool closed = false;
};

struct OpenAIServer::Exchange {
    std::shared_ptr<Connection> connection;
    Endpoint endpoint = Endpoint::Chat;
    ApiRequest request;
    ResponseIds ids;
    bool headersSent = false;
    QString text;
};

OpenAIServer::OpenAIServer(Target* target, ServerOptions options, QObject* parent)
    : QObject(parent), target_(target), options_(std::move(options)) {
    if (options_.modelName.isEmpty()) options_.modelName = target_->displayName();
    connect(&server_, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket* socket = server_.nextPendingConnection())
            accept(socket);
    });
}

OpenAIServer::~OpenAIServer() {
    if (activeJob_) activeJob_->cancel();
}

bool OpenAIServer::listen(QString* error) {
    if (server_.listen(options_.host, options_.port)) return true;
    *error = QStringLiteral("cannot listen on %1:%2: %3")
                 .arg(options_.host.toString())
                 .arg(options_.port)
                 .arg(server_.errorString());
    return false;
}

void OpenAIServer::accept(QTcpSocket* socket) {
    auto connection = std::make_shared<Connection>();
    connection->socket = socket;
    connect(socket, &QTcpSocket::readyRead, this, [this, connection] {
        if (!connection->socket) return;
        connection->parser.feed(connection->socket->readAll());
        processInput(connection);
    });
    connect(socket, &QTcpSocket::disconnected, this, [this, connection, socket] {
        connection->closed = true;
        // A client gone while waiting leaves the queue; while generating, its job stops.
        std::erase_if(queue_, [&](const auto& e) {
            if (e->connection != connection) return false;
            qInfo("serve: %s: client disconnected while queued", qPrintable(e->ids.id));
            return true;
        });
        if (active_ && active_->connection == connection && activeJob_) {
            qInfo("serve: %s: client disconnected, generation cancelled",
                  qPrintable(active_->ids.id));
            activeJob_->cancel();
        }
        socket->deleteLater();
    });
}

void OpenAIServer::processInput(const std::shared_ptr<Connection>& connection) {
    while (!connection->busy && !connection->closed) {
        std::optional<HttpRequest> request = connection->parser.next();
        if (!request) {
            if (const int status = connection->parser.errorStatus()) {
                connection->keepAlive = false;
                respond(connection, status,
                        errorBody(QString::fromUtf8(connection->parser.errorMessage()),
                                  QStringLiteral("invalid_request_error")));
            }
            return;
        }
        connection->busy = true;
        connection->keepAlive = request->keepAlive();
        handle(connection, *request);
    }
}

void OpenAIServer::handle(const std::shared_ptr<Connection>& connection,
                          const HttpRequest& request) {
    const QByteArray& path = request.path;
    if (path == "/health") {
        respond(connection, 200, R"({"status":"ok"})");
        return;
    }
    if (!options_.apiKey.isEmpty() &&
        request.header("authorization") != "Bearer " + options_.apiKey.toUtf8()) {
        respond(
            connection, 401,
            errorBody(QStringLiteral("Incorrect or missing API key (Authorization: Bearer …)"),
                      QStringLiteral("invalid_request_error"), QStringLiteral("invalid_api_key")));
        return;
    }
    const bool chat = path == "/v1/chat/completions";
    if (path == "/v1/models") {
        if (request.method != "GET") {
            respond(connection, 405,
                    errorBody(QStringLiteral("use GET"), QStringLiteral("invalid_request_error")));
            return;
        }
        respond(connection, 200,
                modelsList(options_.modelName, QDateTime::currentSecsSinceEpoch()));
        return;
    }
    if (!chat && path != "/v1/completions") {
        respond(connection, 404,
                errorBody(QStringLiteral("no route %1").arg(QString::fromUtf8(path)),
                          QStringLiteral("invalid_request_error")));
        return;
    }
    if (request.method != "POST") {
        respond(connection, 405,
                errorBody(QStringLiteral("use POST"), QStringLiteral("invalid_request_error")));
        return;
    }
    auto exchange = std::make_shared<Exchange>();
    exchange->connection = connection;
    exchange->endpoint = chat ? Endpoint::Chat : Endpoint::Completions;
    QString error;
    if (!parseApiRequest(exchange->endpoint, request.body, &exchange->request, &error)) {
        respond(connection, 400, errorBody(error, QStringLiteral("invalid_request_error")));
        return;
    }
    if (int(queue_.size()) >= options_.maxQueued) {
        respond(
            connection, 503,
            errorBody(
                QStringLiteral("the server is busy: %1 requests are waiting").arg(queue_.size()),
                QStringLiteral("server_error"), QStringLiteral("queue_full")),
            {{"Retry-After", "1"}});
        return;
    }
    exchange->ids.id =
        (chat ? QStringLiteral("chatcmpl-hearth-") : QStringLiteral("cmpl-hearth-")) +
        QString::number(nextId_++);
    exchange->ids.created = QDateTime::currentSecsSinceEpoch();
    exchange->ids.model = options_.modelName;
    queue_.push_back(exchange);
    pump();
}

void OpenAIServer::pump() {
    if (active_ || queue_.empty()) return;
    std::shared_ptr<Exchange> next = queue_.front();
    queue_.pop_front();
    startExchange(next);
}

void OpenAIServer::startExchange(const std::shared_ptr<Exchange>& exchange) {
    active_ = exchange;
    Sink sink;
    sink.onPiece = [this, exchange](const QString& piece) {
        if (exchange->connection->closed) return;
        if (!exchange->request.stream) {
            exchange->text += piece;
            return;
        }
        QTcpSocket* socket = exchange->connection->socket;
        if (!exchange->headersSent) {
            socket->write(streamHead(exchange->connection->keepAlive));
            exchange->headersSent = true;
            if (exchange->endpoint == Endpoint::Chat)
                socket->write(sseEvent(streamChunk(exchange->endpoint, exchange->ids, {}, true)));
        }
        socket->write(sseEvent(streamChunk(exchange->endpoint, exchange->ids, piece, false)));
    };
    sink.onFinished = [this, exchange](const GenerationStats& stats) {
        finishExchange(exchange, stats);
    };
    activeJob_ = target_->start(exchange->request.generation, sink);
}

void OpenAIServer::finishExchange(const std::shared_ptr<Exchange>& exchange,
                                  const GenerationStats& stats) {
    active_.reset();
    activeJob_.reset();
    qInfo("serve: %s finished: %s, %d prompt + %d completion tokens", qPrintable(exchange->ids.id),
          finish_reason_name(stats.finish), stats.prompt_tokens, stats.completion_tokens);
    const std::shared_ptr<Connection>& connection = exchange->connection;
    if (!connection->closed) {
        const bool failed =
            stats.finish == FinishReason::error || stats.finish == FinishReason::cancelled;
        const QString message = stats.finish == FinishReason::cancelled
                                    ? QStringLiteral("generation was cancelled")
                                    : QString::fromStdString(stats.error);
        if (!exchange->request.stream || (!exchange->headersSent && failed)) {
            if (failed)
                respond(connection, 500, errorBody(message, QStringLiteral("server_error")));
            else
                respond(connection, 200,
                        fullResponse(exchange->endpoint, exchange->ids, exchange->text, stats));
        } else {
            QByteArray tail;
            if (!exchange->headersSent) {  // an empty reply
                tail += streamHead(connection->keepAlive);
                if (exchange->endpoint == Endpoint::Chat)
                    tail += sseEvent(streamChunk(exchange->endpoint, exchange->ids, {}, true));
            }
            if (failed) {
                tail += sseEvent(errorBody(message, QStringLiteral("server_error")));
            } else {
                const QJsonObject usage = usageObject(stats);
                // Usage rides on the finish chunk; a client that asked for include_usage
                // also gets OpenAI's separate usage-only chunk.
                tail +=
                    sseEvent(finishChunk(exchange->endpoint, exchange->ids, stats.finish, usage));
                if (exchange->request.includeUsage)
                    tail += sseEvent(usageChunk(exchange->endpoint, exchange->ids, usage));
            }
            tail += sseEvent("[DONE]") + "0\r\n\r\n";
            connection->socket->write(tail);
            requestDone(connection);
        }
    }
    // Next in line, from the event loop (not from inside the target's callback).
    QTimer::singleShot(0, this, [this] { pump(); });
}

void OpenAIServer::respond(const std::shared_ptr<Connection>& connection, int status,
                           const QByteArray& body,
                           const QList<QPair<QByteArray, QByteArray>>& extra) {
    if (connection->closed || !connection->socket) return;
    QByteArray head =
        "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) +
        "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
        "\r\n";
    for (const auto& [name, value] : extra)
        head += name + ": " + value + "\r\n";
    if (!connection->keepAlive) head += "Connection: close\r\n";
    connection->socket->write(head + "\r\n" + body);
    requestDone(connection);
}

void OpenAIServer::requestDone(const std::shared_ptr<Connection>& connection) {
    connection->busy = false;
    if (!connection->keepAlive || connection->parser.errorStatus()) {
        connection->socket->disconnectFromHost();
        return;
    }
    // A pipelined request may already be buffered.
    QTimer::singleShot(0, this, [this, connection] { processInput(connection); });
}

}  // namespace hearth::serve
