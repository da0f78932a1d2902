#include "core/playground/batch_runner.h"

#include <QSet>
#include <QTimer>

#include "core/playground/assertions.h"
#include "core/store/store_finish.h"

namespace hearth::playground {

struct BatchRunner::Live {
    Cell cell;
    store::RunResultRecord result;
    std::shared_ptr<Job> job;
    QElapsedTimer timer;
    bool sawPiece = false;
    QString input;        // the rendered user prompt (for the judge)
    QJsonArray outcomes;  // assertion results so far
    QVector<QJsonObject> judges;
    int nextJudge = 0;
    bool anyFailed = false;
};

BatchRunner::BatchRunner(store::StoreDatabase* db, TargetFactory factory, QObject* parent)
    : QObject(parent), db_(db), factory_(std::move(factory)) {
    qRegisterMetaType<store::RunResultRecord>();
}

BatchRunner::~BatchRunner() {
    cancelled_ = true;
    for (const auto& live : std::as_const(live_))
        if (live->job) live->job->cancel();
}

void BatchRunner::start(store::Id runId, const PromptTemplate& tmpl,
                        const QVector<store::DatasetRow>& rows,
                        const QVector<TargetSpec>& targets) {
    Q_ASSERT(!running_);
    runId_ = runId;
    template_ = tmpl;
    rows_ = rows;
    specs_ = targets;
    localQueue_.clear();
    remoteQueues_.clear();
    failedTargets_.clear();
    cancelled_ = false;

    QSet<QPair<store::Id, QString>> stored;
    for (const store::RunResultRecord& r : db_->runResults(runId))
        stored.insert({r.datasetRowId, r.target});
    total_ = int(rows.size() * targets.size());
    done_ = 0;
    for (int t = 0; t < targets.size(); ++t) {
        for (int r = 0; r < rows.size(); ++r) {
            if (stored.contains({rows[r].id, targets[t].address})) {
                ++done_;
                continue;
            }
            if (targets[t].local)
                localQueue_.append({r, t});
            else
                remoteQueues_[targets[t].endpoint].append({r, t});
        }
    }
    alreadyDone_ = done_;
    running_ = true;
    clock_.start();
    db_->setRunStatus(runId, store::RunStatus::Running);
    Q_EMIT progress(done_, total_, -1);
    QTimer::singleShot(0, this, &BatchRunner::pump);
}

void BatchRunner::cancel() {
    if (!running_ || cancelled_) return;
    cancelled_ = true;
    for (const auto& live : std::as_const(live_))
        if (live->job) live->job->cancel();
    QTimer::singleShot(0, this, &BatchRunner::finishIfIdle);
}

Target* BatchRunner::localTarget(int index) {
    if (loadedLocal_ == index && local_) return local_.get();
    local_.reset();  // one local model resident at a time: free the previous one first
    loadedLocal_ = index;
    QString error;
    local_ = factory_(specs_[index], &error);
    if (!local_) {
        failedTargets_.append(index);
        Q_EMIT targetFailed(specs_[index].address, error);
    }
    return local_.get();
}

Target* BatchRunner::judgeTarget(const QString& address, QString* error) {
    auto it = judges_.find(address);
    if (it != judges_.end()) return it->second.get();
    TargetSpec spec;
    spec.address = address;
    std::unique_ptr<Target> target = factory_(spec, error);
    Target* raw = target.get();
    if (raw) judges_[address] = std::move(target);
    return raw;
}

void BatchRunner::pump() {
    if (!running_ || cancelled_) {
        finishIfIdle();
        return;
    }
    // Local lane: one cell at a time; drop the cells of a target that could not be built.
    while (!localBusy_ && !localQueue_.isEmpty()) {
        const Cell cell = localQueue_.takeFirst();
        if (failedTargets_.contains(cell.target)) continue;
        Target* target = localTarget(cell.target);
        if (!target) continue;
        localBusy_ = true;
        startCell(cell, target);
    }
    // Remote lanes: fill each endpoint up to its limit.
    for (auto& [endpoint, queue] : remoteQueues_) {
        while (!queue.isEmpty()) {
            const Cell cell = queue.first();
            const int limit = std::max(1, specs_[cell.target].maxConcurrent);
            if (inFlight_.value(endpoint) >= limit) break;
            queue.removeFirst();
            if (failedTargets_.contains(cell.target)) continue;
            auto it = remote_.find(cell.target);
            if (it == remote_.end()) {
                QString error;
                std::unique_ptr<Target> made = factory_(specs_[cell.target], &error);
                if (!made) {
                    failedTargets_.append(cell.target);
                    Q_EMIT targetFailed(specs_[cell.target].address, error);
                    continue;
                }
                it = remote_.emplace(cell.target, std::move(made)).first;
            }
            ++inFlight_[endpoint];
            startCell(cell, it->second.get());
        }
    }
    finishIfIdle();
}

void BatchRunner::startCell(const Cell& cell, Target* target) {
    auto live = std::make_shared<Live>();
    live->cell = cell;
    const store::DatasetRow& row = rows_[cell.row];
    const TargetSpec& spec = specs_[cell.target];
    store::RunResultRecord& r = live->result;
    r.runId = runId_;
    r.datasetRowId = row.id;
    r.target = spec.address;
    for (const QJsonValue& a : template_.assertions)
        if (isJudge(a.toObject())) live->judges.append(a.toObject());
    live_.append(live);
    Q_EMIT cellStarted(row.id, spec.address);

    GenerationRequest request = template_.baseRequest();
    QString error;
    if (!template_.buildMessages(row.values, &request.messages, &error)) {
        r.finish = store::FinishReason::Error;
        r.errorMessage = error;
        QTimer::singleShot(0, this, [this, live] { storeCell(live); });
        return;
    }
    live->input = QString::fromStdString(request.messages.back().content);
    live->timer.start();
    std::weak_ptr<Live> weak = live;
    Sink sink;
    sink.onPiece = [this, weak](const QString& piece) {
        auto l = weak.lock();
        if (!l) return;
        if (!l->sawPiece) {
            l->sawPiece = true;
            l->result.ttftMs = double(l->timer.nsecsElapsed()) / 1e6;
        }
        l->result.output += piece;
        Q_EMIT cellPiece(l->result.datasetRowId, l->result.target, piece);
    };
    sink.onFinished = [this, weak](const GenerationStats& stats) {
        auto l = weak.lock();
        if (!l) return;
        store::RunResultRecord& res = l->result;
        res.latencyMs = double(l->timer.nsecsElapsed()) / 1e6;
        res.tokensIn = stats.prompt_tokens;
        res.tokensOut = stats.completion_tokens;
        // The engine's own first-token time excludes queueing; prefer it when reported.
        if (stats.time_to_first_token_ms > 0) res.ttftMs = stats.time_to_first_token_ms;
        const double decodeMs = res.latencyMs - res.ttftMs;
        res.tokensPerS = stats.tokens_per_s > 0 ? stats.tokens_per_s
                         : decodeMs > 0 && res.tokensOut > 1
                             ? (res.tokensOut - 1) * 1000.0 / decodeMs
                             : 0;
        const TargetSpec& s = specs_[l->cell.target];
        res.cost =
            res.tokensIn / 1000.0 * s.pricePer1kInput + res.tokensOut / 1000.0 * s.pricePer1kOutput;
        res.finish = store::storedFinishReason(stats.finish);
        res.errorMessage = QString::fromStdString(stats.error);
        l->job.reset();
        if (stats.finish == FinishReason::cancelled || cancelled_) {
            // Not stored: the cell runs again when the run resumes.
            QTimer::singleShot(0, this, [this, l] { cellDone(l); });
            return;
        }
        for (const QJsonValue& a : template_.assertions) {
            const QJsonObject check = a.toObject();
            if (isJudge(check)) continue;
            const AssertionOutcome o =
                evaluateAssertion(check, res.output, rows_[l->cell.row].values);
            l->outcomes.append(o.toJson(check.value(QStringLiteral("type")).toString()));
            l->anyFailed = l->anyFailed || !o.passed;
        }
        QTimer::singleShot(0, this, [this, l] { runNextJudge(l); });
    };
    live->job = target->start(request, sink);
}

void BatchRunner::runNextJudge(const std::shared_ptr<Live>& live) {
    if (cancelled_) {
        cellDone(live);
        return;
    }
    if (live->nextJudge >= live->judges.size() ||
        live->result.finish == store::FinishReason::Error) {
        storeCell(live);
        return;
    }
    const QJsonObject check = live->judges[live->nextJudge++];
    QString error;
    Target* judge = judgeTarget(check.value(QStringLiteral("target")).toString(), &error);
    if (!judge) {
        live->outcomes.append(
            AssertionOutcome{false, -1, QStringLiteral("judge unavailable: ") + error}.toJson(
                QStringLiteral("judge")));
        live->anyFailed = true;
        runNextJudge(live);
        return;
    }
    auto reply = std::make_shared<QString>();
    Sink sink;
    sink.onPiece = [reply](const QString& piece) { *reply += piece; };
    std::weak_ptr<Live> weak = live;
    sink.onFinished = [this, weak, reply](const GenerationStats& stats) {
        auto l = weak.lock();
        if (!l) return;
        l->job.reset();
        if (stats.finish == FinishReason::cancelled || cancelled_) {
            QTimer::singleShot(0, this, [this, l] { cellDone(l); });
            return;
        }
        const AssertionOutcome o = stats.finish == FinishReason::error
                                       ? AssertionOutcome{false, -1,
                                                          QStringLiteral("judge failed: ") +
                                                              QString::fromStdString(stats.error)}
                                       : judgeVerdict(*reply);
        l->outcomes.append(o.toJson(QStringLiteral("judge")));
        l->anyFailed = l->anyFailed || !o.passed;
        QTimer::singleShot(0, this, [this, l] { runNextJudge(l); });
    };
    live->job = judge->start(
        judgeRequest(check, live->input, live->result.output, rows_[live->cell.row].values), sink);
}

void BatchRunner::storeCell(const std::shared_ptr<Live>& live) {
    store::RunResultRecord& r = live->result;
    if (!template_.assertions.isEmpty()) {
        // An error cell fails every check: there is no output to accept.
        const bool error = r.finish == store::FinishReason::Error;
        r.passed = error || live->anyFailed ? 0 : 1;
        r.assertionResults = live->outcomes;
    }
    try {
        r = db_->addRunResult(r);
        ++done_;
        const int ranNow = done_ - alreadyDone_;
        const double perCell = double(clock_.elapsed()) / 1000.0 / std::max(1, ranNow);
        Q_EMIT progress(done_, total_, perCell * (total_ - done_));
        Q_EMIT cellFinished(r);
    } catch (const store::StoreException& e) {
        // A duplicate means another runner stored this cell first: nothing is lost.
        Q_EMIT targetFailed(r.target, e.error().message);
    }
    cellDone(live);
}

void BatchRunner::cellDone(const std::shared_ptr<Live>& live) {
    live_.removeOne(live);
    const TargetSpec& spec = specs_[live->cell.target];
    if (spec.local)
        localBusy_ = false;
    else
        --inFlight_[spec.endpoint];
    QTimer::singleShot(0, this, &BatchRunner::pump);
}

void BatchRunner::finishIfIdle() {
    if (!running_ || !live_.isEmpty() || localBusy_) return;
    bool pending = !cancelled_ && !localQueue_.isEmpty();
    for (const auto& [endpoint, queue] : remoteQueues_)
        pending = pending || (!cancelled_ && !queue.isEmpty());
    if (pending) return;
    running_ = false;
    // Free the models now rather than with the runner.
    local_.reset();
    loadedLocal_ = -1;
    remote_.clear();
    judges_.clear();
    const store::RunStatus status = cancelled_                  ? store::RunStatus::Cancelled
                                    : !failedTargets_.isEmpty() ? store::RunStatus::Failed
                                                                : store::RunStatus::Done;
    db_->setRunStatus(runId_, status);
    Q_EMIT finished(status);
}

}  // namespace hearth::playground
