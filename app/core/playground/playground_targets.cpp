#include "core/playground/playground_targets.h"

#include <QUrl>

#include "core/models/model_store.h"
#include "core/target/target_factory.h"

namespace hearth::playground {

bool targetSpecFor(const QString& address, TargetSpec* spec, QString* error,
                   const QVector<store::EndpointRecord>& endpoints) {
    const ModelAddress resolved = ModelStore().resolve(address);
    spec->address = address;
    switch (resolved.kind) {
        case ModelAddress::Kind::LocalFile:
            spec->local = true;
            return true;
        case ModelAddress::Kind::Remote: {
            spec->local = false;
            // One concurrency limit per endpoint: scheme, host and port, whatever the path.
            const QUrl url(resolved.url);
            spec->endpoint = url.isValid() && !url.host().isEmpty()
                                 ? url.scheme() + QStringLiteral("://") + url.host() +
                                       QLatin1Char(':') + QString::number(url.port())
                                 : resolved.url;
            for (const store::EndpointRecord& e : endpoints)
                if (e.url == address) {
                    spec->pricePer1kInput = e.pricePer1kInput;
                    spec->pricePer1kOutput = e.pricePer1kOutput;
                }
            return true;
        }
        case ModelAddress::Kind::Invalid:
            break;
    }
    *error = resolved.error.isEmpty() ? QStringLiteral("unknown target '%1'").arg(address)
                                      : resolved.error;
    return false;
}

TargetFactory defaultTargetFactory(int threads) {
    return [threads](const TargetSpec& spec, QString* error) -> std::unique_ptr<Target> {
        TargetOptions options;
        options.threads = threads;
        TargetOrError made = makeTarget(spec.address, options);
        if (!made.target) *error = made.error;
        return std::move(made.target);
    };
}

}  // namespace hearth::playground
