// Shared config/credentials files against the smithy-rs cross-SDK suites
// (tests/data/aws/config-files), and the credential/region/endpoint chain built on them.
#include <QtTest>

#include "core/remote/aws/aws_config.h"
#include "core/remote/aws/profile_file.h"

using namespace hearth::remote::aws;

namespace {

const QString kData = QStringLiteral(HEARTH_TEST_DATA_DIR "/aws/config-files");

QJsonArray loadTests(const QString& file) {
    QFile f(kData + '/' + file);
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(f.fileName()));
    const QJsonArray tests = QJsonDocument::fromJson(f.readAll()).object().value("tests").toArray();
    if (tests.isEmpty()) qFatal("no tests in %s", qPrintable(file));
    return tests;
}

QJsonObject toJson(const QMap<QString, ProfileProperties>& sections) {
    QJsonObject out;
    for (auto s = sections.cbegin(); s != sections.cend(); ++s) {
        QJsonObject props;
        for (auto p = s.value().cbegin(); p != s.value().cend(); ++p)
            props[p.key()] = p.value();
        out[s.key()] = props;
    }
    return out;
}

void writeFile(const QString& path, const QByteArray& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text);
}

}  // namespace

class TestAwsProfile : public QObject {
    Q_OBJECT

private slots:
    void parser_data() {
        QTest::addColumn<QJsonObject>("test");
        const QJsonArray tests = loadTests("profile-parser-tests.json");
        QCOMPARE(tests.size(), 65);
        int n = 0;
        for (const QJsonValue& t : tests)
            QTest::newRow(qPrintable(
                QStringLiteral("%1 %2").arg(++n).arg(t.toObject().value("name").toString())))
                << t.toObject();
    }
    void parser() {
        QFETCH(QJsonObject, test);
        const QJsonObject input = test.value("input").toObject();
        const QJsonObject output = test.value("output").toObject();
        const ProfileParseResult r = parseProfileFiles(input.value("configFile").toString(),
                                                       input.value("credentialsFile").toString());
        if (output.contains("errorContaining")) {
            QVERIFY2(!r.ok(), "expected an error");
            QVERIFY2(r.error.contains(output.value("errorContaining").toString()),
                     qPrintable(r.error));
            return;
        }
        QVERIFY2(r.ok(), qPrintable(r.error));
        const QJsonObject config = output.value("config").toObject();
        QCOMPARE(toJson(r.set.profiles), config.value("profiles").toObject());
        if (config.contains("sso_sessions"))
            QCOMPARE(toJson(r.set.ssoSessions), config.value("sso_sessions").toObject());
    }

    void locations_data() {
        QTest::addColumn<QJsonObject>("test");
        const QJsonArray tests = loadTests("file-location-tests.json");
        QCOMPARE(tests.size(), 9);
        int n = 0;
        for (const QJsonValue& t : tests)
            QTest::newRow(qPrintable(
                QStringLiteral("%1 %2").arg(++n).arg(t.toObject().value("name").toString())))
                << t.toObject();
    }
    void locations() {
        QFETCH(QJsonObject, test);
        Environment env;
        const QJsonObject vars = test.value("environment").toObject();
        for (auto it = vars.begin(); it != vars.end(); ++it)
            env[it.key()] = it.value().toString();
        const ProfileFileLocations l =
            locateProfileFiles(env, test.value("platform").toString() == "windows");
        QCOMPARE(l.configPath, test.value("configLocation").toString());
        QCOMPARE(l.credentialsPath, test.value("credentialsLocation").toString());
        if (test.contains("profile")) QCOMPARE(l.profileName, test.value("profile").toString());
    }

    // The chain: environment first, then the selected profile; region and endpoint overrides.
    void credential_chain() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        writeFile(dir.filePath("credentials"),
                  "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s1\n"
                  "[work]\naws_access_key_id=AKIDWORK\naws_secret_access_key=s2\n"
                  "aws_session_token = tok ; not a comment without the space? yes it is\n");
        writeFile(dir.filePath("config"),
                  "[default]\nregion = eu-west-1\n[profile work]\nregion = ap-south-1\n"
                  "[profile sso]\nsso_session = corp\n");
        Environment env{{"HOME", dir.path() + "/nohome"},
                        {"AWS_SHARED_CREDENTIALS_FILE", dir.filePath("credentials")},
                        {"AWS_CONFIG_FILE", dir.filePath("config")}};

        AwsSettings s = resolveSageMakerSettings({}, env);
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(s.credentials.accessKeyId, QStringLiteral("AKIDDEFAULT"));
        QCOMPARE(s.region, QStringLiteral("eu-west-1"));
        QCOMPARE(s.endpoint, QUrl("https://runtime.sagemaker.eu-west-1.amazonaws.com"));

        env["AWS_PROFILE"] = "work";
        s = resolveSageMakerSettings({}, env);
        QCOMPARE(s.credentials.accessKeyId, QStringLiteral("AKIDWORK"));
        QCOMPARE(s.credentials.sessionToken, QStringLiteral("tok"));
        QCOMPARE(s.region, QStringLiteral("ap-south-1"));
        env["AWS_DEFAULT_REGION"] = "us-west-2";
        QCOMPARE(resolveSageMakerSettings({}, env).region, QStringLiteral("us-west-2"));
        env["AWS_REGION"] = "us-east-2";
        QCOMPARE(resolveSageMakerSettings({}, env).region, QStringLiteral("us-east-2"));
        QCOMPARE(resolveSageMakerSettings("cn-north-1", env).endpoint,
                 QUrl("https://runtime.sagemaker.cn-north-1.amazonaws.com.cn"));

        // Environment keys beat the profile.
        env["AWS_ACCESS_KEY_ID"] = "AKIDENV";
        env["AWS_SECRET_ACCESS_KEY"] = "s3";
        s = resolveSageMakerSettings("us-east-1", env);
        QCOMPARE(s.credentials.accessKeyId, QStringLiteral("AKIDENV"));
        QCOMPARE(s.credentials.sessionToken, QString());
        QCOMPARE(s.credentials.source, QStringLiteral("environment"));

        // Endpoint overrides: the service-specific one wins.
        env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9/";
        QCOMPARE(resolveSageMakerSettings("us-east-1", env).endpoint, QUrl("http://127.0.0.1:9"));
        env["AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME"] = "http://127.0.0.1:4566";
        QCOMPARE(resolveSageMakerSettings("us-east-1", env).endpoint,
                 QUrl("http://127.0.0.1:4566"));
        env["AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME"] = "ftp://x";
        QVERIFY(resolveSageMakerSettings("us-east-1", env)
                    .error.contains("AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME is not an http(s) URL"));
    }

    void credential_errors() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        writeFile(dir.filePath("config"), "[profile sso]\nsso_session = corp\nregion = x\n");
        writeFile(dir.filePath("broken"), "name = value\n");
        Environment env{{"HOME", dir.path()},
                        {"AWS_CONFIG_FILE", dir.filePath("config")},
                        {"AWS_SHARED_CREDENTIALS_FILE", dir.filePath("missing")}};
        QVERIFY(resolveCredentials(env).error.startsWith("no AWS credentials"));
        env["AWS_PROFILE"] = "nope";
        QVERIFY(resolveCredentials(env).error.contains("AWS profile 'nope' (AWS_PROFILE) is not"));
        env["AWS_PROFILE"] = "sso";
        QVERIFY(resolveCredentials(env).error.contains("uses sso_session"));
        env["AWS_CONFIG_FILE"] = dir.filePath("broken");
        QVERIFY(resolveCredentials(env).error.contains("Expected a profile definition"));
        env["AWS_ACCESS_KEY_ID"] = "AKID";
        QCOMPARE(resolveCredentials(env).error,
                 QStringLiteral("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"));
        env["AWS_SECRET_ACCESS_KEY"] = "s";
        QVERIFY(resolveSageMakerSettings({}, env).error.startsWith("no AWS region"));
        QVERIFY(resolveSageMakerSettings("US East", env).error.contains("invalid AWS region"));
    }
};

QTEST_GUILESS_MAIN(TestAwsProfile)
#include "test_aws_profile.moc"
