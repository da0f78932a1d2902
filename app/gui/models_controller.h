#pragma once
// ModelsController: the models page's facade. Lists installed models (with the memory
// estimate at `contextTokens`), the catalog with its downloads (CatalogModel), imports a
// .gguf (validated by the engine), deletes one, quantizes one and compares a quantized
// model with its base. Long work runs on a
// QuantWorker in its own QThread; its queued signals come back here, on the GUI thread,
// which is the only place the list models change.
#include <QtQml/qqmlregistration.h>

#include <QObject>
#include <QPointer>
#include <QThread>

#include "core/models/model_store.h"
#include "gui/catalog_model.h"
#include "gui/comparison_model.h"
#include "gui/installed_models_model.h"

namespace hearth {
class QuantWorker;
}

namespace hearth::gui {

class ModelsController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(hearth::gui::InstalledModelsModel* installed READ installed CONSTANT)
    Q_PROPERTY(hearth::gui::ComparisonModel* comparisons READ comparisons CONSTANT)
    Q_PROPERTY(hearth::gui::CatalogModel* catalog READ catalog CONSTANT)
    Q_PROPERTY(QStringList quantizeTypes READ quantizeTypes CONSTANT)
    Q_PROPERTY(
        int contextTokens READ contextTokens WRITE setContextTokens NOTIFY contextTokensChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(double progress READ progress NOTIFY progressChanged)
    Q_PROPERTY(QString statusText READ statusText NOTIFY statusTextChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY errorTextChanged)
    Q_PROPERTY(QString modelsDirectory READ modelsDirectory CONSTANT)
public:
    explicit ModelsController(QObject* parent = nullptr);
    ~ModelsController() override;

    InstalledModelsModel* installed() { return &installed_; }
    ComparisonModel* comparisons() { return &comparisons_; }
    CatalogModel* catalog() { return &catalog_; }
    QStringList quantizeTypes() const;
    int contextTokens() const { return contextTokens_; }
    void setContextTokens(int tokens);
    bool busy() const { return busy_; }
    double progress() const { return progress_; }
    const QString& statusText() const { return status_; }
    const QString& errorText() const { return error_; }
    QString modelsDirectory() const { return store_.directory(); }

    Q_INVOKABLE void refresh();
    Q_INVOKABLE bool deleteModel(int row);
    // A path or file:// URL; false (errorText set) when refused.
    Q_INVOKABLE bool importFile(const QString& pathOrUrl);
    // Writes <stem>-<type>.gguf beside the source; false when refused before starting.
    Q_INVOKABLE bool quantize(int row, const QString& type);
    // Scores the candidate against the base over the bundled text; a row lands in
    // comparisons when done.
    Q_INVOKABLE bool compare(int baseRow, int candidateRow);
    Q_INVOKABLE void cancel();
    Q_INVOKABLE void dismissError();
    // Adds a comparison from `hearth eval-quant --json` output (screenshots, saved runs).
    Q_INVOKABLE bool loadComparisonJson(const QString& path);
    // Window size and number of windows of the comparisons (default 512 tokens, all the
    // text allows; tests use less).
    Q_INVOKABLE void setEvalLimits(int contextTokens, int maxWindows) {
        evalContextTokens_ = contextTokens;
        evalMaxWindows_ = maxWindows;
    }

Q_SIGNALS:
    void contextTokensChanged();
    void busyChanged();
    void progressChanged();
    void statusTextChanged();
    void errorTextChanged();
    void quantizeFinished(const QString& path);
    void compareFinished();
    // Queued to the worker thread.
    void quantizeRequested(const QString& input, const QString& output, const QString& type);
    void compareRequested(const QString& base, const QString& candidate, const QString& corpus,
                          int contextTokens, int maxWindows);

private:
    void setBusy(bool busy, const QString& status);
    void setError(const QString& error);
    void onProgress(double fraction, const QString& what);
    void onQuantized(const QString& output, const QString& summary);
    void onCompared(const hearth::ComparisonRow& row);
    void onFailed(const QString& message);

    ModelStore store_;
    InstalledModelsModel installed_;
    ComparisonModel comparisons_;
    CatalogModel catalog_{store_};
    QThread thread_;
    QuantWorker* worker_ = nullptr;  // lives on thread_, deleted when it finishes
    int contextTokens_ = 4096;
    int evalContextTokens_ = 512;
    int evalMaxWindows_ = -1;
    bool busy_ = false;
    double progress_ = 0;
    QString status_, error_;
};

}  // namespace hearth::gui
