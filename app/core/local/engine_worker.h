#pragma once
// EngineWorker: one per loaded model, living on its own QThread (owned by LocalTarget).
// It owns the engine Model and Session; every call in is a queued slot and every result
// out is a queued signal carrying value types, so no engine object is ever touched from
// two threads. Generation runs inside the generate() slot; the only thing shared with
// other threads is the per-job atomic cancel flag (checked by the engine between tokens).
//
// A request whose last message has role "assistant" continues that message (the rendered
// prompt ends with its text, no end-of-turn), which is how an interrupted reply resumes.
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>

#include "runtime/generation.h"

namespace hearth {
class Model;
class Session;
}  // namespace hearth

namespace hearth::local {

using CancelFlag = std::shared_ptr<std::atomic<bool>>;

class EngineWorker : public QObject {
    Q_OBJECT
public:
    // `abortLoad` is read by the load progress callback so a window closing mid-load does
    // not wait for the whole file to be read.
    explicit EngineWorker(std::shared_ptr<std::atomic<bool>> abortLoad);
    ~EngineWorker() override;

public Q_SLOTS:
    // chatTemplate: Jinja source overriding the file's own; empty = the file's.
    // device: the engine's request ("" = HEARTH_DEVICE or automatic, "cpu", "N").
    void load(const QString& path, int threads, const QString& chatTemplate, const QString& device);
    // No model to load: every job finishes with this error.
    void fail(const QString& message);
    // Takes effect on the next generate(): the session (and its KV cache) is recreated.
    void setContextSize(int tokens);
    void generate(quint64 jobId, const hearth::GenerationRequest& request,
                  const hearth::local::CancelFlag& cancel);

Q_SIGNALS:
    void loadProgress(float fraction);
    void loaded(const QString& modelName, int trainedContext);
    // Where the model computes; `fallback` is why it is the CPU against the request (empty
    // when it is not). Sent after loading and whenever a generation changed it.
    void deviceReady(const QString& name, const QString& fallback);
    void loadFailed(const QString& message);
    void contextReady(int contextSize);
    void piece(quint64 jobId, const QString& text);
    void finished(quint64 jobId, const hearth::GenerationStats& stats);

private:
    void ensureSession();
    void reportDevice();
    GenerationRequest continuationRequest(const GenerationRequest& request) const;

    std::shared_ptr<std::atomic<bool>> abortLoad_;
    std::shared_ptr<Model> model_;
    std::unique_ptr<Session> session_;
    QString loadError_;
    int contextSize_ = 0;                  // 0 = engine default
    QString deviceName_, deviceFallback_;  // last reported
};

}  // namespace hearth::local

Q_DECLARE_METATYPE(hearth::GenerationRequest)
Q_DECLARE_METATYPE(hearth::GenerationStats)
Q_DECLARE_METATYPE(hearth::local::CancelFlag)
