#include "core/models/model_store.h"

#include <QDir>
#include <QFileInfo>
#include <map>

#include "core/paths.h"
#include "gguf/gguf_file.h"

namespace hearth {

ModelStore::ModelStore(QString directory)
    : directory_(directory.isEmpty() ? paths::modelsDir() : std::move(directory)) {}

QString ModelStore::pathFor(const CatalogEntry& entry) const {
    return directory_ + QLatin1Char('/') + entry.file;
}

bool ModelStore::isInstalled(const CatalogEntry& entry) const {
    const QFileInfo info(pathFor(entry));
    return info.isFile() && info.size() == entry.size;
}

InstalledModel ModelStore::describe(const QString& path) {
    InstalledModel m;
    const QFileInfo info(path);
    m.path = info.absoluteFilePath();
    m.size = info.size();
    m.name = info.completeBaseName();
    const CatalogEntry* known = nullptr;
    for (const CatalogEntry& e : ModelCatalog::builtin().entries())
        if (e.file == info.fileName()) known = &e;
    if (known) {
        m.name = known->name;
        m.title = known->title;
    }
    try {
        const auto file = gguf::GgufFile::open(path.toStdString());
        const std::string arch = file->get_string("general.architecture").value_or("");
        m.architecture = QString::fromStdString(arch);
        if (m.title.isEmpty())
            m.title = QString::fromStdString(file->get_string("general.name").value_or(""));
        m.contextLength = int(file->get_int(arch + ".context_length").value_or(0));
        m.hasChatTemplate = file->find("tokenizer.chat_template") != nullptr;
        // The dominant type by bytes names the quantization better than general.file_type,
        // which older converters leave unset.
        std::map<std::string, uint64_t> bytesByType;
        for (const auto& t : file->tensors())
            bytesByType[std::string(gguf::ggml_type_name(t.type))] += t.n_bytes;
        uint64_t best = 0;
        for (const auto& [type, bytes] : bytesByType) {
            if (bytes > best) {
                best = bytes;
                m.quant = QString::fromStdString(type).toUpper();
            }
        }
        // Mixed files (Q4_K_M keeps embeddings in Q8_0) are better named by the catalog.
        if (known && !known->quant.isEmpty()) m.quant = known->quant;
    } catch (const std::exception& e) {
        m.error = QString::fromUtf8(e.what());
    }
    return m;
}

QVector<InstalledModel> ModelStore::installed() const {
    QVector<InstalledModel> models;
    const QDir dir(directory_);
    const QStringList files = dir.entryList({QStringLiteral("*.gguf")}, QDir::Files, QDir::Name);
    for (const QString& name : files)
        models.push_back(describe(dir.filePath(name)));
    return models;
}

ModelAddress ModelStore::resolve(const QString& address) const {
    ModelAddress result;
    if (address.startsWith(QLatin1String("sagemaker://")) ||
        address.startsWith(QLatin1String("openai+http://")) ||
        address.startsWith(QLatin1String("openai+https://"))) {
        result.kind = ModelAddress::Kind::Remote;
        result.url = address;
        return result;
    }
    if (address.contains(QLatin1String("://"))) {
        result.error = QStringLiteral(
                           "unknown model address scheme in '%1' (expected a catalog "
                           "name, a .gguf path, sagemaker:// or openai+http(s)://)")
                           .arg(address);
        return result;
    }
    if (const CatalogEntry* entry = ModelCatalog::builtin().find(address)) {
        result.entry = entry;
        if (!isInstalled(*entry)) {
            result.error =
                QStringLiteral("model '%1' is not installed; run `hearth models pull %1`")
                    .arg(entry->name);
            return result;
        }
        result.kind = ModelAddress::Kind::LocalFile;
        result.path = pathFor(*entry);
        return result;
    }
    QFileInfo info(address);
    if (!info.exists() && !address.contains(QLatin1Char('/')))
        info = QFileInfo(
            directory_ + QLatin1Char('/') + address +
            (address.endsWith(QLatin1String(".gguf")) ? QString() : QStringLiteral(".gguf")));
    if (info.isFile()) {
        result.kind = ModelAddress::Kind::LocalFile;
        result.path = info.absoluteFilePath();
        return result;
    }
    result.error = address.endsWith(QLatin1String(".gguf"))
                       ? QStringLiteral("no such model file: %1").arg(address)
                       : QStringLiteral(
                             "unknown model '%1'; `hearth models list` shows what is "
                             "installed and available")
                             .arg(address);
    return result;
}

}  // namespace hearth
