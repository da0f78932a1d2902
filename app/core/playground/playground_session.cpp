#include "core/playground/playground_session.h"

#include <QSaveFile>

#include "core/playground/playground_store.h"
#include "core/playground/playground_targets.h"
#include "core/playground/run_export.h"

namespace hearth::playground {

PlaygroundSession::PlaygroundSession(const QString& databasePath, QObject* parent)
    : QObject(parent), databasePath_(databasePath) {
    // Every signal crosses threads: its argument types must be known to the meta-type system.
    qRegisterMetaType<PreparedRun>();
    qRegisterMetaType<TargetSummary>();
    qRegisterMetaType<QVector<TargetSummary>>();
    qRegisterMetaType<store::RunResultRecord>();
    qRegisterMetaType<store::RunStatus>();
}

// The runner (and the targets it holds) goes before the connection it writes through.
PlaygroundSession::~PlaygroundSession() {
    runner_.reset();
}

void PlaygroundSession::start(const RunOrder& order) {
    if (runner_ && runner_->isRunning()) {
        Q_EMIT failed(QStringLiteral("a run is already in progress"));
        return;
    }
    PreparedRun ready;
    try {
        if (!db_) db_ = store::StoreDatabase::open(databasePath_);
        const SavedVersion saved = saveTemplateVersion(*db_, order.tmpl);
        ready.templateName = order.tmpl.name;
        ready.version = saved.version.version;
        const store::DatasetRecord d = storeDataset(*db_, order.datasetName, order.dataset);
        ready.rows = db_->datasetRows(d.id);
        templateId_ = saved.templateId;
        versionId_ = saved.version.id;
        datasetId_ = d.id;
        QJsonObject parameters;
        if (order.maxRows > 0 && ready.rows.size() > order.maxRows) {
            ready.rows.resize(order.maxRows);
            parameters.insert(QStringLiteral("max_rows"), order.maxRows);
        }
        runId_ = findOrCreateRun(*db_, saved.version.id, d.id, order.targets, parameters).run.id;
        ready.stored = db_->runResults(runId_);
    } catch (const store::StoreException& e) {
        Q_EMIT failed(e.error().message);
        return;
    }
    targets_ = order.targets;
    rows_ = ready.rows;
    for (const store::DatasetRow& row : std::as_const(ready.rows)) {
        QString error;
        const auto text = renderPlaceholders(order.tmpl.userPrompt, row.values, &error);
        ready.inputs << (text ? *text : error);
    }
    ready.summary = summarize(ready.stored, targets_);
    Q_EMIT prepared(ready);

    runner_ = std::make_unique<BatchRunner>(db_.get(), defaultTargetFactory());
    connect(runner_.get(), &BatchRunner::cellStarted, this,
            [this](store::Id rowId, const QString& target) { Q_EMIT cellStarted(rowId, target); });
    connect(runner_.get(), &BatchRunner::cellPiece, this,
            [this](store::Id rowId, const QString& target, const QString& piece) {
                Q_EMIT cellPiece(rowId, target, piece);
            });
    connect(runner_.get(), &BatchRunner::cellFinished, this,
            [this](const store::RunResultRecord& r) { Q_EMIT cellFinished(r, summary()); });
    connect(runner_.get(), &BatchRunner::progress, this, &PlaygroundSession::progress);
    connect(runner_.get(), &BatchRunner::targetFailed, this, &PlaygroundSession::targetFailed);
    connect(runner_.get(), &BatchRunner::finished, this, [this](store::RunStatus status) {
        if (status == store::RunStatus::Done) compareWithBaseline();
        Q_EMIT finished(status);
    });
    runner_->start(runId_, order.tmpl, ready.rows, order.specs);
}

void PlaygroundSession::cancel() {
    if (runner_) runner_->cancel();
}

void PlaygroundSession::exportResults(const QString& path) {
    if (!db_ || runId_ == 0) {
        Q_EMIT requestFailed(QStringLiteral("nothing to export: run the template first"));
        return;
    }
    QVector<store::RunResultRecord> results;
    try {
        results = db_->runResults(runId_);
    } catch (const store::StoreException& e) {
        Q_EMIT requestFailed(QStringLiteral("database: %1").arg(e.error().message));
        return;
    }
    const bool jsonl =
        path.endsWith(QLatin1String(".jsonl")) || path.endsWith(QLatin1String(".ndjson"));
    // QSaveFile: an existing file is replaced only once the new one is complete.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(jsonl ? resultsToJsonl(rows_, results) : resultsToCsv(rows_, results)) < 0 ||
        !file.commit()) {
        Q_EMIT requestFailed(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
        return;
    }
    Q_EMIT exported(path, int(results.size()));
}

void PlaygroundSession::markBaseline() {
    if (!db_ || versionId_ == 0) {
        Q_EMIT requestFailed(QStringLiteral("no version to mark: run the template first"));
        return;
    }
    try {
        db_->setBaseline(templateId_, versionId_);
        Q_EMIT baselineMarked(db_->templateVersion(versionId_).version);
    } catch (const store::StoreException& e) {
        Q_EMIT requestFailed(QStringLiteral("database: %1").arg(e.error().message));
    }
}

void PlaygroundSession::compareWithBaseline() {
    try {
        const store::Id baseline = db_->baselineVersion(templateId_);
        if (baseline == 0 || baseline == versionId_) return;
        const int version = db_->templateVersion(baseline).version;
        const store::RunRecord before = latestDoneRun(*db_, baseline, datasetId_);
        if (before.id == 0) {
            Q_EMIT compared(version, -1, {});
            return;
        }
        const QVector<Regression> regressions = findRegressions(
            db_->runResults(before.id), db_->runResults(runId_), rowIndexById(*db_, datasetId_));
        QStringList details;
        for (const Regression& r : regressions)
            details << QStringLiteral("row %1 %2: %3").arg(r.rowIndex + 1).arg(r.target, r.detail);
        Q_EMIT compared(version, int(regressions.size()), details);
    } catch (const store::StoreException& e) {
        Q_EMIT requestFailed(QStringLiteral("database: %1").arg(e.error().message));
    }
}

QVector<TargetSummary> PlaygroundSession::summary() const {
    try {
        return summarize(db_->runResults(runId_), targets_);
    } catch (const store::StoreException& e) {
        // The cell itself was stored (or the runner would have said); a summary that
        // cannot be read now is refreshed with the next cell.
        qWarning("playground summary: %s", qPrintable(e.error().message));
        return {};
    }
}

}  // namespace hearth::playground
