#pragma once
// makeTarget(): the one place an address becomes a Target, for the CLI, the GUI and the
// server alike. Addresses (issue 8):
//   catalog name, alias, file stem or .gguf path  -> LocalTarget (our engine)
//   openai+http(s)://HOST:PORT/v1?model=NAME      -> OpenAITarget
//   sagemaker://ENDPOINT?region=R&format=tgi|lmi|openai -> SageMaker (remote/aws)
// A bad address fails here with a one-line error; a local model that fails to load reports
// through LocalTarget's state and its jobs' errors.
#include <QString>
#include <memory>

#include "core/remote/http_stream.h"
#include "core/target/target.h"

class QObject;

namespace hearth {

struct TargetOptions {
    int threads = 0;                // local: CPU threads (0 = physical cores)
    int contextSize = 0;            // local: 0 = engine default
    remote::HttpTimeouts timeouts;  // remote: connect / first byte / idle
    remote::RetryPolicy retry;      // remote
    QString apiKey;                 // remote OpenAI-compatible: empty = OPENAI_API_KEY
    QObject* parent = nullptr;      // QObject parent of the target, when it is a QObject
};

struct TargetOrError {
    std::unique_ptr<Target> target;
    QString error;  // set when target is null
    bool remote = false;
};

bool isRemoteAddress(const QString& address);
TargetOrError makeTarget(const QString& address, const TargetOptions& options = {});

}  // namespace hearth
