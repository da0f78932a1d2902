#include "core/local/model_files.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <algorithm>

namespace hearth::local {

QString modelsDir() {
    const QString override = qEnvironmentVariable("HEARTH_MODELS_DIR");
    if (!override.isEmpty()) return override;
    QString dataHome = qEnvironmentVariable("XDG_DATA_HOME");
    if (dataHome.isEmpty()) dataHome = QDir::homePath() + QStringLiteral("/.local/share");
    return dataHome + QStringLiteral("/hearth/models");
}

QVector<InstalledModel> installedModels() {
    QVector<InstalledModel> models;
    const QDir dir(modelsDir());
    const auto entries =
        dir.entryInfoList({QStringLiteral("*.gguf")}, QDir::Files | QDir::Readable, QDir::Name);
    for (const QFileInfo& info : entries)
        models.push_back({info.completeBaseName(), info.absoluteFilePath(), info.size()});
    return models;
}

QString resolveModelFile(const QString& nameOrPath) {
    if (nameOrPath.isEmpty()) return {};
    const QFileInfo direct(nameOrPath);
    if (direct.isFile()) return direct.absoluteFilePath();
    const auto models = installedModels();
    for (const auto& m : models)
        if (m.name == nameOrPath) return m.path;
    QString match;
    for (const auto& m : models) {
        if (!m.name.startsWith(nameOrPath)) continue;
        if (!match.isEmpty()) return {};  // ambiguous prefix: refuse to guess
        match = m.path;
    }
    return match;
}

}  // namespace hearth::local
