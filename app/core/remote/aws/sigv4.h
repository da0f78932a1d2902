#pragma once
// AWS Signature Version 4 (AWS4-HMAC-SHA256), header and presigned-query forms, as specified
// by the IAM user guide and checked case by case against the aws-c-auth signing test suite
// (tests/data/aws/sigv4). SageMaker runtime signs with service "sagemaker".
//
// The request is described as it goes on the wire: `path` and `query` are the bytes of the
// request line (percent-encoded or raw), headers in the order sent. The canonical URI encodes
// the wire path once more, which is the "double encoding" every AWS service except S3 expects.
#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QPair>
#include <QString>

namespace hearth::remote::aws {

using RawHeaders = QList<QPair<QByteArray, QByteArray>>;

struct AwsCredentials {
    QString accessKeyId;
    QString secretAccessKey;
    QString sessionToken;  // empty for long-term keys
    QString source;        // where they came from, for messages ("environment", "profile x")

    bool isValid() const { return !accessKeyId.isEmpty() && !secretAccessKey.isEmpty(); }
};

struct SigningRequest {
    QByteArray method = "POST";
    QByteArray path = "/";
    QByteArray query;    // without the '?'
    RawHeaders headers;  // every header here is signed; must include Host
    QByteArray body;
};

struct SigningParams {
    QString region;
    QString service;
    QDateTime time;                 // UTC signing time
    bool normalizePath = true;      // remove "." / ".." segments and empty segments
    bool signBody = false;          // add and sign x-amz-content-sha256 (S3 convention)
    bool omitSessionToken = false;  // add the token after signing (some STS flows)
    int expiresSeconds = 3600;      // presigned query only
};

struct SigningResult {
    QByteArray canonicalRequest;
    QByteArray stringToSign;
    QByteArray signature;  // lowercase hex
    // Header form: the headers to add to the request (X-Amz-Date, X-Amz-Security-Token,
    // x-amz-content-sha256 when asked, Authorization), in that order.
    RawHeaders addedHeaders;
    // Query form: the complete query string to send (original parameters first).
    QByteArray presignedQuery;
};

// Signs with an Authorization header.
SigningResult signWithHeaders(const SigningRequest& request, const AwsCredentials& credentials,
                              const SigningParams& params);
// Presigned URL: the signature and credentials go into the query string.
SigningResult presignQuery(const SigningRequest& request, const AwsCredentials& credentials,
                           const SigningParams& params);

// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters (A-Z a-z 0-9 - _ . ~)
// kept, everything else %XX with uppercase hex; '/' kept only when `keepSlash`.
QByteArray uriEncode(const QByteArray& bytes, bool keepSlash);

}  // namespace hearth::remote::aws
