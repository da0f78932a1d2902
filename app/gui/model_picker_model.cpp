#include "gui/model_picker_model.h"

#include <QLocale>

namespace hearth::gui {

ModelPickerModel::ModelPickerModel(QObject* parent) : QAbstractListModel(parent) {
    refresh();
}

int ModelPickerModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(models_.size() + endpoints_.size());
}

QVariant ModelPickerModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (index.row() >= models_.size()) {
        const QVariantMap e = endpoints_.at(index.row() - models_.size()).toMap();
        switch (role) {
            case NameRole:
                return e.value(QStringLiteral("address"));
            case Qt::DisplayRole:
            case LabelRole:
            case TitleRole:
                return e.value(QStringLiteral("title"));
            case QuantRole:
                return QStringLiteral("remote");
            case SizeTextRole:
                return e.value(QStringLiteral("detail"));
            default:
                return QString();
        }
    }
    const InstalledModel& m = models_.at(index.row());
    switch (role) {
        case Qt::DisplayRole:
        case NameRole:
        case LabelRole:
            return m.name;
        case TitleRole:
            return m.title.isEmpty() ? m.name : m.title;
        case QuantRole:
            return m.quant;
        case SizeTextRole:
            return QLocale::system().formattedDataSize(m.size, 1);
        case ArchitectureRole:
            return m.architecture;
        case ErrorRole:
            return m.error;
        default:
            return {};
    }
}

QHash<int, QByteArray> ModelPickerModel::roleNames() const {
    return {{NameRole, "name"},
            {TitleRole, "title"},
            {QuantRole, "quant"},
            {SizeTextRole, "sizeText"},
            {ArchitectureRole, "architecture"},
            {ErrorRole, "error"},
            {LabelRole, "label"}};
}

void ModelPickerModel::refresh() {
    beginResetModel();
    models_ = ModelStore().installed();
    endResetModel();
    Q_EMIT countChanged();
}

void ModelPickerModel::setEndpoints(const QVariantList& endpoints) {
    if (endpoints == endpoints_) return;
    beginResetModel();
    endpoints_ = endpoints;
    endResetModel();
    Q_EMIT countChanged();
}

int ModelPickerModel::indexOf(const QString& name) const {
    for (int i = 0; i < rowCount(); ++i)
        if (nameAt(i) == name) return i;
    return -1;
}

QString ModelPickerModel::nameAt(int row) const {
    if (row >= 0 && row < models_.size()) return models_[row].name;
    if (row >= models_.size() && row < rowCount())
        return endpoints_.at(row - models_.size())
            .toMap()
            .value(QStringLiteral("address"))
            .toString();
    return {};
}

QString ModelPickerModel::modelsDirectory() const {
    return ModelStore().directory();
}

}  // namespace hearth::gui
