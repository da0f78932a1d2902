#pragma once
// A minimal HTTP/1.1 request parser for `hearth serve`: request line, headers and a
// Content-Length body (what OpenAI clients send). Bytes are fed as they arrive; a request is
// complete once its body is. Oversized or malformed input is an error with the status to
// answer (400, 411, 413, 431), never an unbounded buffer.
#include <QByteArray>
#include <QMap>
#include <optional>

namespace hearth::serve {

struct HttpRequest {
    QByteArray method;
    QByteArray path;  // without the query
    QByteArray query;
    QByteArray version;                    // "HTTP/1.1"
    QMap<QByteArray, QByteArray> headers;  // names lowercased
    QByteArray body;

    QByteArray header(const QByteArray& lowercaseName) const {
        return headers.value(lowercaseName);
    }
    bool keepAlive() const;
};

class HttpRequestParser {
public:
    static constexpr qsizetype kMaxHeaderBytes = 64 * 1024;
    static constexpr qsizetype kMaxBodyBytes = 8 * 1024 * 1024;

    void feed(const QByteArray& bytes) { buffer_ += bytes; }
    // The next complete request, if the buffer holds one; sets errorStatus() on bad input.
    std::optional<HttpRequest> next();
    int errorStatus() const { return errorStatus_; }
    QByteArray errorMessage() const { return errorMessage_; }

private:
    void setError(int status, const QByteArray& message) {
        errorStatus_ = status;
        errorMessage_ = message;
    }

    QByteArray buffer_;
    int errorStatus_ = 0;
    QByteArray errorMessage_;
};

}  // namespace hearth::serve
