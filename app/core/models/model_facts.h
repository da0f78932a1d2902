#pragma once
// What the models page shows beyond ModelStore's listing: parameter count, licence, and the
// memory a model needs (weights + KV cache at a context) against what the machine has free.
#include <QString>

namespace hearth {

struct ModelFacts {
    quint64 parameters = 0;  // sum of tensor elements
    QString licence;         // general.license, or the catalog's
    int layers = 0;
    quint64 kvBytesPerToken = 0;  // K and V, all layers, F16 cache
    QString error;                // GGUF unreadable
};

ModelFacts readModelFacts(const QString& path);

// Weights (the mapped file) plus an F16 KV cache of `contextTokens` tokens.
quint64 estimateMemoryBytes(quint64 fileSize, const ModelFacts& facts, int contextTokens);

// MemAvailable from /proc/meminfo; 0 when unknown.
quint64 availableMemoryBytes();

// "135M", "1.2B"
QString formatParameterCount(quint64 n);

}  // namespace hearth
