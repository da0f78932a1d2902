#include "core/models/package_index.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace hearth {

QUrl packageIndexUrl() {
    QString url = qEnvironmentVariable("HEARTH_PACKAGE_INDEX");
    if (url.isEmpty()) url = qEnvironmentVariable("PIP_INDEX_URL");
    if (url.isEmpty()) url = QStringLiteral("https://pypi.org/simple/");
    if (!url.endsWith(QLatin1Char('/'))) url += QLatin1Char('/');
    return QUrl(url);
}

QString normalizedProjectName(const QString& name) {
    static const QRegularExpression separators(QStringLiteral("[-_.]+"));
    return name.toLower().replace(separators, QStringLiteral("-"));
}

QUrl projectPageUrl(const QUrl& index, const QString& project) {
    return index.resolved(QUrl(normalizedProjectName(project) + QLatin1Char('/')));
}

QByteArray simpleApiJsonType() {
    return QByteArrayLiteral("application/vnd.pypi.simple.v1+json");
}

QString cachedWheelName(const CatalogPackage& package) {
    // Wheel file names spell the project with '_' for every separator (PEP 427).
    return normalizedProjectName(package.name).replace(QLatin1Char('-'), QLatin1Char('_')) +
           QLatin1Char('-') + package.version + QStringLiteral(".whl");
}

bool findWheel(const QByteArray& pageJson, const QUrl& pageUrl, const CatalogPackage& package,
               WheelLocation* wheel, QString* error) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(pageJson, &parseError);
    if (!doc.isObject() || !doc.object().value(QStringLiteral("files")).isArray()) {
        *error = QStringLiteral(
                     "the package index at %1 did not answer in the JSON simple API "
                     "(PEP 691)")
                     .arg(pageUrl.toDisplayString());
        return false;
    }
    // "<project>-<version>-<tags>.whl"; the project part compares normalised.
    const QString wantedProject = normalizedProjectName(package.name);
    for (const QJsonValue& value : doc.object().value(QStringLiteral("files")).toArray()) {
        const QJsonObject file = value.toObject();
        const QString name = file.value(QStringLiteral("filename")).toString();
        if (!name.endsWith(QStringLiteral(".whl"))) continue;
        const QStringList parts = name.chopped(4).split(QLatin1Char('-'));
        if (parts.size() < 5 || normalizedProjectName(parts[0]) != wantedProject ||
            parts[1] != package.version)
            continue;
        // PEP 691: true, or a string giving the reason, means the file was withdrawn.
        const QJsonValue yanked = file.value(QStringLiteral("yanked"));
        if (yanked.toBool() || yanked.isString()) continue;
        const QString sha256 = file.value(QStringLiteral("hashes"))
                                   .toObject()
                                   .value(QStringLiteral("sha256"))
                                   .toString()
                                   .toLower();
        const QUrl url = pageUrl.resolved(QUrl(file.value(QStringLiteral("url")).toString()));
        if (sha256.size() != 64 || !url.isValid()) continue;
        wheel->url = url.adjusted(QUrl::RemoveFragment);
        wheel->fileName = name;
        wheel->sha256 = sha256;
        wheel->size = file.value(QStringLiteral("size")).toInteger(-1);
        return true;
    }
    *error = QStringLiteral("the package index lists no wheel of %1 %2")
                 .arg(package.name, package.version);
    return false;
}

}  // namespace hearth
