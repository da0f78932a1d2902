#pragma once
// The local model store: a directory of .gguf files (paths::modelsDir()). Lists what is
// installed with the facts read from each file's GGUF header, and resolves what a user
// typed after -m (catalog name, .gguf path, or URL) to something a Target can open.
#include <QString>
#include <QVector>

#include "core/models/model_catalog.h"

namespace hearth {

struct InstalledModel {
    QString name;  // catalog name, or the file stem for files the catalog does not know
    QString path;
    qint64 size = 0;
    QString architecture;
    QString quant;  // dominant tensor type, e.g. "Q4_1"
    QString title;  // general.name, or the catalog title
    int contextLength = 0;
    bool hasChatTemplate = false;
    QString error;  // set when the file could not be read as GGUF
};

struct ModelAddress {
    enum class Kind { LocalFile, Remote, Invalid };
    Kind kind = Kind::Invalid;
    QString path;                         // LocalFile: the .gguf to load
    QString url;                          // Remote: the address as given
    const CatalogEntry* entry = nullptr;  // when it came from the catalog
    QString error;                        // Invalid: a one-line reason naming what to do
};

class ModelStore {
public:
    explicit ModelStore(QString directory = QString());  // empty = paths::modelsDir()

    const QString& directory() const { return directory_; }
    QString pathFor(const CatalogEntry& entry) const;
    bool isInstalled(const CatalogEntry& entry) const;

    QVector<InstalledModel> installed() const;
    static InstalledModel describe(const QString& path);

    // catalog name or alias -> installed file; "*.gguf" or a path -> that file;
    // "sagemaker://", "openai+http(s)://" -> Remote; anything else -> Invalid.
    ModelAddress resolve(const QString& address) const;

private:
    QString directory_;
};

}  // namespace hearth
