#include "gui/comparison_model.h"

#include <QFileInfo>
#include <QLocale>
#include <algorithm>

namespace hearth::gui {

ComparisonModel::ComparisonModel(QObject* parent) : QAbstractListModel(parent) {}

int ComparisonModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

QVariant ComparisonModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ComparisonRow& r = rows_.at(index.row());
    switch (role) {
        case Qt::DisplayRole:
        case LabelRole:
            return QFileInfo(r.candidatePath).fileName();
        case TypeRole:
            return r.candidateType;
        case SizeRole:
            return double(r.candidateSize);
        case SizeTextRole:
            return QLocale::system().formattedDataSize(r.candidateSize, 1);
        case BaseSizeTextRole:
            return QLocale::system().formattedDataSize(r.baseSize, 1);
        case MeanKldRole:
            return r.meanKld;
        case MaxKldRole:
            return r.maxKld;
        case PerplexityRole:
            return r.candidatePerplexity;
        case BasePerplexityRole:
            return r.basePerplexity;
        case Top1Role:
            return r.top1;
        case SpeedRole:
            return r.candidateTokensPerS;
        case BaseSpeedRole:
            return r.baseTokensPerS;
        default:
            return {};
    }
}

QHash<int, QByteArray> ComparisonModel::roleNames() const {
    return {{LabelRole, "label"},
            {TypeRole, "quantType"},
            {SizeRole, "sizeBytes"},
            {SizeTextRole, "sizeText"},
            {BaseSizeTextRole, "baseSizeText"},
            {MeanKldRole, "meanKld"},
            {MaxKldRole, "maxKld"},
            {PerplexityRole, "perplexity"},
            {BasePerplexityRole, "basePerplexity"},
            {Top1Role, "top1"},
            {SpeedRole, "tokensPerS"},
            {BaseSpeedRole, "baseTokensPerS"}};
}

void ComparisonModel::add(const ComparisonRow& row) {
    for (int i = 0; i < rows_.size(); ++i) {
        if (rows_[i].candidatePath == row.candidatePath) {
            rows_[i] = row;
            Q_EMIT dataChanged(index(i), index(i));
            Q_EMIT changed();
            return;
        }
    }
    beginInsertRows({}, int(rows_.size()), int(rows_.size()));
    rows_.push_back(row);
    endInsertRows();
    Q_EMIT changed();
}

double ComparisonModel::maxSize() const {
    double m = 0;
    for (const auto& r : rows_)
        m = std::max({m, double(r.candidateSize), double(r.baseSize)});
    return m;
}

double ComparisonModel::maxKld() const {
    double m = 0;
    for (const auto& r : rows_)
        m = std::max(m, r.meanKld);
    return m;
}

double ComparisonModel::maxSpeed() const {
    double m = 0;
    for (const auto& r : rows_)
        m = std::max({m, r.candidateTokensPerS, r.baseTokensPerS});
    return m;
}

}  // namespace hearth::gui
