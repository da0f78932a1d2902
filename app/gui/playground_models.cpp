#include "gui/playground_models.h"

namespace hearth::gui {

// ---- FewShotModel ----------------------------------------------------------------------

int FewShotModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(examples_.size());
}

QVariant FewShotModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    const playground::FewShotExample& e = examples_[index.row()];
    return role == InputRole ? e.input : role == OutputRole ? e.output : QVariant();
}

QHash<int, QByteArray> FewShotModel::roleNames() const {
    return {{InputRole, "input"}, {OutputRole, "output"}};
}

void FewShotModel::append(const QString& input, const QString& output) {
    beginInsertRows({}, int(examples_.size()), int(examples_.size()));
    examples_.append({input, output});
    endInsertRows();
    Q_EMIT countChanged();
}

void FewShotModel::remove(int row) {
    if (row < 0 || row >= examples_.size()) return;
    beginRemoveRows({}, row, row);
    examples_.removeAt(row);
    endRemoveRows();
    Q_EMIT countChanged();
}

void FewShotModel::set(int row, const QString& input, const QString& output) {
    if (row < 0 || row >= examples_.size()) return;
    examples_[row] = {input, output};
    Q_EMIT dataChanged(index(row), index(row));
}

void FewShotModel::reset(const QVector<playground::FewShotExample>& examples) {
    beginResetModel();
    examples_ = examples;
    endResetModel();
    Q_EMIT countChanged();
}

// ---- ResultsGridModel ------------------------------------------------------------------

int ResultsGridModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(cells_.size());
}

int ResultsGridModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() || cells_.isEmpty() ? 0 : int(targets_.size()) + 1;
}

QVariant ResultsGridModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    if (index.column() == 0) {
        switch (role) {
            case Qt::DisplayRole:
                return inputs_.value(index.row());
            case VerdictRole:
                return QStringLiteral("input");
            case DetailRole:
                return QString();
            case IsInputRole:
                return true;
            default:
                return {};
        }
    }
    const Cell& cell = cells_[index.row()][index.column() - 1];
    switch (role) {
        case Qt::DisplayRole:
            return cell.text;
        case VerdictRole:
            return cell.verdict;
        case DetailRole:
            return cell.detail;
        case IsInputRole:
            return false;
        default:
            return {};
    }
}

QVariant ResultsGridModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (role != Qt::DisplayRole) return {};
    if (orientation == Qt::Vertical) return section + 1;
    return section == 0 ? tr("input") : titles_.value(section - 1);
}

QHash<int, QByteArray> ResultsGridModel::roleNames() const {
    return {{Qt::DisplayRole, "display"},
            {VerdictRole, "verdict"},
            {DetailRole, "detail"},
            {IsInputRole, "isInput"}};
}

void ResultsGridModel::reset(const QVector<store::DatasetRow>& rows, const QStringList& inputs,
                             const QStringList& targets, const QStringList& targetTitles) {
    beginResetModel();
    inputs_ = inputs;
    targets_ = targets;
    titles_ = targetTitles;
    rowOf_.clear();
    cells_.clear();
    for (qsizetype i = 0; i < rows.size(); ++i) {
        rowOf_.insert(rows[i].id, int(i));
        cells_.append(QVector<Cell>(targets.size()));
    }
    endResetModel();
}

QModelIndex ResultsGridModel::cellIndex(store::Id rowId, const QString& target) const {
    const int row = rowOf_.value(rowId, -1);
    const int column = int(targets_.indexOf(target));
    return row < 0 || column < 0 ? QModelIndex() : index(row, column + 1);
}

void ResultsGridModel::cellStarted(store::Id rowId, const QString& target) {
    const QModelIndex i = cellIndex(rowId, target);
    if (!i.isValid()) return;
    Cell& cell = cells_[i.row()][i.column() - 1];
    cell = Cell{QString(), QStringLiteral("running"), QString()};
    Q_EMIT dataChanged(i, i);
}

void ResultsGridModel::appendPiece(store::Id rowId, const QString& target, const QString& piece) {
    const QModelIndex i = cellIndex(rowId, target);
    if (!i.isValid()) return;
    cells_[i.row()][i.column() - 1].text += piece;
    Q_EMIT dataChanged(i, i, {Qt::DisplayRole});
}

void ResultsGridModel::setResult(const store::RunResultRecord& r) {
    const QModelIndex i = cellIndex(r.datasetRowId, r.target);
    if (!i.isValid()) return;
    Cell& cell = cells_[i.row()][i.column() - 1];
    cell.text = r.finish == store::FinishReason::Error ? r.errorMessage : r.output;
    cell.verdict = r.finish == store::FinishReason::Error ? QStringLiteral("error")
                   : r.passed < 0                         ? QStringLiteral("done")
                   : r.passed                             ? QStringLiteral("pass")
                                                          : QStringLiteral("fail");
    QStringList failures;
    for (const QJsonValue& o : r.assertionResults)
        if (!o.toObject().value(QStringLiteral("passed")).toBool())
            failures << o.toObject().value(QStringLiteral("type")).toString() +
                            QStringLiteral(": ") +
                            o.toObject().value(QStringLiteral("detail")).toString();
    cell.detail = QStringLiteral("%1 ms · %2 tok · %3 tok/s")
                      .arg(r.latencyMs, 0, 'f', 0)
                      .arg(r.tokensOut)
                      .arg(r.tokensPerS, 0, 'f', 1);
    if (!failures.isEmpty()) cell.detail += QStringLiteral("\n") + failures.join(QLatin1Char('\n'));
    Q_EMIT dataChanged(i, i);
}

QString ResultsGridModel::verdictAt(int row, int column) const {
    return data(index(row, column), VerdictRole).toString();
}

// ---- RunSummaryModel -------------------------------------------------------------------

int RunSummaryModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

QVariant RunSummaryModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
    const playground::TargetSummary& s = rows_[index.row()];
    switch (role) {
        case TargetRole:
            return titles_.value(index.row(), s.target);
        case PassRateRole:
            return s.checked == 0 ? QStringLiteral("—")
                                  : QStringLiteral("%1/%2 (%3%)")
                                        .arg(s.passed)
                                        .arg(s.checked)
                                        .arg(qRound(s.passRate * 100));
        case MeanLatencyRole:
            return QStringLiteral("%1 ms").arg(s.meanLatencyMs, 0, 'f', 0);
        case P95LatencyRole:
            return QStringLiteral("%1 ms").arg(s.p95LatencyMs, 0, 'f', 0);
        case TokensPerSRole:
            return QString::number(s.meanTokensPerS, 'f', 1);
        case CostRole:
            return QStringLiteral("$%1").arg(s.totalCost, 0, 'f', 4);
        case CostPerPassedRole:
            return s.costPerPassed < 0 ? QStringLiteral("—")
                                       : QStringLiteral("$%1").arg(s.costPerPassed, 0, 'f', 5);
        default:
            return {};
    }
}

QHash<int, QByteArray> RunSummaryModel::roleNames() const {
    return {{TargetRole, "target"},
            {PassRateRole, "passRate"},
            {MeanLatencyRole, "meanLatency"},
            {P95LatencyRole, "p95Latency"},
            {TokensPerSRole, "tokensPerS"},
            {CostRole, "cost"},
            {CostPerPassedRole, "costPerPassed"}};
}

void RunSummaryModel::reset(const QVector<playground::TargetSummary>& summaries,
                            const QStringList& titles) {
    beginResetModel();
    rows_ = summaries;
    titles_ = titles;
    endResetModel();
    Q_EMIT countChanged();
}

}  // namespace hearth::gui
