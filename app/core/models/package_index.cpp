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

QByteArray simpleApiAccept() {
    // JSON when the index has it, else the HTML of PEP 503.
    return QByteArrayLiteral("application/vnd.pypi.simple.v1+json, text/html;q=0.1");
}

QString cachedWheelName(const CatalogPackage& package) {
    // Wheel file names spell the project with '_' for every separator (PEP 427).
    return normalizedProjectName(package.name).replace(QLatin1Char('-'), QLatin1Char('_')) +
           QLatin1Char('-') + package.version + QStringLiteral(".whl");
}

namespace {

struct IndexFile {
    QString fileName, url, sha256;
    qint64 size = -1;
    bool yanked = false;
};

// PEP 691 JSON: {"files": [{"filename", "url", "hashes": {"sha256"}, "size", "yanked"}]}.
bool filesFromJson(const QByteArray& page, QVector<IndexFile>* files) {
    const QJsonDocument doc = QJsonDocument::fromJson(page);
    if (!doc.isObject() || !doc.object().value(QStringLiteral("files")).isArray()) return false;
    for (const QJsonValue& value : doc.object().value(QStringLiteral("files")).toArray()) {
        const QJsonObject o = value.toObject();
        IndexFile f;
        f.fileName = o.value(QStringLiteral("filename")).toString();
        f.url = o.value(QStringLiteral("url")).toString();
        f.sha256 =
            o.value(QStringLiteral("hashes")).toObject().value(QStringLiteral("sha256")).toString();
        f.size = o.value(QStringLiteral("size")).toInteger(-1);
        // True, or a string giving the reason, means the file was withdrawn.
        const QJsonValue yanked = o.value(QStringLiteral("yanked"));
        f.yanked = yanked.toBool() || yanked.isString();
        files->push_back(f);
    }
    return true;
}

// PEP 503 HTML, for indexes without the JSON form: <a href="URL#sha256=HEX">FILE</a>, with
// data-yanked on withdrawn files. No sizes there.
bool filesFromHtml(const QByteArray& page, QVector<IndexFile>* files) {
    static const QRegularExpression anchor(QStringLiteral(R"(<a\s([^>]*)>\s*([^<]+?)\s*</a>)"),
                                           QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression href(QStringLiteral(R"re(href\s*=\s*"([^"]*)")re"),
                                         QRegularExpression::CaseInsensitiveOption);
    const QString html = QString::fromUtf8(page);
    if (!html.contains(QStringLiteral("<a"), Qt::CaseInsensitive)) return false;
    for (auto it = anchor.globalMatch(html); it.hasNext();) {
        const auto match = it.next();
        const auto link = href.match(match.captured(1));
        if (!link.hasMatch()) continue;
        IndexFile f;
        f.fileName = match.captured(2);
        f.url = link.captured(1).replace(QStringLiteral("&amp;"), QStringLiteral("&"));
        const qsizetype hash = f.url.indexOf(QStringLiteral("#sha256="));
        if (hash >= 0) f.sha256 = f.url.mid(hash + 8, 64);
        f.yanked = match.captured(1).contains(QStringLiteral("data-yanked"), Qt::CaseInsensitive);
        files->push_back(f);
    }
    return true;
}

}  // namespace

bool findWheel(const QByteArray& page, const QUrl& pageUrl, const CatalogPackage& package,
               WheelLocation* wheel, QString* error) {
    QVector<IndexFile> files;
    if (!filesFromJson(page, &files) && !filesFromHtml(page, &files)) {
        *error = QStringLiteral("the package index at %1 sent a page that lists no files")
                     .arg(pageUrl.toDisplayString());
        return false;
    }
    // "<project>-<version>-<tags>.whl"; the project part compares normalised.
    const QString wantedProject = normalizedProjectName(package.name);
    for (const IndexFile& file : files) {
        if (!file.fileName.endsWith(QStringLiteral(".whl")) || file.yanked) continue;
        const QStringList parts = file.fileName.chopped(4).split(QLatin1Char('-'));
        if (parts.size() < 5 || normalizedProjectName(parts[0]) != wantedProject ||
            parts[1] != package.version)
            continue;
        const QUrl url = pageUrl.resolved(QUrl(file.url));
        if (file.sha256.size() != 64 || !url.isValid()) continue;
        wheel->url = url.adjusted(QUrl::RemoveFragment);
        wheel->fileName = file.fileName;
        wheel->sha256 = file.sha256.toLower();
        wheel->size = file.size;
        return true;
    }
    *error = QStringLiteral("the package index lists no wheel of %1 %2")
                 .arg(package.name, package.version);
    return false;
}

}  // namespace hearth
