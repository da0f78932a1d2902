#pragma once
// Private helpers shared by the store's .cpp files: running statements through QtSql with
// typed errors, and reaching the raw sqlite3 handle that QSQLITE wraps (the same system
// libsqlite3 we link, so the handle is valid for the C API).
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>
#include <initializer_list>

#include "core/store/store_types.h"

struct sqlite3;

namespace hearth::store::detail {

sqlite3* nativeHandle(QSqlDatabase& db);

// Maps a QtSql / SQLite failure to a StoreError kind (busy, read-only, corrupt, ...).
StoreError::Kind kindForSqlError(const QSqlError& error);
[[noreturn]] void throwSqlError(const QSqlError& error, const QString& context);

// Prepares and runs `sql` with positional bindings; throws on failure. The returned query
// is positioned before the first row.
QSqlQuery exec(QSqlDatabase& db, const QString& sql, std::initializer_list<QVariant> binds = {});
// Runs several statements at once through sqlite3_exec (migrations); throws on failure.
void execScript(QSqlDatabase& db, const char* sql);

QDateTime fromMs(qint64 ms);
qint64 toMs(const QDateTime& time);
QString jsonText(const QJsonObject& object);
QString jsonText(const QJsonArray& array);
QJsonObject jsonObject(const QVariant& text);
QJsonArray jsonArray(const QVariant& text);

// FinishReason::None <-> NULL
QVariant finishToSql(FinishReason finish);
FinishReason finishFromSql(const QVariant& value);
QVariant idToSql(Id id);  // 0 -> NULL

}  // namespace hearth::store::detail
