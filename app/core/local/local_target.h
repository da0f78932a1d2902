#pragma once
// LocalTarget: the Target for a model file run by our own engine. It owns one
// EngineWorker on its own QThread and starts loading the model as soon as it is built;
// jobs started before the load finishes queue behind it. Use it from one thread (the one
// it lives on, usually the GUI thread): Sink callbacks arrive there through a per-job relay
// object, as queued calls.
//
// Destroying the target cancels the running job, aborts a load in progress and joins the
// worker thread; jobs that had not finished by then get no onFinished.
#include <QObject>
#include <QPointer>
#include <QThread>
#include <atomic>
#include <memory>

#include "core/local/engine_worker.h"
#include "core/target/target.h"

namespace hearth::local {

class LocalTarget : public QObject, public Target {
    Q_OBJECT
public:
    enum class State { Loading, Ready, Failed };
    Q_ENUM(State)

    // `modelNameOrPath` goes through ModelStore::resolve() (catalog name, alias, file stem or
    // path); an address that is not a local file fails at once (state Failed).
    // `device`: the engine's request ("" = HEARTH_DEVICE or automatic, "cpu", "N").
    explicit LocalTarget(const QString& modelNameOrPath, int threads = 0, QObject* parent = nullptr,
                         const QString& device = QString());
    ~LocalTarget() override;

    QString id() const override { return id_; }
    QString displayName() const override;
    std::shared_ptr<Job> start(const GenerationRequest& request, Sink sink) override;

    State state() const { return state_; }
    float loadProgress() const { return progress_; }
    QString errorString() const { return error_; }
    QString filePath() const { return path_; }
    int contextSize() const { return contextSize_; }  // 0 until the session exists
    int trainedContext() const { return trainedContext_; }
    QString deviceRequest() const { return deviceRequest_; }
    // Where the model computes once loaded ("CPU", "NAME (Vulkan)"); empty before.
    QString deviceName() const { return deviceName_; }
    // Why it computes on the CPU against the request; empty when it does not.
    QString deviceFallback() const { return deviceFallback_; }
    void setContextSize(int tokens);  // 0 = engine default; applies to the next job

    // Starts tearing down without blocking the caller: cancels jobs (which then get no
    // onFinished, as with destruction), aborts a load, frees
    // the model on the worker thread. retired() follows once the thread has stopped; the
    // destructor then has nothing left to wait for. (Switching models in the GUI uses this
    // so unmapping a large file never stalls the window.)
    void retire();

Q_SIGNALS:
    void stateChanged(hearth::local::LocalTarget::State state);
    void loadProgressChanged(float fraction);
    void contextSizeChanged(int tokens);
    void deviceChanged();
    void retired();

private:
    void deleteOnItsThreadAndQuit(EngineWorker* worker);
    // Bookkeeping below is touched only on the target's own thread.
    QString id_, path_, modelName_, error_;
    QString deviceRequest_, deviceName_, deviceFallback_;
    State state_ = State::Loading;
    float progress_ = 0;
    int contextSize_ = 0, trainedContext_ = 0;
    quint64 nextJobId_ = 1;

    QThread thread_;
    EngineWorker* worker_ = nullptr;  // lives on thread_, deleted after the thread stops
    std::shared_ptr<std::atomic<bool>> abortLoad_ = std::make_shared<std::atomic<bool>>(false);
    QVector<CancelFlag> liveJobs_;
    QVector<QPointer<QObject>> relays_;
};

}  // namespace hearth::local
