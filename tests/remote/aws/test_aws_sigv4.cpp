// SigV4 against every case of the aws-c-auth signing suite (tests/data/aws/sigv4/v4): the
// canonical request, string to sign and signature, for header and presigned-query signing,
// and the Authorization header / request line of the signed requests.
#include <QtTest>

#include "core/remote/aws/sigv4.h"

using namespace hearth::remote::aws;

namespace {

const QString kSuite = QStringLiteral(HEARTH_TEST_DATA_DIR "/aws/sigv4/v4");

QByteArray readFile(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

// request.txt: "METHOD PATH[?QUERY] HTTP/1.1", headers (a line starting with whitespace
// continues the previous value), blank line, body.
SigningRequest parseRequest(const QByteArray& text) {
    SigningRequest r;
    const QList<QByteArray> lines = text.split('\n');
    const QByteArray first = lines.value(0);
    const qsizetype sp = first.indexOf(' ');
    QByteArray target = first.mid(sp + 1, first.lastIndexOf(" HTTP/") - sp - 1);
    r.method = first.left(sp);
    const qsizetype q = target.indexOf('?');
    r.path = q < 0 ? target : target.left(q);
    r.query = q < 0 ? QByteArray() : target.mid(q + 1);
    qsizetype i = 1;
    for (; i < lines.size() && !lines[i].isEmpty(); ++i) {
        const QByteArray& line = lines[i];
        if (line.startsWith(' ') || line.startsWith('\t')) {
            r.headers.last().second += ' ' + line;
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        r.headers.append({line.left(colon), line.mid(colon + 1)});
    }
    if (i + 1 < lines.size()) r.body = lines.mid(i + 1).join('\n');
    return r;
}

struct Case {
    SigningRequest request;
    AwsCredentials credentials;
    SigningParams params;
};

Case loadCase(const QString& dir) {
    Case c;
    const QJsonObject ctx = QJsonDocument::fromJson(readFile(dir + "/context.json")).object();
    const QJsonObject creds = ctx.value("credentials").toObject();
    c.credentials.accessKeyId = creds.value("access_key_id").toString();
    c.credentials.secretAccessKey = creds.value("secret_access_key").toString();
    c.credentials.sessionToken = creds.value("token").toString();
    c.params.region = ctx.value("region").toString();
    c.params.service = ctx.value("service").toString();
    c.params.time = QDateTime::fromString(ctx.value("timestamp").toString(), Qt::ISODate);
    c.params.normalizePath = ctx.value("normalize").toBool();
    c.params.signBody = ctx.value("sign_body").toBool();
    c.params.omitSessionToken = ctx.value("omit_session_token").toBool();
    c.params.expiresSeconds = ctx.value("expiration_in_seconds").toInt();
    c.request = parseRequest(readFile(dir + "/request.txt"));
    return c;
}

QByteArray headerValue(const QByteArray& signedRequest, const QByteArray& name) {
    for (const QByteArray& line : signedRequest.split('\n'))
        if (line.toLower().startsWith(name.toLower() + ':')) return line.mid(name.size() + 1);
    return {};
}

}  // namespace

class TestAwsSigV4 : public QObject {
    Q_OBJECT

private slots:
    void suite_data() {
        QTest::addColumn<QString>("dir");
        const QStringList cases = QDir(kSuite).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        QCOMPARE(cases.size(), 38);  // the whole v4 suite is present
        for (const QString& name : cases)
            QTest::newRow(qPrintable(name)) << kSuite + '/' + name;
    }

    void suite() {
        QFETCH(QString, dir);
        const Case c = loadCase(dir);

        const SigningResult h = signWithHeaders(c.request, c.credentials, c.params);
        QCOMPARE(h.canonicalRequest, readFile(dir + "/header-canonical-request.txt"));
        QCOMPARE(h.stringToSign, readFile(dir + "/header-string-to-sign.txt"));
        QCOMPARE(h.signature, readFile(dir + "/header-signature.txt"));
        const QByteArray signedRequest = readFile(dir + "/header-signed-request.txt");
        for (const auto& [name, value] : h.addedHeaders)
            QCOMPARE(value, headerValue(signedRequest, name));

        const SigningResult q = presignQuery(c.request, c.credentials, c.params);
        QCOMPARE(q.canonicalRequest, readFile(dir + "/query-canonical-request.txt"));
        QCOMPARE(q.stringToSign, readFile(dir + "/query-string-to-sign.txt"));
        QCOMPARE(q.signature, readFile(dir + "/query-signature.txt"));
        const QByteArray firstLine = readFile(dir + "/query-signed-request.txt").split('\n')[0];
        QCOMPARE(firstLine.mid(firstLine.indexOf('?') + 1,
                               firstLine.lastIndexOf(" HTTP/") - firstLine.indexOf('?') - 1),
                 q.presignedQuery);
    }

    // SageMaker/Bedrock specifics the suite does not cover: service name in the scope, and a
    // path that is already percent-encoded on the wire is encoded once more when signed.
    void double_encodes_wire_path() {
        SigningRequest r;
        r.path = "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Aimported-model%2Fabc/invoke";
        r.headers = {{"Host", "bedrock-runtime.us-east-1.amazonaws.com"}};
        SigningParams p;
        p.region = "us-east-1";
        p.service = "bedrock";
        p.time = QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5), Qt::UTC);
        const SigningResult s = signWithHeaders(r, {"AKID", "SECRET", {}, {}}, p);
        QVERIFY(s.canonicalRequest.startsWith(
            "POST\n/model/arn%253Aaws%253Abedrock%253Aus-east-1%253A1%253Aimported-model%252Fabc/"
            "invoke\n"));
        QVERIFY(s.stringToSign.contains("\n20240102/us-east-1/bedrock/aws4_request\n"));
        QVERIFY(s.addedHeaders.contains({"X-Amz-Date", "20240102T030405Z"}));
    }
};

QTEST_GUILESS_MAIN(TestAwsSigV4)
#include "test_aws_sigv4.moc"
