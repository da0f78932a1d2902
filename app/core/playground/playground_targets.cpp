#include "core/playground/playground_targets.h"

#include <QUrl>

#include "core/local/local_target.h"
#include "core/models/model_store.h"

namespace hearth::playground {

bool targetSpecFor(const QString& address, TargetSpec* spec, QString* error) {
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
        TargetSpec resolved;
        if (!targetSpecFor(spec.address, &resolved, error)) return nullptr;
        if (!resolved.local) {
            *error = QStringLiteral("remote targets are not available in this build yet: %1")
                         .arg(spec.address);
            return nullptr;
        }
        return std::make_unique<local::LocalTarget>(spec.address, threads);
    };
}

}  // namespace hearth::playground
