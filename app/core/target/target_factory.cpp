#include "core/target/target_factory.h"

#include "core/local/local_target.h"
#include "core/models/model_store.h"
#include "core/remote/aws/sagemaker_target.h"
#include "core/remote/openai_target.h"

namespace hearth {

bool isRemoteAddress(const QString& address) {
    return address.startsWith(QLatin1String("sagemaker://")) ||
           address.startsWith(QLatin1String("openai+http://")) ||
           address.startsWith(QLatin1String("openai+https://"));
}

TargetOrError makeTarget(const QString& address, const TargetOptions& options) {
    TargetOrError out;
    const QString trimmed = address.trimmed();
    if (trimmed.startsWith(QLatin1String("openai+"))) {
        out.remote = true;
        QString error;
        auto parsed = remote::OpenAIAddress::parse(trimmed, &error);
        if (!parsed) {
            out.error = error;
            return out;
        }
        remote::RemoteTargetOptions remoteOptions;
        remoteOptions.timeouts = options.timeouts;
        remoteOptions.retry = options.retry;
        remoteOptions.apiKey = options.apiKey;
        out.target = std::make_unique<remote::OpenAITarget>(trimmed, std::move(*parsed),
                                                            remoteOptions, options.parent);
        return out;
    }
    if (trimmed.startsWith(QLatin1String("sagemaker://"))) {
        out.remote = true;
        QString error;
        auto parsed = remote::aws::SageMakerAddress::parse(trimmed, &error);
        if (!parsed) {
            out.error = error;
            return out;
        }
        remote::aws::SageMakerOptions sageMakerOptions;
        sageMakerOptions.timeouts = options.timeouts;
        sageMakerOptions.retry = options.retry;
        out.target = std::make_unique<remote::aws::SageMakerTarget>(
            trimmed, std::move(*parsed), sageMakerOptions, options.parent);
        return out;
    }
    const ModelAddress resolved = ModelStore().resolve(trimmed);
    if (resolved.kind != ModelAddress::Kind::LocalFile) {
        out.error = resolved.error.isEmpty()
                        ? QStringLiteral("unknown model address: %1").arg(trimmed)
                        : resolved.error;
        return out;
    }
    auto local = std::make_unique<local::LocalTarget>(trimmed, options.threads, options.parent);
    if (options.contextSize > 0) local->setContextSize(options.contextSize);
    out.target = std::move(local);
    return out;
}

}  // namespace hearth
