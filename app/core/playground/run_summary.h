#pragma once
// Per-target figures of a run and the regression gate against a baseline run.
#include <QHash>
#include <QString>
#include <QVector>

#include "core/store/store_types.h"

namespace hearth::playground {

struct TargetSummary {
    QString target;
    int cells = 0;    // stored results
    int checked = 0;  // cells with assertions
    int passed = 0;
    int errors = 0;        // finish = error
    double passRate = -1;  // passed / checked; -1 when nothing was checked
    double meanLatencyMs = 0;
    double p95LatencyMs = 0;  // nearest-rank 95th percentile
    double meanTokensPerS = 0;
    double totalCost = 0;
    double costPerPassed = -1;  // totalCost / passed; -1 when none passed
};

// One summary per target, in `targets` order.
QVector<TargetSummary> summarize(const QVector<store::RunResultRecord>& results,
                                 const QStringList& targets);

// A fixed-width text table (one line per target) for the CLI.
QString formatSummaryTable(const QVector<TargetSummary>& summaries);

struct Regression {
    int rowIndex = 0;  // dataset row_index (0-based)
    QString target;
    QString detail;  // the first failing assertion's detail in the new run
};

// Cells (same dataset row, same target) that passed in `baseline` and fail in `current`.
// `rowIndexById` maps dataset row ids of both runs to their row index.
QVector<Regression> findRegressions(const QVector<store::RunResultRecord>& baseline,
                                    const QVector<store::RunResultRecord>& current,
                                    const QHash<store::Id, int>& rowIndexById);

}  // namespace hearth::playground
