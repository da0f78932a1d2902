#include "gui/models_controller.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QUrl>

#include "core/models/comparison_store.h"
#include "core/models/model_catalog.h"
#include "core/models/model_import.h"
#include "core/models/quant_worker.h"
#include "gui/device_report.h"

namespace hearth::gui {

ModelsController::ModelsController(QObject* parent) : QObject(parent) {
    worker_ = new QuantWorker;
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(this, &ModelsController::quantizeRequested, worker_, &QuantWorker::quantize);
    connect(this, &ModelsController::compareRequested, worker_, &QuantWorker::compare);
    connect(worker_, &QuantWorker::progress, this, &ModelsController::onProgress);
    connect(worker_, &QuantWorker::quantized, this, &ModelsController::onQuantized);
    connect(worker_, &QuantWorker::compared, this, &ModelsController::onCompared);
    connect(worker_, &QuantWorker::failed, this, &ModelsController::onFailed);
    thread_.setObjectName(QStringLiteral("quant-worker"));
    thread_.start();
    installed_.setContextTokens(contextTokens_);
    // The device a model loads onto with the automatic choice, as ComputeDevice::open decides.
    const vulkan::DeviceReport& devices = deviceReport();
    if (devices.selection.index >= 0) {
        const vulkan::DeviceInfo& device = devices.devices.at(size_t(devices.selection.index));
        if (!vulkan::device_env_is_automatic() || vulkan::automatic_may_use(device))
            installed_.setComputeDevice(QString::fromStdString(device.name),
                                        device.device_local_bytes);
    }
    connect(&catalog_, &CatalogModel::installed, this, [this](const QString& name) {
        installed_.refresh(store_);
        status_ = tr("Installed %1").arg(name);
        Q_EMIT statusTextChanged();
    });
    refresh();
    for (const ComparisonRow& row : loadComparisons(store_.directory()))
        comparisons_.add(row);
}

ModelsController::~ModelsController() {
    worker_->cancel();  // the running job stops at its next chunk
    thread_.quit();
    thread_.wait();
}

QStringList ModelsController::quantizeTypes() const {
    return {QStringLiteral("Q8_0"), QStringLiteral("Q6_K"), QStringLiteral("Q5_K"),
            QStringLiteral("Q5_1"), QStringLiteral("Q5_0"), QStringLiteral("Q4_K"),
            QStringLiteral("Q4_1"), QStringLiteral("Q4_0")};
}

void ModelsController::setContextTokens(int tokens) {
    if (tokens == contextTokens_ || tokens <= 0) return;
    contextTokens_ = tokens;
    installed_.setContextTokens(tokens);
    Q_EMIT contextTokensChanged();
}

void ModelsController::refresh() {
    installed_.refresh(store_);
    catalog_.refresh();
}

bool ModelsController::deleteModel(int row) {
    const QString path = installed_.pathAt(row);
    if (path.isEmpty() || busy_) return false;
    if (!QFile::remove(path)) {
        setError(tr("Could not delete %1").arg(QFileInfo(path).fileName()));
        return false;
    }
    refresh();
    return true;
}

bool ModelsController::importFile(const QString& pathOrUrl) {
    const QUrl url(pathOrUrl);
    const QString path = url.isLocalFile() ? url.toLocalFile() : pathOrUrl;
    const ImportResult result = importModel(path, store_);
    if (!result.ok()) {
        setError(result.error);
        return false;
    }
    dismissError();
    refresh();
    status_ = tr("Imported %1").arg(QFileInfo(result.path).fileName());
    Q_EMIT statusTextChanged();
    return true;
}

bool ModelsController::quantize(int row, const QString& type) {
    const QString input = installed_.pathAt(row);
    if (input.isEmpty() || busy_) return false;
    const QFileInfo info(input);
    const QString output = info.dir().filePath(info.completeBaseName() + QLatin1Char('-') +
                                               type.toLower() + QStringLiteral(".gguf"));
    if (QFileInfo::exists(output)) {
        setError(tr("%1 already exists; delete it first").arg(QFileInfo(output).fileName()));
        return false;
    }
    dismissError();
    setBusy(true, tr("Quantizing %1 to %2").arg(info.fileName(), type));
    worker_->clearCancel();
    Q_EMIT quantizeRequested(input, output, type);
    return true;
}

bool ModelsController::compare(int baseRow, int candidateRow) {
    const QString base = installed_.pathAt(baseRow);
    const QString candidate = installed_.pathAt(candidateRow);
    if (base.isEmpty() || candidate.isEmpty() || busy_) return false;
    if (base == candidate) {
        setError(tr("Choose two different models to compare"));
        return false;
    }
    dismissError();
    setBusy(true, tr("Scoring %1 against %2")
                      .arg(QFileInfo(candidate).fileName(), QFileInfo(base).fileName()));
    const QString corpus =
        QString::fromUtf8(readAppResource(QStringLiteral("eval/alice-chapter1.txt")));
    worker_->clearCancel();
    Q_EMIT compareRequested(base, candidate, corpus, evalContextTokens_, evalMaxWindows_);
    return true;
}

void ModelsController::cancel() {
    if (busy_) worker_->cancel();
}

void ModelsController::dismissError() {
    if (error_.isEmpty()) return;
    error_.clear();
    Q_EMIT errorTextChanged();
}

bool ModelsController::loadComparisonJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return false;
    const auto row = comparisonFromJson(QJsonDocument::fromJson(f.readAll()).object());
    if (row) comparisons_.add(*row);
    return row.has_value();
}

void ModelsController::setBusy(bool busy, const QString& status) {
    progress_ = 0;
    Q_EMIT progressChanged();
    status_ = status;
    Q_EMIT statusTextChanged();
    if (busy_ != busy) {
        busy_ = busy;
        Q_EMIT busyChanged();
    }
}

void ModelsController::setError(const QString& error) {
    error_ = error;
    Q_EMIT errorTextChanged();
}

void ModelsController::onProgress(double fraction, const QString& what) {
    Q_UNUSED(what);
    progress_ = fraction;
    Q_EMIT progressChanged();
}

void ModelsController::onQuantized(const QString& output, const QString& summary) {
    setBusy(false, summary);
    refresh();
    Q_EMIT quantizeFinished(output);
}

void ModelsController::onCompared(const ComparisonRow& row) {
    comparisons_.add(row);
    saveComparison(store_.directory(), row);  // best effort: the row is shown either way
    setBusy(false, tr("Scored %1").arg(QFileInfo(row.candidatePath).fileName()));
    Q_EMIT compareFinished();
}

void ModelsController::onFailed(const QString& message) {
    setBusy(false, message == QLatin1String("cancelled") ? tr("Cancelled") : QString());
    if (message != QLatin1String("cancelled")) setError(message);
}

}  // namespace hearth::gui
