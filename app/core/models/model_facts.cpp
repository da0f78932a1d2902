#include "core/models/model_facts.h"

#include <QFile>
#include <QFileInfo>

#include "core/models/model_catalog.h"
#include "gguf/gguf_file.h"

namespace hearth {

ModelFacts readModelFacts(const QString& path) {
    ModelFacts f;
    try {
        const auto file = gguf::GgufFile::open(path.toStdString());
        for (const auto& t : file->tensors())
            f.parameters += t.n_elements;
        f.licence = QString::fromStdString(file->get_string("general.license").value_or(""));
        const std::string arch = file->get_string("general.architecture").value_or("");
        f.layers = int(file->get_int(arch + ".block_count").value_or(0));
        const int64_t embd = file->get_int(arch + ".embedding_length").value_or(0);
        const int64_t heads = file->get_int(arch + ".attention.head_count").value_or(0);
        const int64_t kvHeads = file->get_int(arch + ".attention.head_count_kv").value_or(heads);
        const int64_t headDim =
            file->get_int(arch + ".attention.key_length").value_or(heads > 0 ? embd / heads : 0);
        // K and V per layer per token, two bytes per element.
        f.kvBytesPerToken = quint64(2 * f.layers * kvHeads * headDim * 2);
    } catch (const std::exception& e) {
        f.error = QString::fromUtf8(e.what());
    }
    if (f.licence.isEmpty()) {
        const QString fileName = QFileInfo(path).fileName();
        for (const CatalogEntry& e : ModelCatalog::builtin().entries())
            if (e.file == fileName) f.licence = e.licence;
    }
    return f;
}

quint64 estimateMemoryBytes(quint64 fileSize, const ModelFacts& facts, int contextTokens) {
    return fileSize + facts.kvBytesPerToken * quint64(qMax(0, contextTokens));
}

quint64 availableMemoryBytes() {
    QFile meminfo(QStringLiteral("/proc/meminfo"));
    if (!meminfo.open(QIODevice::ReadOnly)) return 0;
    // procfs files report size 0, so read them whole rather than line by line until atEnd().
    for (const QByteArray& line : meminfo.readAll().split('\n')) {
        if (!line.startsWith("MemAvailable:")) continue;
        const QList<QByteArray> parts = line.simplified().split(' ');
        return parts.size() >= 2 ? parts[1].toULongLong() * 1024 : 0;  // kB
    }
    return 0;
}

QString formatParameterCount(quint64 n) {
    if (n >= 1000000000ull) return QString::number(double(n) / 1e9, 'f', 1) + QLatin1Char('B');
    if (n >= 1000000ull) return QString::number(double(n) / 1e6, 'f', 0) + QLatin1Char('M');
    return QString::number(double(n) / 1e3, 'f', 0) + QLatin1Char('K');
}

}  // namespace hearth
