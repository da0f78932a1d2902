#include "core/paths.h"

#include <QDir>
#include <QStandardPaths>

namespace hearth::paths {
namespace {

// Qt's GenericDataLocation already honours XDG_DATA_HOME, but there is no state location
// in Qt 6.4, so all three are resolved the same explicit way for consistency.
QString xdgDir(const char* variable, const char* fallbackUnderHome) {
    const QString fromEnv = qEnvironmentVariable(variable);
    const QString base =
        fromEnv.isEmpty() || !QDir::isAbsolutePath(fromEnv)
            ? QDir::homePath() + QLatin1Char('/') + QLatin1String(fallbackUnderHome)
            : fromEnv;
    return base + QStringLiteral("/hearth");
}

}  // namespace

QString dataDir() {
    return xdgDir("XDG_DATA_HOME", ".local/share");
}
QString stateDir() {
    return xdgDir("XDG_STATE_HOME", ".local/state");
}
QString configDir() {
    return xdgDir("XDG_CONFIG_HOME", ".config");
}

QString modelsDir() {
    const QString override = qEnvironmentVariable("HEARTH_MODELS_DIR");
    return override.isEmpty() ? dataDir() + QStringLiteral("/models") : override;
}

QString cacheDir() {
    return xdgDir("XDG_CACHE_HOME", ".cache");
}

QString downloadsDir() {
    const QString override = qEnvironmentVariable("HEARTH_DOWNLOADS_DIR");
    return override.isEmpty() ? cacheDir() + QStringLiteral("/downloads") : override;
}

bool ensureDir(const QString& path) {
    return QDir().mkpath(path);
}

}  // namespace hearth::paths
