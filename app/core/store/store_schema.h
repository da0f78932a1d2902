#pragma once
// The store's schema as a list of migrations (private to the store). Migration N takes a
// database from user_version N-1 to N, runs in one transaction together with the
// user_version bump, and is never edited once released: a change is a new migration.
#include <QSqlDatabase>

namespace hearth::store::detail {

int latestSchemaVersion();

// Migrates from the current user_version up to `target` (<= latest), one transaction per
// step. Throws StoreException; a failed step leaves the database at the previous version.
void migrate(QSqlDatabase& db, int target);

}  // namespace hearth::store::detail
