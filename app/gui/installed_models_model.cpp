#include "gui/installed_models_model.h"

#include <QFileInfo>
#include <QLocale>

namespace hearth::gui {

InstalledModelsModel::InstalledModelsModel(QObject* parent) : QAbstractListModel(parent) {}

int InstalledModelsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(rows_.size());
}

QVariant InstalledModelsModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = rows_.at(index.row());
    const InstalledModel& m = r.model;
    const quint64 need = estimateMemoryBytes(quint64(m.size), r.facts, contextTokens_);
    switch (role) {
        case Qt::DisplayRole:
        case NameRole:
            return m.name;
        case TitleRole:
            return m.title.isEmpty() ? m.name : m.title;
        case FileNameRole:
            return QFileInfo(m.path).fileName();
        case PathRole:
            return m.path;
        case ArchitectureRole:
            return m.architecture;
        case ParametersRole:
            return r.facts.parameters ? formatParameterCount(r.facts.parameters) : QString();
        case QuantRole:
            return m.quant;
        case SizeTextRole:
            return QLocale::system().formattedDataSize(m.size, 1);
        case ContextLengthRole:
            return m.contextLength;
        case LicenceRole:
            return r.facts.licence;
        case HasTemplateRole:
            return m.hasChatTemplate;
        case MemoryTextRole: {
            const QLocale locale = QLocale::system();
            QString text = tr("%1 at %2 tokens · %3 free")
                               .arg(locale.formattedDataSize(qint64(need), 1))
                               .arg(contextTokens_)
                               .arg(available_ ? locale.formattedDataSize(qint64(available_), 1)
                                               : tr("unknown"));
            if (!deviceName_.isEmpty())
                text += tr(" · %1 on %2")
                            .arg(locale.formattedDataSize(qint64(deviceMemory_), 1), deviceName_);
            return text;
        }
        case FitsInMemoryRole:
            // On a device the weights and the KV cache live in its memory; the engine would
            // refuse the device and compute on the CPU, which needs the RAM.
            if (!deviceName_.isEmpty() && need > deviceMemory_) return false;
            return available_ == 0 || need <= available_;
        case ErrorRole:
            return m.error;
        default:
            return {};
    }
}

QHash<int, QByteArray> InstalledModelsModel::roleNames() const {
    return {{NameRole, "name"},
            {TitleRole, "title"},
            {FileNameRole, "fileName"},
            {PathRole, "path"},
            {ArchitectureRole, "architecture"},
            {ParametersRole, "parameters"},
            {QuantRole, "quant"},
            {SizeTextRole, "sizeText"},
            {ContextLengthRole, "contextLength"},
            {LicenceRole, "licence"},
            {HasTemplateRole, "hasTemplate"},
            {MemoryTextRole, "memoryText"},
            {FitsInMemoryRole, "fitsInMemory"},
            {ErrorRole, "error"}};
}

void InstalledModelsModel::refresh(const ModelStore& store) {
    beginResetModel();
    rows_.clear();
    for (const InstalledModel& m : store.installed())
        rows_.push_back({m, readModelFacts(m.path)});
    available_ = availableMemoryBytes();
    endResetModel();
    Q_EMIT countChanged();
}

void InstalledModelsModel::setComputeDevice(const QString& name, quint64 memoryBytes) {
    deviceName_ = name;
    deviceMemory_ = memoryBytes;
    if (!rows_.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(rows_.size()) - 1),
                           {MemoryTextRole, FitsInMemoryRole});
}

void InstalledModelsModel::setContextTokens(int tokens) {
    contextTokens_ = tokens;
    available_ = availableMemoryBytes();
    if (!rows_.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(rows_.size()) - 1),
                           {MemoryTextRole, FitsInMemoryRole});
}

QString InstalledModelsModel::pathAt(int row) const {
    return row >= 0 && row < rows_.size() ? rows_[row].model.path : QString();
}

QString InstalledModelsModel::fileNameAt(int row) const {
    return QFileInfo(pathAt(row)).fileName();
}

}  // namespace hearth::gui
