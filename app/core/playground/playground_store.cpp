#include "core/playground/playground_store.h"

namespace hearth::playground {

SavedVersion saveTemplateVersion(store::StoreDatabase& db, const PromptTemplate& tmpl) {
    SavedVersion out;
    for (const store::PromptTemplateRecord& t : db.templates())
        if (t.name == tmpl.name) out.templateId = t.id;
    if (out.templateId == 0) out.templateId = db.createTemplate(tmpl.name).id;
    const QVector<store::TemplateVersionRecord> versions = db.templateVersions(out.templateId);
    if (!versions.isEmpty() &&
        PromptTemplate::fromVersion(tmpl.name, versions.last()).sameContent(tmpl)) {
        out.version = versions.last();
        return out;
    }
    store::TemplateVersionRecord record = tmpl.toVersionRecord(out.templateId);
    if (record.message.isEmpty())
        record.message = QStringLiteral("version %1").arg(versions.size() + 1);
    out.version = db.addTemplateVersion(record);
    out.created = true;
    return out;
}

store::DatasetRecord storeDataset(store::StoreDatabase& db, const QString& name,
                                  const DatasetImport& data) {
    for (const store::DatasetRecord& d : db.datasets())
        if (!data.sha256.isEmpty() && d.sourceSha256 == data.sha256) return d;
    store::DatasetRecord d = db.createDataset(name, data.columns, data.sha256);
    db.addDatasetRows(d.id, data.rows);
    return d;
}

RunChoice findOrCreateRun(store::StoreDatabase& db, store::Id versionId, store::Id datasetId,
                          const QStringList& targets, const QJsonObject& parameters) {
    const QVector<store::RunRecord> runs = db.runs();
    for (auto it = runs.crbegin(); it != runs.crend(); ++it) {
        if (it->templateVersionId != versionId || it->datasetId != datasetId ||
            it->targets != targets || it->parameters != parameters)
            continue;
        if (it->status == store::RunStatus::Done) break;  // finished: run it afresh
        return {*it, true};
    }
    store::RunRecord run;
    run.templateVersionId = versionId;
    run.datasetId = datasetId;
    run.targets = targets;
    run.parameters = parameters;
    return {db.createRun(run), false};
}

store::RunRecord latestDoneRun(store::StoreDatabase& db, store::Id versionId, store::Id datasetId) {
    const QVector<store::RunRecord> runs = db.runs();
    for (auto it = runs.crbegin(); it != runs.crend(); ++it)
        if (it->templateVersionId == versionId && it->datasetId == datasetId &&
            it->status == store::RunStatus::Done)
            return *it;
    return {};
}

QHash<store::Id, int> rowIndexById(store::StoreDatabase& db, store::Id datasetId) {
    QHash<store::Id, int> out;
    for (const store::DatasetRow& row : db.datasetRows(datasetId))
        out.insert(row.id, row.rowIndex);
    return out;
}

}  // namespace hearth::playground
