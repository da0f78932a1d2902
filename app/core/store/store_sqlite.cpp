#include "core/store/store_sqlite.h"

#include <sqlite3.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDriver>
#include <QTimeZone>

namespace hearth::store::detail {

sqlite3* nativeHandle(QSqlDatabase& db) {
    const QVariant handle = db.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        throw StoreException(StoreError::Kind::Sql, QStringLiteral("QSQLITE handle unavailable"));
    sqlite3* raw = *static_cast<sqlite3* const*>(handle.data());
    if (!raw) throw StoreException(StoreError::Kind::Sql, QStringLiteral("database not open"));
    return raw;
}

StoreError::Kind kindForSqlError(const QSqlError& error) {
    // QSQLITE reports the primary SQLite result code as the native error code.
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok) & 0xff;
    if (!ok) return StoreError::Kind::Sql;
    switch (code) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return StoreError::Kind::Busy;
        case SQLITE_READONLY:
            return StoreError::Kind::ReadOnly;
        case SQLITE_CORRUPT:
            return StoreError::Kind::Corrupt;
        case SQLITE_NOTADB:
            return StoreError::Kind::NotADatabase;
        case SQLITE_IOERR:
        case SQLITE_FULL:
        case SQLITE_CANTOPEN:
        case SQLITE_PERM:
            return StoreError::Kind::Io;
        default:
            return StoreError::Kind::Sql;
    }
}

void throwSqlError(const QSqlError& error, const QString& context) {
    throw StoreException(kindForSqlError(error),
                         QStringLiteral("%1: %2").arg(context, error.text()));
}

QSqlQuery exec(QSqlDatabase& db, const QString& sql, std::initializer_list<QVariant> binds) {
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.prepare(sql)) throwSqlError(query.lastError(), sql.left(60));
    int i = 0;
    for (const QVariant& value : binds) {
        // A null QString binds as SQL NULL; text columns are NOT NULL, so bind "" instead.
        if (value.typeId() == QMetaType::QString && value.toString().isNull())
            query.bindValue(i++, QStringLiteral(""));
        else
            query.bindValue(i++, value);
    }
    if (!query.exec()) throwSqlError(query.lastError(), sql.left(60));
    return query;
}

void execScript(QSqlDatabase& db, const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(nativeHandle(db), sql, nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        const QString text = QString::fromUtf8(message ? message : sqlite3_errstr(rc));
        sqlite3_free(message);
        QSqlError error(text, text, QSqlError::StatementError, QString::number(rc));
        throwSqlError(error, QStringLiteral("script"));
    }
}

QDateTime fromMs(qint64 ms) {
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
}
qint64 toMs(const QDateTime& time) {
    return time.isValid() ? time.toMSecsSinceEpoch() : 0;
}

QString jsonText(const QJsonObject& object) {
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}
QString jsonText(const QJsonArray& array) {
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}
QJsonObject jsonObject(const QVariant& text) {
    return QJsonDocument::fromJson(text.toString().toUtf8()).object();
}
QJsonArray jsonArray(const QVariant& text) {
    return QJsonDocument::fromJson(text.toString().toUtf8()).array();
}

QVariant finishToSql(FinishReason finish) {
    if (finish == FinishReason::None) return QVariant(QMetaType(QMetaType::Int));
    return static_cast<int>(finish);
}
FinishReason finishFromSql(const QVariant& value) {
    if (value.isNull()) return FinishReason::None;
    return static_cast<FinishReason>(value.toInt());
}
QVariant idToSql(Id id) {
    if (id == 0) return QVariant(QMetaType(QMetaType::LongLong));
    return id;
}

}  // namespace hearth::store::detail
