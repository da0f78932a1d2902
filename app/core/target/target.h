#pragma once
// One interface for every place text is generated (ARCHITECTURE.md): chat, playground
// cells and `hearth serve` start jobs on a Target; local, SageMaker and OpenAI-compatible
// targets all deliver pieces, stats and a finish reason the same way.
#include <QObject>
#include <QString>
#include <QVector>
#include <functional>
#include <memory>

#include "runtime/generation.h"

namespace hearth {

// Callbacks are invoked on the thread that called Target::start() (targets marshal them
// through queued connections), so a GUI-thread caller may touch its models directly.
struct Sink {
    std::function<void(const QString& piece)> onPiece;
    std::function<void(const GenerationStats& stats)> onFinished;  // exactly once
};

class Job {
public:
    virtual ~Job() = default;
    virtual void cancel() = 0;  // idempotent; onFinished still arrives (finish = cancelled)
};

class Target {
public:
    virtual ~Target() = default;
    virtual QString id() const = 0;  // address: catalog name, path or URL
    virtual QString displayName() const = 0;
    virtual std::shared_ptr<Job> start(const GenerationRequest& request, Sink sink) = 0;
};

}  // namespace hearth
