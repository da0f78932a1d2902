#pragma once
// BatchRunner: runs a dataset through a template on several targets (the cells of
// rows x targets) and stores each finished cell in the store, complete with its assertion
// results, in one insert. What it runs is exactly the cells of the run that have no stored
// result yet, so starting it again on the same run after a cancel, a crash or a restart
// finishes the run without repeating a cell.
//
// Scheduling: local targets share the machine's engine, so their cells run one at a time
// in one lane, target after target, and only the current local target is kept loaded (the
// previous one is destroyed before the next is built). Remote targets run concurrently
// with at most `maxConcurrent` jobs in flight per endpoint. The two kinds run in parallel.
//
// Lives on one thread (the one that owns `db`); Target callbacks arrive there (Target's
// contract). A cell that finishes as cancelled is not stored, so it runs again on resume.
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QVector>
#include <functional>
#include <map>
#include <memory>

#include "core/playground/prompt_template.h"
#include "core/store/store_database.h"
#include "core/target/target.h"

namespace hearth::playground {

struct TargetSpec {
    QString address;              // catalog name, .gguf path or remote URL
    bool local = true;            // shares the local engine lane
    QString endpoint;             // remote: concurrency key (scheme://host:port)
    int maxConcurrent = 4;        // remote: jobs in flight per endpoint
    double pricePer1kInput = 0;   // cost per 1,000 prompt tokens
    double pricePer1kOutput = 0;  // cost per 1,000 completion tokens
};

// Builds a target for an address; returns null and sets *error when it cannot.
using TargetFactory =
    std::function<std::unique_ptr<Target>(const TargetSpec& spec, QString* error)>;

class BatchRunner : public QObject {
    Q_OBJECT
public:
    BatchRunner(store::StoreDatabase* db, TargetFactory factory, QObject* parent = nullptr);
    ~BatchRunner() override;

    // Starts (or resumes) `runId`: every (row, target) cell without a stored result runs.
    // `targets` are in the run's column order. Emits finished() when done (also when there
    // was nothing left to do).
    void start(store::Id runId, const PromptTemplate& tmpl, const QVector<store::DatasetRow>& rows,
               const QVector<TargetSpec>& targets);
    // Stops every job in flight; unfinished cells stay unstored. finished(Cancelled) follows
    // once the jobs have returned.
    void cancel();

    bool isRunning() const { return running_; }
    int totalCells() const { return total_; }
    int doneCells() const { return done_; }
    int skippedAtStart() const { return alreadyDone_; }  // cells found stored on start

Q_SIGNALS:
    void cellStarted(store::Id rowId, const QString& target);
    void cellPiece(store::Id rowId, const QString& target, const QString& piece);
    void cellFinished(const hearth::store::RunResultRecord& result);
    // done includes the cells stored before this start; eta is -1 until a cell has finished.
    void progress(int done, int total, double etaSeconds);
    void targetFailed(const QString& target, const QString& error);
    void finished(hearth::store::RunStatus status);

private:
    struct Cell {
        int row = 0;     // index into rows_
        int target = 0;  // index into specs_
    };
    struct Live;  // one cell in flight (generation, then judge checks)

    void pump();
    void startCell(const Cell& cell, Target* target);
    void runNextJudge(const std::shared_ptr<Live>& live);
    void storeCell(const std::shared_ptr<Live>& live);
    void cellDone(const std::shared_ptr<Live>& live);
    Target* localTarget(int index);
    Target* judgeTarget(const QString& address, QString* error);
    void finishIfIdle();

    store::StoreDatabase* db_;
    TargetFactory factory_;
    store::Id runId_ = 0;
    PromptTemplate template_;
    QVector<store::DatasetRow> rows_;
    QVector<TargetSpec> specs_;

    QVector<Cell> localQueue_;                       // target-major order
    std::map<QString, QVector<Cell>> remoteQueues_;  // endpoint -> cells
    QHash<QString, int> inFlight_;                   // endpoint -> jobs running
    bool localBusy_ = false;
    int loadedLocal_ = -1;  // spec index of the resident local target
    std::unique_ptr<Target> local_;
    std::map<int, std::unique_ptr<Target>> remote_;      // spec index -> target
    std::map<QString, std::unique_ptr<Target>> judges_;  // address -> target
    QVector<int> failedTargets_;
    QVector<std::shared_ptr<Live>> live_;

    bool running_ = false, cancelled_ = false;
    int total_ = 0, done_ = 0, alreadyDone_ = 0;
    QElapsedTimer clock_;
};

}  // namespace hearth::playground

Q_DECLARE_METATYPE(hearth::store::RunResultRecord)
