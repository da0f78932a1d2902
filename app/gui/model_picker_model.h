#pragma once
// ModelPickerModel: the installed models (ModelStore::installed()) for the model picker.
// Roles: name (what a conversation stores as its target), label (what the picker shows),
// title, quant, sizeText, architecture, error (file unreadable as GGUF). Saved remote
// endpoints (ChatController::endpoints) follow the local models: name = their address,
// label = their title, quant = "remote", sizeText = their price.
#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>
#include <QVector>

#include "core/models/model_store.h"

namespace hearth::gui {

class ModelPickerModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(QVariantList endpoints READ endpoints WRITE setEndpoints NOTIFY countChanged)
public:
    enum Roles {
        NameRole = Qt::UserRole + 1,
        TitleRole,
        QuantRole,
        SizeTextRole,
        ArchitectureRole,
        ErrorRole,
        LabelRole
    };

    explicit ModelPickerModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QVariantList endpoints() const { return endpoints_; }
    void setEndpoints(const QVariantList& endpoints);

    Q_INVOKABLE void refresh();                          // rescans the models directory
    Q_INVOKABLE int indexOf(const QString& name) const;  // -1 when absent
    Q_INVOKABLE QString nameAt(int row) const;
    Q_INVOKABLE QString modelsDirectory() const;

Q_SIGNALS:
    void countChanged();

private:
    QVector<InstalledModel> models_;
    QVariantList endpoints_;  // maps: address, title, detail
};

}  // namespace hearth::gui
