#pragma once
// Importing a .gguf from disk into the model store. The file is validated by loading it with
// the engine (GGUF reader, architecture, tensor types, tokenizer), so a file Hearth could not
// run is refused with the engine's one-line reason instead of appearing in the list.
#include <QString>

#include "core/models/model_store.h"

namespace hearth {

struct ImportResult {
    QString path;   // the installed copy, on success
    QString error;  // one line, on refusal
    bool ok() const { return error.isEmpty(); }
};

// Copies `source` into store.directory() (through a temporary renamed at the end). Refuses:
// not a .gguf, unreadable or unusable model, a model already installed under that name.
ImportResult importModel(const QString& source, const ModelStore& store);

// Why `path` cannot be used, or an empty string when the engine loads it.
QString modelProblem(const QString& path);

}  // namespace hearth
