#pragma once
// PlaygroundSession: the Playground page's database and run work, kept off the GUI thread
// (the UI never waits on disk). It lives on a worker thread of its own (the GUI controller
// starts it and moves it there), opens its own connection to the store on that thread
// (SQLite in WAL mode allows it beside the chat's store thread) and drives a BatchRunner
// there, so targets' callbacks arrive on that thread too; it needs its thread's event loop.
//
// Callers talk to it only through queued calls carrying values (start(), cancel()) and hear
// back through its signals, which carry values only: a GUI receiver changes its models in
// its own thread's slots.
#include <QObject>
#include <QStringList>
#include <QVector>
#include <memory>

#include "core/playground/batch_runner.h"
#include "core/playground/dataset_import.h"
#include "core/playground/run_summary.h"

namespace hearth::playground {

// Everything a run needs, checked by the caller (template valid, targets resolved, the
// dataset's columns cover the template's variables).
struct RunOrder {
    PromptTemplate tmpl;
    QString datasetName;  // the dataset file's name, stored with it
    DatasetImport dataset;
    QStringList targets;  // addresses, in column order
    QVector<TargetSpec> specs;
    int maxRows = 0;  // 0 = all rows
};

// The run about to start: what the results grid shows before the first new cell.
struct PreparedRun {
    QString templateName;
    int version = 0;
    QVector<store::DatasetRow> rows;
    QStringList inputs;                      // the rendered user prompt per row
    QVector<store::RunResultRecord> stored;  // cells stored earlier (a resumed run)
    QVector<TargetSummary> summary;          // per target, in RunOrder::targets order
};

class PlaygroundSession : public QObject {
    Q_OBJECT
public:
    // `databasePath` is opened on first use, on the session's thread.
    explicit PlaygroundSession(const QString& databasePath, QObject* parent = nullptr);
    ~PlaygroundSession() override;

    // Saves the template version and the dataset, finds or creates the run, emits
    // prepared() and starts the runner; failed() instead when the store refuses. Ignored
    // (with failed()) while a run is going.
    void start(const RunOrder& order);
    // Stops the run in flight; finished(Cancelled) follows.
    void cancel();
    // Writes the last run's stored cells to `path`: JSONL for .jsonl/.ndjson, else CSV
    // (run_export.h). exported() or exportFailed() follows.
    void exportResults(const QString& path);
    // Marks the last run's template version as its template's baseline (baselineMarked()).
    // Every run that finishes is then compared with the baseline version's latest finished
    // run on the same dataset (compared()), like `hearth playground run` does.
    void markBaseline();

Q_SIGNALS:
    void prepared(const hearth::playground::PreparedRun& run);
    void failed(const QString& databaseError);
    void cellStarted(qint64 rowId, const QString& target);
    void cellPiece(qint64 rowId, const QString& target, const QString& piece);
    // A stored cell and the run's per-target summary including it.
    void cellFinished(const hearth::store::RunResultRecord& result,
                      const QVector<hearth::playground::TargetSummary>& summary);
    void progress(int done, int total, double etaSeconds);
    void targetFailed(const QString& target, const QString& error);
    void finished(hearth::store::RunStatus status);
    void exported(const QString& path, int cells);
    void requestFailed(const QString& error);  // an export or a baseline request
    void baselineMarked(int version);
    // After a finished run of a version other than the baseline: `regressions` cells went
    // from pass to fail (-1: the baseline version has no finished run on this dataset),
    // one "row N target: detail" line each in `details`.
    void compared(int baselineVersion, int regressions, const QStringList& details);

private:
    QVector<TargetSummary> summary() const;
    void compareWithBaseline();

    QString databasePath_;
    std::unique_ptr<store::StoreDatabase> db_;
    std::unique_ptr<BatchRunner> runner_;
    store::Id runId_ = 0, templateId_ = 0, versionId_ = 0, datasetId_ = 0;
    QStringList targets_;
    QVector<store::DatasetRow> rows_;  // the run's rows
};

}  // namespace hearth::playground

Q_DECLARE_METATYPE(hearth::playground::PreparedRun)
Q_DECLARE_METATYPE(hearth::playground::TargetSummary)
