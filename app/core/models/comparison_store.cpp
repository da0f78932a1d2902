#include "core/models/comparison_store.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

namespace hearth {
namespace {

QString comparisonsDir(const QString& modelsDir) {
    return QDir(modelsDir).filePath(QStringLiteral(".comparisons"));
}

}  // namespace

QJsonObject comparisonToJson(const ComparisonRow& r) {
    const QJsonObject base{{QStringLiteral("path"), r.basePath},
                           {QStringLiteral("size"), double(r.baseSize)},
                           {QStringLiteral("perplexity"), r.basePerplexity},
                           {QStringLiteral("decode_tokens_per_s"), r.baseTokensPerS}};
    const QJsonObject cand{{QStringLiteral("path"), r.candidatePath},
                           {QStringLiteral("type"), r.candidateType},
                           {QStringLiteral("size"), double(r.candidateSize)},
                           {QStringLiteral("perplexity"), r.candidatePerplexity},
                           {QStringLiteral("decode_tokens_per_s"), r.candidateTokensPerS}};
    return {{QStringLiteral("base"), base},
            {QStringLiteral("candidate"), cand},
            {QStringLiteral("mean_kld"), r.meanKld},
            {QStringLiteral("max_kld"), r.maxKld},
            {QStringLiteral("top1_agreement"), r.top1},
            {QStringLiteral("n_chunks"), r.windows},
            {QStringLiteral("n_ctx"), r.contextTokens}};
}

std::optional<ComparisonRow> comparisonFromJson(const QJsonObject& o) {
    const QJsonObject b = o.value(QStringLiteral("base")).toObject();
    const QJsonObject c = o.value(QStringLiteral("candidate")).toObject();
    if (b.isEmpty() || c.isEmpty() || !o.contains(QStringLiteral("mean_kld"))) return {};
    ComparisonRow r;
    r.basePath = b.value(QStringLiteral("path")).toString();
    r.candidatePath = c.value(QStringLiteral("path")).toString();
    r.candidateType = c.value(QStringLiteral("type")).toString();
    r.baseSize = qint64(b.value(QStringLiteral("size")).toDouble());
    r.candidateSize = qint64(c.value(QStringLiteral("size")).toDouble());
    r.basePerplexity = b.value(QStringLiteral("perplexity")).toDouble();
    r.candidatePerplexity = c.value(QStringLiteral("perplexity")).toDouble();
    r.baseTokensPerS = b.value(QStringLiteral("decode_tokens_per_s")).toDouble();
    r.candidateTokensPerS = c.value(QStringLiteral("decode_tokens_per_s")).toDouble();
    r.meanKld = o.value(QStringLiteral("mean_kld")).toDouble();
    r.maxKld = o.value(QStringLiteral("max_kld")).toDouble();
    r.top1 = o.value(QStringLiteral("top1_agreement")).toDouble();
    r.windows = o.value(QStringLiteral("n_chunks")).toInt();
    r.contextTokens = o.value(QStringLiteral("n_ctx")).toInt();
    return r;
}

bool saveComparison(const QString& modelsDir, const ComparisonRow& row) {
    const QString dir = comparisonsDir(modelsDir);
    if (!QDir().mkpath(dir)) return false;
    QSaveFile f(
        QDir(dir).filePath(QFileInfo(row.candidatePath).fileName() + QStringLiteral(".json")));
    if (!f.open(QIODevice::WriteOnly)) return false;
    f.write(QJsonDocument(comparisonToJson(row)).toJson());
    return f.commit();
}

QVector<ComparisonRow> loadComparisons(const QString& modelsDir) {
    QVector<ComparisonRow> rows;
    const QDir dir(comparisonsDir(modelsDir));
    for (const QString& name : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::ReadOnly)) continue;
        const auto row = comparisonFromJson(QJsonDocument::fromJson(f.readAll()).object());
        if (row && QFileInfo::exists(row->candidatePath)) rows.push_back(*row);
    }
    return rows;
}

}  // namespace hearth
