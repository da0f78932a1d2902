#include "core/remote/aws/sigv4.h"

#include <QCryptographicHash>
#include <QMap>
#include <QMessageAuthenticationCode>
#include <algorithm>

namespace hearth::remote::aws {
namespace {

constexpr char kAlgorithm[] = "AWS4-HMAC-SHA256";

QByteArray sha256Hex(const QByteArray& data) {
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

QByteArray hmac(const QByteArray& key, const QByteArray& message) {
    return QMessageAuthenticationCode::hash(message, key, QCryptographicHash::Sha256);
}

bool isUnreserved(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~';
}

// Removes "." and ".." segments and collapses repeated slashes; keeps a trailing slash.
QByteArray normalizePath(const QByteArray& path) {
    QList<QByteArray> kept;
    for (const QByteArray& segment : path.split('/')) {
        if (segment.isEmpty() || segment == ".") continue;
        if (segment == "..") {
            if (!kept.isEmpty()) kept.removeLast();
            continue;
        }
        kept.append(segment);
    }
    QByteArray out = "/" + kept.join('/');
    if (!kept.isEmpty() && path.endsWith('/')) out += '/';
    return out;
}

// Header values: trimmed, and every run of whitespace (folded lines included) becomes one
// space.
QByteArray canonicalHeaderValue(const QByteArray& value) {
    QByteArray out;
    out.reserve(value.size());
    bool pendingSpace = false;
    for (const char c : value) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            pendingSpace = !out.isEmpty();
            continue;
        }
        if (pendingSpace) out += ' ';
        pendingSpace = false;
        out += c;
    }
    return out;
}

// name -> values in the order sent; QMap keeps the names sorted (byte order, as SigV4 wants).
using HeaderMap = QMap<QByteArray, QList<QByteArray>>;

HeaderMap headerMap(const RawHeaders& headers) {
    HeaderMap map;
    for (const auto& [name, value] : headers)
        map[name.trimmed().toLower()].append(canonicalHeaderValue(value));
    return map;
}

QByteArray canonicalHeaders(const HeaderMap& map) {
    QByteArray out;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        out += it.key() + ':' + it.value().join(',') + '\n';
    return out;
}

QByteArray signedHeaderList(const HeaderMap& map) {
    return map.keys().join(';');
}

// Decodes each parameter and re-encodes it strictly, then sorts by name and value.
QByteArray canonicalQuery(const QByteArray& query) {
    QList<QPair<QByteArray, QByteArray>> params;
    for (const QByteArray& part : query.split('&')) {
        if (part.isEmpty()) continue;
        const qsizetype eq = part.indexOf('=');
        const QByteArray name = eq < 0 ? part : part.left(eq);
        const QByteArray value = eq < 0 ? QByteArray() : part.mid(eq + 1);
        params.append({uriEncode(QByteArray::fromPercentEncoding(name), false),
                       uriEncode(QByteArray::fromPercentEncoding(value), false)});
    }
    std::sort(params.begin(), params.end());
    QByteArray out;
    for (const auto& [name, value] : params) {
        if (!out.isEmpty()) out += '&';
        out += name + '=' + value;
    }
    return out;
}

QByteArray canonicalUri(const SigningRequest& request, const SigningParams& params) {
    const QByteArray path = request.path.isEmpty() ? QByteArray("/") : request.path;
    return uriEncode(params.normalizePath ? normalizePath(path) : path, true);
}

QByteArray amzDate(const QDateTime& time) {
    return time.toUTC().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")).toLatin1();
}

QByteArray scope(const QByteArray& date, const SigningParams& params) {
    return date.left(8) + '/' + params.region.toUtf8() + '/' + params.service.toUtf8() +
           "/aws4_request";
}

// Fills stringToSign and signature from canonicalRequest.
void finishSignature(SigningResult* result, const QByteArray& date,
                     const AwsCredentials& credentials, const SigningParams& params) {
    result->stringToSign = QByteArray(kAlgorithm) + '\n' + date + '\n' + scope(date, params) +
                           '\n' + sha256Hex(result->canonicalRequest);
    QByteArray key = hmac("AWS4" + credentials.secretAccessKey.toUtf8(), date.left(8));
    key = hmac(key, params.region.toUtf8());
    key = hmac(key, params.service.toUtf8());
    key = hmac(key, "aws4_request");
    result->signature = hmac(key, result->stringToSign).toHex();
}

}  // namespace

QByteArray uriEncode(const QByteArray& bytes, bool keepSlash) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    QByteArray out;
    out.reserve(bytes.size() * 3);
    for (const char c : bytes) {
        if (isUnreserved(c) || (keepSlash && c == '/')) {
            out += c;
        } else {
            const auto b = static_cast<unsigned char>(c);
            out += '%';
            out += kHex[b >> 4];
            out += kHex[b & 15];
        }
    }
    return out;
}

SigningResult signWithHeaders(const SigningRequest& request, const AwsCredentials& credentials,
                              const SigningParams& params) {
    const QByteArray date = amzDate(params.time);
    const QByteArray bodyHash = sha256Hex(request.body);
    const QByteArray token = credentials.sessionToken.toUtf8();

    SigningResult result;
    result.addedHeaders.append({"X-Amz-Date", date});
    if (!token.isEmpty() && !params.omitSessionToken)
        result.addedHeaders.append({"X-Amz-Security-Token", token});
    if (params.signBody) result.addedHeaders.append({"x-amz-content-sha256", bodyHash});

    const HeaderMap headers = headerMap(request.headers + result.addedHeaders);
    result.canonicalRequest = request.method + '\n' + canonicalUri(request, params) + '\n' +
                              canonicalQuery(request.query) + '\n' + canonicalHeaders(headers) +
                              '\n' + signedHeaderList(headers) + '\n' + bodyHash;
    finishSignature(&result, date, credentials, params);

    if (!token.isEmpty() && params.omitSessionToken)
        result.addedHeaders.append({"X-Amz-Security-Token", token});
    result.addedHeaders.append(
        {"Authorization", QByteArray(kAlgorithm) +
                              " Credential=" + credentials.accessKeyId.toUtf8() + '/' +
                              scope(date, params) + ", SignedHeaders=" + signedHeaderList(headers) +
                              ", Signature=" + result.signature});
    return result;
}

SigningResult presignQuery(const SigningRequest& request, const AwsCredentials& credentials,
                           const SigningParams& params) {
    const QByteArray date = amzDate(params.time);
    const QByteArray token = credentials.sessionToken.toUtf8();
    const HeaderMap headers = headerMap(request.headers);

    auto param = [](const QByteArray& name, const QByteArray& value) {
        return name + '=' + uriEncode(value, false);
    };
    QByteArray signedQuery = request.query;
    auto append = [&](const QByteArray& text) {
        if (!signedQuery.isEmpty()) signedQuery += '&';
        signedQuery += text;
    };
    append(param("X-Amz-Algorithm", kAlgorithm));
    append(param("X-Amz-Credential", credentials.accessKeyId.toUtf8() + '/' + scope(date, params)));
    append(param("X-Amz-Date", date));
    append(param("X-Amz-SignedHeaders", signedHeaderList(headers)));
    append(param("X-Amz-Expires", QByteArray::number(params.expiresSeconds)));
    if (!token.isEmpty() && !params.omitSessionToken) append(param("X-Amz-Security-Token", token));

    SigningResult result;
    result.canonicalRequest = request.method + '\n' + canonicalUri(request, params) + '\n' +
                              canonicalQuery(signedQuery) + '\n' + canonicalHeaders(headers) +
                              '\n' + signedHeaderList(headers) + '\n' + sha256Hex(request.body);
    finishSignature(&result, date, credentials, params);

    if (!token.isEmpty() && params.omitSessionToken) append(param("X-Amz-Security-Token", token));
    append(param("X-Amz-Signature", result.signature));
    result.presignedQuery = signedQuery;
    return result;
}

}  // namespace hearth::remote::aws
