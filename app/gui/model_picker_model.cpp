#include "gui/model_picker_model.h"

#include <QLocale>

namespace hearth::gui {

ModelPickerModel::ModelPickerModel(QObject* parent) : QAbstractListModel(parent) {
    refresh();
}

int ModelPickerModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(models_.size());
}

QVariant ModelPickerModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const InstalledModel& m = models_.at(index.row());
    switch (role) {
        case Qt::DisplayRole:
        case NameRole:
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
            {ErrorRole, "error"}};
}

void ModelPickerModel::refresh() {
    beginResetModel();
    models_ = ModelStore().installed();
    endResetModel();
    Q_EMIT countChanged();
}

int ModelPickerModel::indexOf(const QString& name) const {
    for (int i = 0; i < models_.size(); ++i)
        if (models_[i].name == name) return i;
    return -1;
}

QString ModelPickerModel::nameAt(int row) const {
    return row >= 0 && row < models_.size() ? models_[row].name : QString();
}

QString ModelPickerModel::modelsDirectory() const {
    return ModelStore().directory();
}

}  // namespace hearth::gui
