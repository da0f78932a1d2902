#include "core/remote/aws/aws_config.h"

#include <QFile>
#include <QProcessEnvironment>

#include "core/remote/aws/profile_file.h"

namespace hearth::remote::aws {
namespace {

QString readText(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QString::fromUtf8(f.readAll());
}

struct LoadedProfile {
    ProfileProperties properties;
    bool found = false;
    QString name;
    QString error;
};

LoadedProfile loadProfile(const Environment& env, bool windows) {
    const ProfileFileLocations where = locateProfileFiles(env, windows);
    LoadedProfile out;
    out.name = where.profileName;
    const ProfileParseResult parsed =
        parseProfileFiles(readText(where.configPath), readText(where.credentialsPath));
    if (!parsed.ok()) {
        out.error = QStringLiteral("cannot read the AWS profile files (%1, %2): %3")
                        .arg(where.configPath, where.credentialsPath, parsed.error);
        return out;
    }
    const auto it = parsed.set.profiles.constFind(where.profileName);
    out.found = it != parsed.set.profiles.cend();
    if (out.found) out.properties = it.value();
    return out;
}

QString unsupportedProviderHint(const ProfileProperties& p) {
    for (const char* key : {"credential_process", "sso_session", "sso_start_url", "role_arn",
                            "web_identity_token_file", "login_session"})
        if (p.contains(QString::fromLatin1(key))) return QString::fromLatin1(key);
    return {};
}

QString nonEmpty(const Environment& env, const char* name) {
    return env.value(QString::fromLatin1(name)).trimmed();
}

}  // namespace

Environment systemEnvironment() {
    Environment env;
    const QProcessEnvironment system = QProcessEnvironment::systemEnvironment();
    for (const QString& key : system.keys())
        env.insert(key, system.value(key));
    return env;
}

AwsSettings resolveCredentials(const Environment& env, bool windows) {
    AwsSettings out;
    const QString keyId = nonEmpty(env, "AWS_ACCESS_KEY_ID");
    const QString secret = nonEmpty(env, "AWS_SECRET_ACCESS_KEY");
    if (!keyId.isEmpty() || !secret.isEmpty()) {
        if (keyId.isEmpty() || secret.isEmpty()) {
            out.error =
                keyId.isEmpty()
                    ? QStringLiteral("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not")
                    : QStringLiteral("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
            return out;
        }
        out.credentials = {keyId, secret, nonEmpty(env, "AWS_SESSION_TOKEN"),
                           QStringLiteral("environment")};
        return out;
    }

    const LoadedProfile profile = loadProfile(env, windows);
    if (!profile.error.isEmpty()) {
        out.error = profile.error;
        return out;
    }
    const ProfileProperties& p = profile.properties;
    const QString id = p.value(QStringLiteral("aws_access_key_id"));
    const QString key = p.value(QStringLiteral("aws_secret_access_key"));
    if (!id.isEmpty() && !key.isEmpty()) {
        out.credentials = {id, key, p.value(QStringLiteral("aws_session_token")),
                           QStringLiteral("profile %1").arg(profile.name)};
        return out;
    }
    if (profile.found && !unsupportedProviderHint(p).isEmpty()) {
        out.error = QStringLiteral(
                        "AWS profile '%1' uses %2, which Hearth does not support; export static "
                        "keys instead (e.g. eval \"$(aws configure export-credentials --profile "
                        "%1 --format env)\")")
                        .arg(profile.name, unsupportedProviderHint(p));
    } else if (env.contains(QStringLiteral("AWS_PROFILE")) && !profile.found) {
        out.error = QStringLiteral("AWS profile '%1' (AWS_PROFILE) is not in %2 or %3")
                        .arg(profile.name, locateProfileFiles(env, windows).credentialsPath,
                             locateProfileFiles(env, windows).configPath);
    } else {
        out.error = QStringLiteral(
            "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE "
            "with keys in ~/.aws/credentials");
    }
    return out;
}

AwsSettings resolveSageMakerSettings(const QString& addressRegion, const Environment& env,
                                     bool windows) {
    AwsSettings out = resolveCredentials(env, windows);
    if (!out.ok()) return out;

    out.region = addressRegion.trimmed();
    if (out.region.isEmpty()) out.region = nonEmpty(env, "AWS_REGION");
    if (out.region.isEmpty()) out.region = nonEmpty(env, "AWS_DEFAULT_REGION");
    if (out.region.isEmpty()) {
        const LoadedProfile profile = loadProfile(env, windows);
        out.region = profile.properties.value(QStringLiteral("region")).trimmed();
    }
    if (out.region.isEmpty()) {
        out.error =
            QStringLiteral("no AWS region: add ?region=REGION to the address or set AWS_REGION");
        return out;
    }
    for (const QChar c : out.region) {
        if (!(c.isLower() || c.isDigit() || c == u'-')) {
            out.error = QStringLiteral("invalid AWS region '%1'").arg(out.region);
            return out;
        }
    }

    for (const char* name : {"AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME", "AWS_ENDPOINT_URL"}) {
        const QString value = nonEmpty(env, name);
        if (value.isEmpty()) continue;
        const QUrl url(value, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty() ||
            (url.scheme() != u"http" && url.scheme() != u"https")) {
            out.error = QStringLiteral("%1 is not an http(s) URL: '%2'")
                            .arg(QString::fromLatin1(name), value);
            return out;
        }
        out.endpoint =
            url.adjusted(QUrl::StripTrailingSlash | QUrl::RemoveQuery | QUrl::RemoveFragment);
        if (out.endpoint.path() == u"/") out.endpoint.setPath(QString());
        return out;
    }
    const QString suffix = out.region.startsWith(u"cn-") ? QStringLiteral("amazonaws.com.cn")
                                                         : QStringLiteral("amazonaws.com");
    out.endpoint = QUrl(QStringLiteral("https://runtime.sagemaker.%1.%2").arg(out.region, suffix));
    return out;
}

}  // namespace hearth::remote::aws
