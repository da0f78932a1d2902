#pragma once
// Where a SageMaker call gets its credentials, region and endpoint, in the order users
// expect from the AWS CLI and SDKs (briefing §5):
//   credentials: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), else the
//                profile AWS_PROFILE (or "default") from the credentials and config files
//                (AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE override their paths);
//   region:      the address's ?region=, AWS_REGION, AWS_DEFAULT_REGION, the profile's region;
//   endpoint:    AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME, AWS_ENDPOINT_URL, else
//                https://runtime.sagemaker.REGION.amazonaws.com (.com.cn in China).
// The environment is passed in so tests can drive every branch; IMDS/ECS/SSO/STS providers
// are not probed (a desktop app off AWS would only time out on them).
#include <QHash>
#include <QString>
#include <QUrl>

#include "core/remote/aws/sigv4.h"

namespace hearth::remote::aws {

using Environment = QHash<QString, QString>;

Environment systemEnvironment();

struct AwsSettings {
    AwsCredentials credentials;
    QString region;
    QUrl endpoint;  // scheme://host[:port][/base path], no trailing slash
    QString error;  // one line naming what to set; empty when everything resolved
    bool ok() const { return error.isEmpty(); }
};

// `addressRegion` is the region given in the target address (may be empty).
AwsSettings resolveSageMakerSettings(const QString& addressRegion, const Environment& env,
                                     bool windows = false);

// Only the credentials (the chain above); on failure `error` is set and the rest is empty.
AwsSettings resolveCredentials(const Environment& env, bool windows = false);

}  // namespace hearth::remote::aws
