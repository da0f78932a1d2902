#pragma once
// SageMakerTarget: a Target for a SageMaker real-time endpoint (e.g. ml.inf2 Inferentia),
//     sagemaker://ENDPOINT?region=R&format=tgi|lmi|openai[&component=NAME]
// Each job resolves credentials/region/endpoint (aws_config.h), signs a POST to
// /endpoints/ENDPOINT/invocations-response-stream with SigV4 (service "sagemaker"; re-signed
// on every retry), and decodes the answer: HTTP body -> event-stream frames (both CRCs) ->
// PayloadPart bytes -> SSE / JSON lines -> the container's JSON (sagemaker_protocol.h).
// With &stream=false it calls /invocations and parses one JSON answer; a streaming call that
// SageMaker rejects as unsupported by the endpoint falls back to that once.
//
// Timeouts and retries are HttpStream's (throttling, model-not-ready and 5xx, only before
// the first byte). Mid-stream exceptions (ModelStreamError, InternalStreamFailure), a
// corrupt frame, a dropped connection or a stall end the job with finish = error and one
// line; text already delivered stands and stats.interrupted is set. cancel() aborts the
// connection at once. Callbacks run on the thread that called start(); onFinished is queued.
#include <QObject>

#include "core/remote/aws/aws_config.h"
#include "core/remote/aws/sagemaker_protocol.h"
#include "core/remote/http_stream.h"
#include "core/target/target.h"

namespace hearth::remote::aws {

struct SageMakerOptions {
    HttpTimeouts timeouts;
    RetryPolicy retry;
    std::function<Environment()> environment;  // read at start(); default: the process's
    std::function<double()> random;            // retry jitter in [0,1); default random
};

class SageMakerTarget : public QObject, public Target {
    Q_OBJECT
public:
    SageMakerTarget(const QString& address, SageMakerAddress parsed, SageMakerOptions options,
                    QObject* parent = nullptr);

    QString id() const override { return address_; }
    QString displayName() const override;
    std::shared_ptr<Job> start(const GenerationRequest& request, Sink sink) override;

private:
    QString address_;
    SageMakerAddress parsed_;
    SageMakerOptions options_;
};

}  // namespace hearth::remote::aws
