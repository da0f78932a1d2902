#pragma once
// Saved quantization comparisons: one JSON file per candidate in <models dir>/.comparisons/,
// in the format `hearth eval-quant --json` prints, so a comparison run from the command line
// can be dropped in and one run on the models page survives a restart.
#include <QJsonObject>
#include <QString>
#include <QVector>
#include <optional>

#include "core/models/quant_worker.h"

namespace hearth {

QJsonObject comparisonToJson(const ComparisonRow& row);
std::optional<ComparisonRow> comparisonFromJson(const QJsonObject& o);

// Writes <modelsDir>/.comparisons/<candidate file name>.json; false on I/O failure.
bool saveComparison(const QString& modelsDir, const ComparisonRow& row);
// Every saved comparison whose candidate file still exists.
QVector<ComparisonRow> loadComparisons(const QString& modelsDir);

}  // namespace hearth
