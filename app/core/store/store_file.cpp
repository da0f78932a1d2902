// The file-level side of StoreDatabase: where the database lives, the read-only health check
// that runs before we ever open a file for writing, moving a broken file aside, and backups
// through SQLite's online backup API.
#include <sqlite3.h>

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QThread>
#include <QUrl>
#include <filesystem>
#include <memory>

#include "core/paths.h"
#include "core/store/store_clean_mark.h"
#include "core/store/store_database.h"
#include "core/store/store_sqlite.h"

namespace hearth::store {
namespace {

constexpr int kHeaderSize = 100;
constexpr char kMagic[] = "SQLite format 3";  // 15 chars + the NUL = the 16-byte magic

quint32 bigEndian(const QByteArray& bytes, int offset, int width) {
    quint32 value = 0;
    for (int i = 0; i < width; ++i)
        value = (value << 8) | static_cast<quint8>(bytes[offset + i]);
    return value;
}

StoreError error(StoreError::Kind kind, const QString& message) {
    return StoreError{kind, message};
}

struct SqliteCloser {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;

StoreError::Kind kindForCode(int rc) {
    switch (rc & 0xff) {
        case SQLITE_NOTADB:
            return StoreError::Kind::NotADatabase;
        case SQLITE_CORRUPT:
            return StoreError::Kind::Corrupt;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return StoreError::Kind::Busy;
        case SQLITE_READONLY:
            return StoreError::Kind::ReadOnly;
        case SQLITE_CANTOPEN:
        case SQLITE_PERM:
        case SQLITE_IOERR:
        case SQLITE_FULL:
            return StoreError::Kind::Io;
        default:
            return StoreError::Kind::Sql;
    }
}

StoreError sqliteError(sqlite3* db, int rc, const QString& path) {
    const char* text = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    return error(kindForCode(rc), QStringLiteral("%1: %2").arg(path, QString::fromUtf8(text)));
}

// Opens `path` strictly read-only: SQLite never writes the main file through this handle.
SqliteHandle openReadOnly(const QString& path, StoreError* failure) {
    const QByteArray uri =
        QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath()).toEncoded() + "?mode=ro";
    sqlite3* raw = nullptr;
    const int rc =
        sqlite3_open_v2(uri.constData(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
    SqliteHandle handle(raw);
    if (rc != SQLITE_OK) {
        *failure = sqliteError(raw, rc, path);
        return nullptr;
    }
    sqlite3_busy_timeout(raw, 5000);
    return handle;
}

// First column of the first row of a one-row pragma.
bool pragmaText(sqlite3* db, const char* sql, QString* out, int* rc) {
    sqlite3_stmt* statement = nullptr;
    *rc = sqlite3_prepare_v2(db, sql, -1, &statement, nullptr);
    if (*rc != SQLITE_OK) return false;
    *rc = sqlite3_step(statement);
    if (*rc == SQLITE_ROW) {
        *out = QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
        *rc = SQLITE_OK;
    }
    sqlite3_finalize(statement);
    return *rc == SQLITE_OK || *rc == SQLITE_DONE;
}

// Copies `source` (an open connection) into `destination` via DESTINATION.partial.
void runBackup(sqlite3* source, const QString& destination) {
    const QString partial = destination + QStringLiteral(".partial");
    QFile::remove(partial);
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(QFile::encodeName(partial).constData(), &raw,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    SqliteHandle target(raw);
    if (rc != SQLITE_OK) throw StoreException(sqliteError(raw, rc, partial));
    sqlite3_backup* backup = sqlite3_backup_init(raw, "main", source, "main");
    if (!backup) throw StoreException(sqliteError(raw, sqlite3_errcode(raw), partial));
    // Whole database in one step; a writer holding the lock only delays us.
    do {
        rc = sqlite3_backup_step(backup, -1);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) QThread::msleep(20);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    const int finishRc = sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE || finishRc != SQLITE_OK) {
        const StoreError failure = sqliteError(raw, rc != SQLITE_DONE ? rc : finishRc, partial);
        target.reset();
        QFile::remove(partial);
        throw StoreException(failure);
    }
    target.reset();
    std::error_code ec;
    std::filesystem::rename(QFile::encodeName(partial).toStdString(),
                            QFile::encodeName(destination).toStdString(), ec);
    if (ec) {
        QFile::remove(partial);
        throw StoreException(
            StoreError::Kind::Io,
            QStringLiteral("%1: %2").arg(destination, QString::fromStdString(ec.message())));
    }
}

}  // namespace

QString StoreDatabase::defaultPath() {
    const QString override = qEnvironmentVariable("HEARTH_DB");
    if (!override.isEmpty()) return override;
    return paths::dataDir() + QStringLiteral("/hearth.db");
}

StoreError StoreDatabase::inspect(const QString& path, Depth depth) {
    const QFileInfo info(path);
    if (!info.exists()) return {};
    if (!info.isFile()) return error(StoreError::Kind::Io, path + QStringLiteral(": not a file"));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return error(StoreError::Kind::Io, path + QStringLiteral(": ") + file.errorString());
    const qint64 size = file.size();
    if (size == 0) return {};  // SQLite treats an empty file as an empty database
    const QByteArray header = file.read(kHeaderSize);
    file.close();

    if (header.size() < 16 || !header.startsWith(QByteArray(kMagic, sizeof kMagic)))
        return error(StoreError::Kind::NotADatabase,
                     path + QStringLiteral(": not an SQLite database (bad header)"));
    if (header.size() < kHeaderSize)
        return error(StoreError::Kind::Corrupt,
                     path + QStringLiteral(": truncated (%1 bytes)").arg(size));
    quint32 pageSize = bigEndian(header, 16, 2);
    if (pageSize == 1) pageSize = 65536;
    if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) != 0)
        return error(StoreError::Kind::Corrupt,
                     path + QStringLiteral(": invalid page size %1").arg(pageSize));
    if (size % pageSize != 0)
        return error(StoreError::Kind::Corrupt,
                     path + QStringLiteral(": truncated (%1 bytes is not a whole number of "
                                           "%2-byte pages)")
                                .arg(size)
                                .arg(pageSize));
    // The in-header page count is trustworthy when "version-valid-for" matches the change
    // counter; a file shorter than that lost its tail.
    const quint32 pageCount = bigEndian(header, 28, 4);
    if (pageCount != 0 && bigEndian(header, 92, 4) == bigEndian(header, 24, 4) &&
        size < qint64(pageCount) * pageSize)
        return error(
            StoreError::Kind::Corrupt,
            path +
                QStringLiteral(": truncated (%1 of %2 pages)").arg(size / pageSize).arg(pageCount));

    StoreError failure;
    SqliteHandle db = openReadOnly(path, &failure);
    if (!db) return failure;
    QString text;
    int rc = SQLITE_OK;
    if (!pragmaText(db.get(), "PRAGMA user_version", &text, &rc))
        return sqliteError(db.get(), rc, path);
    const int version = text.toInt();
    if (version > schemaVersion())
        return error(StoreError::Kind::TooNew,
                     path + QStringLiteral(": written by a newer Hearth (schema %1, this build "
                                           "knows up to %2)")
                                .arg(version)
                                .arg(schemaVersion()));
    if (depth == Depth::SkipPagesIfClosedCleanly && clean_mark::matches(path)) return {};
    if (!pragmaText(db.get(), "PRAGMA quick_check(1)", &text, &rc))
        return sqliteError(db.get(), rc, path);
    if (text != QLatin1String("ok"))
        return error(StoreError::Kind::Corrupt,
                     path + QStringLiteral(": integrity check failed: ") + text);
    return {};
}

QString StoreDatabase::moveAside(const QString& path) {
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString target = path + QStringLiteral(".broken-") + stamp;
    for (int n = 1; QFileInfo::exists(target); ++n)
        target = path + QStringLiteral(".broken-%1-%2").arg(stamp).arg(n);
    if (!QFile::rename(path, target))
        throw StoreException(StoreError::Kind::Io,
                             QStringLiteral("cannot rename %1 to %2").arg(path, target));
    // The WAL and shared-memory files belong to the broken file, not to the fresh one.
    for (const char* suffix : {"-wal", "-shm", "-journal"}) {
        const QString side = path + QLatin1String(suffix);
        if (QFileInfo::exists(side)) QFile::rename(side, target + QLatin1String(suffix));
    }
    clean_mark::remove(path);
    return target;
}

void StoreDatabase::backupFile(const QString& source, const QString& destination) {
    if (!QFileInfo::exists(source))
        throw StoreException(StoreError::Kind::NotFound,
                             source + QStringLiteral(": no such database"));
    const StoreError health = inspect(source);
    // A newer schema is still ours to copy byte for byte; a broken file is not a backup.
    if (!health.ok() && health.kind != StoreError::Kind::TooNew) throw StoreException(health);
    StoreError failure;
    SqliteHandle db = openReadOnly(source, &failure);
    if (!db) throw StoreException(failure);
    runBackup(db.get(), destination);
}

void StoreDatabase::backupTo(const QString& destination) {
    flushAllReplies();
    runBackup(detail::nativeHandle(db_), destination);
}

}  // namespace hearth::store
