#pragma once
// InstalledModelsModel: the models page's list of installed models with everything the page
// shows about each (ModelStore's listing + ModelFacts) and the memory estimate at a context
// size against the RAM available now and, when models load onto a Vulkan device, that
// device's memory. Changed only on the GUI thread (refresh()).
#include <QtQml/qqmlregistration.h>

#include <QAbstractListModel>
#include <QVector>

#include "core/models/model_facts.h"
#include "core/models/model_store.h"

namespace hearth::gui {

class InstalledModelsModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by ModelsController")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Roles {
        NameRole = Qt::UserRole + 1,
        TitleRole,
        FileNameRole,
        PathRole,
        ArchitectureRole,
        ParametersRole,
        QuantRole,
        SizeTextRole,
        ContextLengthRole,
        LicenceRole,
        HasTemplateRole,
        MemoryTextRole,
        FitsInMemoryRole,
        ErrorRole
    };

    explicit InstalledModelsModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void refresh(const ModelStore& store);
    void setContextTokens(int tokens);  // for the memory estimate
    // The device models load onto: its name and device-local bytes; an empty name = the CPU.
    void setComputeDevice(const QString& name, quint64 memoryBytes);
    QString pathAt(int row) const;
    QString fileNameAt(int row) const;

Q_SIGNALS:
    void countChanged();

private:
    struct Row {
        InstalledModel model;
        ModelFacts facts;
    };
    QVector<Row> rows_;
    int contextTokens_ = 4096;
    quint64 available_ = 0;
    QString deviceName_;
    quint64 deviceMemory_ = 0;
};

}  // namespace hearth::gui
