#include "core/models/model_import.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include "core/error.h"
#include "runtime/engine.h"

namespace hearth {

QString modelProblem(const QString& path) {
    try {
        LoadOptions options;
        options.n_threads = 1;
        Model::load(path.toStdString(), options);  // weights stay mapped, nothing is computed
        return {};
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
}

ImportResult importModel(const QString& source, const ModelStore& store) {
    const QFileInfo info(source);
    if (!info.isFile()) return {{}, QStringLiteral("%1: no such file").arg(source)};
    if (info.suffix().compare(QLatin1String("gguf"), Qt::CaseInsensitive) != 0)
        return {{}, QStringLiteral("%1: not a .gguf file").arg(info.fileName())};
    const QString problem = modelProblem(info.absoluteFilePath());
    if (!problem.isEmpty()) return {{}, QStringLiteral("cannot import: %1").arg(problem)};

    QDir().mkpath(store.directory());
    const QString target = QDir(store.directory()).filePath(info.fileName());
    if (QFileInfo(target).absoluteFilePath() == info.absoluteFilePath())
        return {target, {}};  // already in the store
    if (QFileInfo::exists(target))
        return {{}, QStringLiteral("a model named %1 is already installed").arg(info.fileName())};
    const QString partial = target + QStringLiteral(".import-partial");
    QFile::remove(partial);
    if (!QFile::copy(info.absoluteFilePath(), partial)) {
        QFile::remove(partial);
        return {{},
                QStringLiteral("cannot copy %1 into %2").arg(info.fileName(), store.directory())};
    }
    if (!QFile::rename(partial, target)) {
        QFile::remove(partial);
        return {{}, QStringLiteral("cannot move the copy into place as %1").arg(target)};
    }
    return {target, {}};
}

}  // namespace hearth
