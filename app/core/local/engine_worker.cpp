#include "core/local/engine_worker.h"

#include <QFileInfo>
#include <string_view>

#include "core/error.h"
#include "runtime/engine.h"

namespace hearth::local {

namespace {

GenerationStats failedStats(const QString& message) {
    GenerationStats stats;
    stats.finish = FinishReason::error;
    stats.error = message.toStdString();
    return stats;
}

}  // namespace

GenerationRequest EngineWorker::continuationRequest(const GenerationRequest& request) const {
    // A trailing assistant message is an interrupted reply to continue: render the turns
    // before it with the generation prompt, then its text, and let the model carry on.
    if (request.raw || request.messages.empty() || request.messages.back().role != "assistant")
        return request;
    GenerationRequest raw = request;
    std::vector<ChatMessage> before(request.messages.begin(), request.messages.end() - 1);
    raw.prompt = model_->apply_chat_template(before, true) + request.messages.back().content;
    raw.raw = true;
    raw.messages.clear();
    return raw;
}

EngineWorker::EngineWorker(std::shared_ptr<std::atomic<bool>> abortLoad)
    : abortLoad_(std::move(abortLoad)) {}

EngineWorker::~EngineWorker() = default;

void EngineWorker::load(const QString& path, int threads, const QString& chatTemplate,
                        const QString& device) {
    session_.reset();
    model_.reset();
    loadError_.clear();
    LoadOptions options;
    options.n_threads = threads;
    options.device = device.toStdString();
    options.chat_template = chatTemplate.toStdString();
    options.progress = [this](float fraction) {
        Q_EMIT loadProgress(fraction);
        return !abortLoad_->load();
    };
    try {
        model_ = Model::load(path.toStdString(), options);
        ensureSession();
        const auto& info = model_->info();
        QString name = QString::fromStdString(info.name);
        if (name.isEmpty()) name = QFileInfo(path).completeBaseName();
        Q_EMIT loaded(name, info.context_length);
        reportDevice();
    } catch (const std::exception& e) {
        session_.reset();
        model_.reset();
        loadError_ = QString::fromUtf8(e.what());
        Q_EMIT loadFailed(loadError_);
    }
}

void EngineWorker::reportDevice() {
    if (!model_) return;
    const DeviceStatus status = model_->device();
    const QString name = status.backend == "cpu"
                             ? QStringLiteral("CPU")
                             : QString::fromStdString(status.name) + QStringLiteral(" (Vulkan)");
    const QString fallback = QString::fromStdString(status.fallback);
    if (name == deviceName_ && fallback == deviceFallback_) return;
    deviceName_ = name;
    deviceFallback_ = fallback;
    Q_EMIT deviceReady(name, fallback);
}

void EngineWorker::fail(const QString& message) {
    loadError_ = message;
}

void EngineWorker::setContextSize(int tokens) {
    if (tokens == contextSize_) return;
    contextSize_ = tokens;
    session_.reset();  // recreated lazily with the new size
}

void EngineWorker::ensureSession() {
    if (session_ || !model_) return;
    SessionOptions options;
    options.n_ctx = contextSize_;
    session_ = std::make_unique<Session>(model_, options);
    Q_EMIT contextReady(session_->context_length());
}

void EngineWorker::generate(quint64 jobId, const GenerationRequest& request,
                            const CancelFlag& cancel) {
    if (cancel && cancel->load()) {
        GenerationStats stats;
        stats.finish = FinishReason::cancelled;
        Q_EMIT finished(jobId, stats);
        return;
    }
    if (!model_) {
        Q_EMIT finished(jobId,
                        failedStats(loadError_.isEmpty()
                                        ? QStringLiteral("no model loaded")
                                        : QStringLiteral("model failed to load: ") + loadError_));
        return;
    }
    try {
        ensureSession();
        const auto stats = session_->generate(
            continuationRequest(request),
            [this, jobId](std::string_view text) {
                Q_EMIT piece(jobId,
                             QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size())));
            },
            cancel.get());
        reportDevice();  // a GPU that failed mid-reply left the model on the CPU
        Q_EMIT finished(jobId, stats);
    } catch (const std::exception& e) {
        Q_EMIT finished(jobId, failedStats(QString::fromUtf8(e.what())));
    }
}

}  // namespace hearth::local
