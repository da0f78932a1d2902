#pragma once
// The playground's bookkeeping in the store, shared by the CLI and the GUI: a template
// saved as a new immutable version only when its content changed, a dataset file stored
// once (found again by its SHA-256), and the run to use for (version, dataset, targets):
// the unfinished one if there is one (so running the same command again resumes it),
// else a new one.
#include <QHash>

#include "core/playground/dataset_import.h"
#include "core/playground/prompt_template.h"
#include "core/store/store_database.h"

namespace hearth::playground {

struct SavedVersion {
    store::Id templateId = 0;
    store::TemplateVersionRecord version;
    bool created = false;  // false: the latest version already had this content
};

// Finds the template by name (creating it), adds a version unless the latest one has the
// same content. An empty message becomes "version N".
SavedVersion saveTemplateVersion(store::StoreDatabase& db, const PromptTemplate& tmpl);

// The stored dataset for this import (same SHA-256), else a new one with its rows.
store::DatasetRecord storeDataset(store::StoreDatabase& db, const QString& name,
                                  const DatasetImport& data);

struct RunChoice {
    store::RunRecord run;
    bool resumed = false;
};

// The latest run of (version, dataset, targets, parameters) that is not Done, else a new one.
RunChoice findOrCreateRun(store::StoreDatabase& db, store::Id versionId, store::Id datasetId,
                          const QStringList& targets, const QJsonObject& parameters);

// The newest Done run of `versionId` over `datasetId`, or id 0.
store::RunRecord latestDoneRun(store::StoreDatabase& db, store::Id versionId, store::Id datasetId);

// dataset row id -> row index, for the rows of `datasetId`.
QHash<store::Id, int> rowIndexById(store::StoreDatabase& db, store::Id datasetId);

}  // namespace hearth::playground
