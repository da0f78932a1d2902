#include "core/local/local_target.h"

#include <QFileInfo>
#include <QMetaObject>

#include "core/models/model_store.h"

namespace hearth::local {

namespace {

class LocalJob : public Job {
public:
    explicit LocalJob(CancelFlag flag) : flag_(std::move(flag)) {}
    void cancel() override { flag_->store(true); }

private:
    CancelFlag flag_;
};

void registerTypes() {
    static const bool once = [] {
        qRegisterMetaType<GenerationRequest>();
        qRegisterMetaType<GenerationStats>();
        qRegisterMetaType<CancelFlag>();
        return true;
    }();
    Q_UNUSED(once);
}

}  // namespace

LocalTarget::LocalTarget(const QString& modelNameOrPath, int threads, QObject* parent,
                         const QString& device)
    : QObject(parent), id_(modelNameOrPath), deviceRequest_(device) {
    registerTypes();
    const ModelAddress address = ModelStore().resolve(modelNameOrPath);
    QString chatTemplate;
    if (address.kind == ModelAddress::Kind::LocalFile) {
        path_ = address.path;
        if (address.entry && address.entry->chatTemplate != QLatin1String("gguf"))
            chatTemplate = QString::fromUtf8(readAppResource(address.entry->chatTemplate));
    }
    modelName_ = address.entry     ? address.entry->name
                 : path_.isEmpty() ? modelNameOrPath
                                   : QFileInfo(path_).completeBaseName();

    worker_ = new EngineWorker(abortLoad_);
    worker_->moveToThread(&thread_);
    thread_.setObjectName(QStringLiteral("engine:") + modelName_);

    connect(worker_, &EngineWorker::loadProgress, this, [this](float fraction) {
        progress_ = fraction;
        Q_EMIT loadProgressChanged(fraction);
    });
    const bool catalogName = address.entry != nullptr;
    connect(worker_, &EngineWorker::loaded, this,
            [this, catalogName](const QString& name, int trained) {
                if (!catalogName) modelName_ = name;  // the catalog's short name reads better
                trainedContext_ = trained;
                progress_ = 1;
                state_ = State::Ready;
                Q_EMIT loadProgressChanged(1);
                Q_EMIT stateChanged(state_);
            });
    connect(worker_, &EngineWorker::loadFailed, this, [this](const QString& message) {
        error_ = message;
        state_ = State::Failed;
        Q_EMIT stateChanged(state_);
    });
    connect(worker_, &EngineWorker::deviceReady, this,
            [this](const QString& name, const QString& fallback) {
                deviceName_ = name;
                deviceFallback_ = fallback;
                Q_EMIT deviceChanged();
            });
    connect(worker_, &EngineWorker::contextReady, this, [this](int tokens) {
        contextSize_ = tokens;
        Q_EMIT contextSizeChanged(tokens);
    });
    thread_.start();

    if (path_.isEmpty()) {
        error_ =
            address.kind == ModelAddress::Kind::Remote
                ? QStringLiteral("%1 is a remote address, not a local model").arg(modelNameOrPath)
                : address.error;
        if (error_.isEmpty()) error_ = QStringLiteral("model not found: ") + modelNameOrPath;
        state_ = State::Failed;
        QMetaObject::invokeMethod(worker_, "fail", Qt::QueuedConnection, Q_ARG(QString, error_));
        return;
    }
    QMetaObject::invokeMethod(worker_, "load", Qt::QueuedConnection, Q_ARG(QString, path_),
                              Q_ARG(int, threads), Q_ARG(QString, chatTemplate),
                              Q_ARG(QString, device));
}

// The worker (model, KV cache) must die on its own thread, and surely: an event posted just
// before quit() may never be processed, so the deletion hangs on QThread::finished, which the
// thread emits on itself after its event loop has returned (before any queued `retired`).
void LocalTarget::deleteOnItsThreadAndQuit(EngineWorker* worker) {
    connect(
        &thread_, &QThread::finished, worker, [worker] { delete worker; }, Qt::DirectConnection);
    thread_.quit();
}

void LocalTarget::retire() {
    abortLoad_->store(true);
    for (const auto& flag : std::as_const(liveJobs_))
        flag->store(true);
    // Like destruction: unfinished jobs get no onFinished.
    for (const auto& relay : std::as_const(relays_))
        delete relay.data();
    relays_.clear();
    liveJobs_.clear();
    if (!thread_.isRunning()) {
        Q_EMIT retired();
        return;
    }
    connect(&thread_, &QThread::finished, this, &LocalTarget::retired, Qt::UniqueConnection);
    // Queued behind any generate() still pending, which return at once (flags set); the
    // worker, and with it the model and its KV cache, is destroyed on its own thread.
    EngineWorker* worker = worker_;
    worker_ = nullptr;
    deleteOnItsThreadAndQuit(worker);
}

LocalTarget::~LocalTarget() {
    if (worker_) {
        abortLoad_->store(true);
        for (const auto& flag : std::as_const(liveJobs_))
            flag->store(true);
        deleteOnItsThreadAndQuit(worker_);
        worker_ = nullptr;
    }
    thread_.wait();
    for (const auto& relay : std::as_const(relays_))
        delete relay.data();
}

QString LocalTarget::displayName() const {
    return modelName_;
}

void LocalTarget::setContextSize(int tokens) {
    if (!worker_) return;
    QMetaObject::invokeMethod(worker_, "setContextSize", Qt::QueuedConnection, Q_ARG(int, tokens));
}

std::shared_ptr<Job> LocalTarget::start(const GenerationRequest& request, Sink sink) {
    Q_ASSERT(worker_);  // not after retire()
    const quint64 jobId = nextJobId_++;
    auto flag = std::make_shared<std::atomic<bool>>(false);
    liveJobs_.push_back(flag);

    // The relay lives on the caller's thread; connecting with it as context makes the
    // sink run there, whatever thread the target itself is on.
    auto* relay = new QObject;
    relays_.push_back(relay);
    connect(worker_, &EngineWorker::piece, relay,
            [jobId, onPiece = sink.onPiece](quint64 id, const QString& text) {
                if (id == jobId && onPiece) onPiece(text);
            });
    connect(worker_, &EngineWorker::finished, relay,
            [this, jobId, flag, relay, onFinished = sink.onFinished](quint64 id,
                                                                     const GenerationStats& stats) {
                if (id != jobId) return;
                liveJobs_.removeOne(flag);
                relays_.removeOne(relay);
                relay->disconnect();
                relay->deleteLater();
                if (onFinished) onFinished(stats);
            });

    QMetaObject::invokeMethod(worker_, "generate", Qt::QueuedConnection, Q_ARG(quint64, jobId),
                              Q_ARG(hearth::GenerationRequest, request),
                              Q_ARG(hearth::local::CancelFlag, flag));
    return std::make_shared<LocalJob>(flag);
}

}  // namespace hearth::local
