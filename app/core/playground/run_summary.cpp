#include "core/playground/run_summary.h"

#include <QHash>
#include <QJsonObject>
#include <algorithm>
#include <cmath>

namespace hearth::playground {

QVector<TargetSummary> summarize(const QVector<store::RunResultRecord>& results,
                                 const QStringList& targets) {
    QVector<TargetSummary> out;
    for (const QString& target : targets) {
        TargetSummary s;
        s.target = target;
        QVector<double> latencies;
        double tokensPerS = 0;
        int speedCells = 0;
        for (const store::RunResultRecord& r : results) {
            if (r.target != target) continue;
            ++s.cells;
            if (r.finish == store::FinishReason::Error) ++s.errors;
            if (r.passed >= 0) {
                ++s.checked;
                s.passed += r.passed;
            }
            s.totalCost += r.cost;
            if (r.finish != store::FinishReason::Error) {
                latencies.append(r.latencyMs);
                if (r.tokensPerS > 0) {
                    tokensPerS += r.tokensPerS;
                    ++speedCells;
                }
            }
        }
        if (s.checked > 0) s.passRate = double(s.passed) / s.checked;
        if (!latencies.isEmpty()) {
            std::sort(latencies.begin(), latencies.end());
            double sum = 0;
            for (double l : latencies)
                sum += l;
            s.meanLatencyMs = sum / double(latencies.size());
            // Nearest rank: the smallest value with at least 95% of the values at or below it.
            const auto rank = qsizetype(std::ceil(0.95 * double(latencies.size())));
            s.p95LatencyMs = latencies[std::max<qsizetype>(rank, 1) - 1];
        }
        if (speedCells > 0) s.meanTokensPerS = tokensPerS / speedCells;
        if (s.passed > 0) s.costPerPassed = s.totalCost / s.passed;
        out.append(s);
    }
    return out;
}

QString formatSummaryTable(const QVector<TargetSummary>& summaries) {
    int width = 6;
    for (const TargetSummary& s : summaries)
        width = std::max(width, int(s.target.size()));
    auto row = [&](const QStringList& cells) {
        QString line = cells[0].leftJustified(width);
        const int widths[] = {7, 7, 6, 10, 10, 8, 10, 12};
        for (qsizetype i = 1; i < cells.size(); ++i)
            line += QLatin1String("  ") + cells[i].rightJustified(widths[i - 1]);
        return line + QLatin1Char('\n');
    };
    QString text =
        row({QStringLiteral("target"), QStringLiteral("rows"), QStringLiteral("passed"),
             QStringLiteral("errors"), QStringLiteral("mean ms"), QStringLiteral("p95 ms"),
             QStringLiteral("tok/s"), QStringLiteral("cost"), QStringLiteral("cost/pass")});
    for (const TargetSummary& s : summaries) {
        const QString passed = s.checked == 0
                                   ? QStringLiteral("-")
                                   : QStringLiteral("%1/%2").arg(s.passed).arg(s.checked);
        text += row(
            {s.target, QString::number(s.cells), passed, QString::number(s.errors),
             QString::number(s.meanLatencyMs, 'f', 0), QString::number(s.p95LatencyMs, 'f', 0),
             QString::number(s.meanTokensPerS, 'f', 1), QString::number(s.totalCost, 'f', 4),
             s.costPerPassed < 0 ? QStringLiteral("-") : QString::number(s.costPerPassed, 'f', 5)});
    }
    return text;
}

QVector<Regression> findRegressions(const QVector<store::RunResultRecord>& baseline,
                                    const QVector<store::RunResultRecord>& current,
                                    const QHash<store::Id, int>& rowIndexById) {
    QHash<QPair<int, QString>, bool> passedBefore;
    for (const store::RunResultRecord& r : baseline)
        if (r.passed >= 0)
            passedBefore.insert({rowIndexById.value(r.datasetRowId, -1), r.target}, r.passed == 1);
    QVector<Regression> out;
    for (const store::RunResultRecord& r : current) {
        const int index = rowIndexById.value(r.datasetRowId, -1);
        if (r.passed != 0 || !passedBefore.value({index, r.target}, false)) continue;
        QString detail = r.errorMessage;
        for (const QJsonValue& o : r.assertionResults)
            if (!o.toObject().value(QStringLiteral("passed")).toBool()) {
                detail = o.toObject().value(QStringLiteral("type")).toString() +
                         QStringLiteral(": ") +
                         o.toObject().value(QStringLiteral("detail")).toString();
                break;
            }
        out.append({index, r.target, detail});
    }
    std::sort(out.begin(), out.end(), [](const Regression& a, const Regression& b) {
        return a.rowIndex != b.rowIndex ? a.rowIndex < b.rowIndex : a.target < b.target;
    });
    return out;
}

}  // namespace hearth::playground
