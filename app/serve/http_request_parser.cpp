#include "serve/http_request_parser.h"

namespace hearth::serve {

bool HttpRequest::keepAlive() const {
    const QByteArray connection = header("connection").toLower();
    if (version == "HTTP/1.0") return connection.contains("keep-alive");
    return !connection.contains("close");
}

std::optional<HttpRequest> HttpRequestParser::next() {
    if (errorStatus_) return std::nullopt;
    const qsizetype headerEnd = buffer_.indexOf("\r\n\r\n");
    if (headerEnd < 0) {
        if (buffer_.size() > kMaxHeaderBytes) setError(431, "request headers too large");
        return std::nullopt;
    }
    if (headerEnd > kMaxHeaderBytes) {
        setError(431, "request headers too large");
        return std::nullopt;
    }
    const QList<QByteArray> lines = buffer_.left(headerEnd).split('\n');
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine[2].startsWith("HTTP/1.")) {
        setError(400, "malformed request line");
        return std::nullopt;
    }
    HttpRequest request;
    request.method = requestLine[0];
    const QByteArray target = requestLine[1];
    const qsizetype question = target.indexOf('?');
    request.path = question < 0 ? target : target.left(question);
    request.query = question < 0 ? QByteArray() : target.mid(question + 1);
    request.version = requestLine[2];
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            setError(400, "malformed header line");
            return std::nullopt;
        }
        request.headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
    }
    if (request.headers.contains("transfer-encoding")) {
        setError(411, "chunked request bodies are not supported; send Content-Length");
        return std::nullopt;
    }
    qsizetype length = 0;
    if (request.headers.contains("content-length")) {
        bool ok = false;
        length = request.header("content-length").toLongLong(&ok);
        if (!ok || length < 0) {
            setError(400, "bad Content-Length");
            return std::nullopt;
        }
        if (length > kMaxBodyBytes) {
            setError(413, "request body too large");
            return std::nullopt;
        }
    }
    if (buffer_.size() < headerEnd + 4 + length) return std::nullopt;
    request.body = buffer_.mid(headerEnd + 4, length);
    buffer_.remove(0, headerEnd + 4 + length);
    return request;
}

}  // namespace hearth::serve
