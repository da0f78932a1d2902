#pragma once
// Where Hearth keeps things, following the XDG base directory spec:
//   data   $XDG_DATA_HOME/hearth   (~/.local/share/hearth)  conversations, models
//   state  $XDG_STATE_HOME/hearth  (~/.local/state/hearth)  logs
//   config $XDG_CONFIG_HOME/hearth (~/.config/hearth)       settings
//   cache  $XDG_CACHE_HOME/hearth  (~/.cache/hearth)        partial downloads
// HEARTH_MODELS_DIR overrides the model store (tests and shared caches use it);
// HEARTH_DOWNLOADS_DIR the place partial wheel downloads wait to be resumed.
#include <QString>

namespace hearth::paths {

QString dataDir();
QString stateDir();
QString configDir();
QString modelsDir();
QString cacheDir();
QString downloadsDir();

// Creates the directory (and parents) if needed; returns false when it cannot.
bool ensureDir(const QString& path);

}  // namespace hearth::paths
