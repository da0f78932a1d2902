// StoreDatabase: opening, connection settings, transactions and conversations. Messages and
// streaming live in store_messages.cpp, search in store_search.cpp, the playground tables in
// store_playground.cpp, file checks and backups in store_file.cpp.
#include "core/store/store_database.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QSqlDriver>

#include "core/store/store_clean_mark.h"
#include "core/store/store_fts.h"
#include "core/store/store_schema.h"
#include "core/store/store_sqlite.h"
#include "core/store/store_streaming.h"

namespace hearth::store {

using detail::exec;

namespace {

QAtomicInteger<quint64> connectionCounter;

constexpr const char* kConversationColumns =
    "id, title, created_at, updated_at, pinned, archived, default_target, parameters, "
    "selected_leaf_id";

ConversationRecord readConversation(const QSqlQuery& q) {
    ConversationRecord c;
    c.id = q.value(0).toLongLong();
    c.title = q.value(1).toString();
    c.createdAt = detail::fromMs(q.value(2).toLongLong());
    c.updatedAt = detail::fromMs(q.value(3).toLongLong());
    c.pinned = q.value(4).toBool();
    c.archived = q.value(5).toBool();
    c.defaultTarget = q.value(6).toString();
    c.parameters = detail::jsonObject(q.value(7));
    c.selectedLeafId = q.value(8).toLongLong();
    return c;
}

}  // namespace

int StoreDatabase::schemaVersion() {
    return detail::latestSchemaVersion();
}

StoreDatabase::StoreDatabase(QString path, OpenMode mode)
    : path_(std::move(path)),
      mode_(mode),
      connectionName_(QStringLiteral("hearth-store-%1").arg(++connectionCounter)) {}

StoreDatabase::~StoreDatabase() {
    try {
        if (db_.isOpen() && mode_ == OpenMode::ReadWrite) flushAllReplies();
    } catch (const StoreException&) {  // nothing sensible to do while closing
    }
    streams_.clear();
    const bool wasWriting = db_.isOpen() && mode_ == OpenMode::ReadWrite;
    db_.close();
    db_ = QSqlDatabase();
    QSqlDatabase::removeDatabase(connectionName_);
    if (wasWriting) clean_mark::write(path_);
}

std::unique_ptr<StoreDatabase> StoreDatabase::open(const QString& path, OpenMode mode) {
    const StoreError health = inspect(path, Depth::SkipPagesIfClosedCleanly);
    if (mode == OpenMode::ReadWrite && !health.ok()) throw StoreException(health);
    if (mode == OpenMode::ReadOnly) {
        // Read-only is the fallback offered for a newer or damaged file, so only refuse
        // what cannot be read at all.
        if (!QFileInfo::exists(path))
            throw StoreException(StoreError::Kind::NotFound,
                                 path + QStringLiteral(": no such database"));
        if (health.kind == StoreError::Kind::NotADatabase || health.kind == StoreError::Kind::Io)
            throw StoreException(health);
    } else {
        const QString dir = QFileInfo(path).absolutePath();
        if (!QDir().mkpath(dir))
            throw StoreException(StoreError::Kind::Io, QStringLiteral("cannot create ") + dir);
    }
    // From here until a clean close the file may be left mid-write by a crash.
    if (mode == OpenMode::ReadWrite) clean_mark::remove(path);
    std::unique_ptr<StoreDatabase> store(new StoreDatabase(path, mode));
    store->openConnection(schemaVersion());
    return store;
}

std::unique_ptr<StoreDatabase> StoreDatabase::openAtVersionForTesting(const QString& path,
                                                                      int version) {
    std::unique_ptr<StoreDatabase> store(new StoreDatabase(path, OpenMode::ReadWrite));
    store->openConnection(version);
    return store;
}

void StoreDatabase::openConnection(int migrateUpTo) {
    db_ = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connectionName_);
    db_.setDatabaseName(path_);
    QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000");
    if (mode_ == OpenMode::ReadOnly) options += QStringLiteral(";QSQLITE_OPEN_READONLY");
    db_.setConnectOptions(options);
    if (!db_.open()) detail::throwSqlError(db_.lastError(), QStringLiteral("open ") + path_);
    configureConnection();
    if (mode_ == OpenMode::ReadWrite) {
        detail::migrate(db_, migrateUpTo);
        if (migrateUpTo >= 1) markInterruptedReplies();  // version 0 has no tables yet
    }
}

void StoreDatabase::configureConnection() {
    detail::registerFtsFunctions(detail::nativeHandle(db_));
    if (mode_ == OpenMode::ReadWrite) {
        // WAL: readers (search, backups) never block the writer and a commit is one
        // sequential append. synchronous=NORMAL with WAL syncs only at checkpoints: every
        // committed transaction survives an application crash (it is in the OS page cache),
        // and a power loss can drop the last few transactions but never corrupts the file.
        // FULL would fsync per streamed-reply flush for durability we do not need.
        exec(db_, QStringLiteral("PRAGMA journal_mode = WAL"));
        exec(db_, QStringLiteral("PRAGMA synchronous = NORMAL"));
    }
    exec(db_, QStringLiteral("PRAGMA foreign_keys = ON"));
    exec(db_, QStringLiteral("PRAGMA busy_timeout = 5000"));
}

void StoreDatabase::markInterruptedReplies() {
    // A reply still marked Streaming was being written by a process that died.
    exec(db_, QStringLiteral("UPDATE messages SET finish_reason = ? WHERE finish_reason = ?"),
         {int(FinishReason::Interrupted), int(FinishReason::Streaming)});
}

int StoreDatabase::userVersion() {
    QSqlQuery q = exec(db_, QStringLiteral("PRAGMA user_version"));
    return q.next() ? q.value(0).toInt() : 0;
}

QString StoreDatabase::integrityCheck() {
    QSqlQuery q = exec(db_, QStringLiteral("PRAGMA integrity_check"));
    QStringList lines;
    while (q.next())
        lines.append(q.value(0).toString());
    return lines.join(QLatin1Char('\n'));
}

void StoreDatabase::setClock(std::function<qint64()> nowMs) {
    clock_ = std::move(nowMs);
}

qint64 StoreDatabase::nowMs() const {
    return clock_ ? clock_() : QDateTime::currentMSecsSinceEpoch();
}

void StoreDatabase::transaction(const std::function<void()>& body) {
    if (transactionDepth_ > 0) {
        body();
        return;
    }
    exec(db_, QStringLiteral("BEGIN IMMEDIATE"));
    ++transactionDepth_;
    try {
        body();
        --transactionDepth_;
        exec(db_, QStringLiteral("COMMIT"));
    } catch (...) {
        transactionDepth_ = 0;
        QSqlQuery rollback(db_);
        rollback.exec(QStringLiteral("ROLLBACK"));
        throw;
    }
}

// ---- conversations ----------------------------------------------------------------

ConversationRecord StoreDatabase::createConversation(const QString& title,
                                                     const QString& defaultTarget,
                                                     const QJsonObject& parameters) {
    const qint64 now = nowMs();
    QSqlQuery q = exec(db_,
                       QStringLiteral("INSERT INTO conversations (title, created_at, updated_at, "
                                      "default_target, parameters) VALUES (?, ?, ?, ?, ?)"),
                       {title, now, now, defaultTarget, detail::jsonText(parameters)});
    return conversation(q.lastInsertId().toLongLong());
}

ConversationRecord StoreDatabase::conversation(Id id) {
    QSqlQuery q = exec(db_,
                       QStringLiteral("SELECT %1 FROM conversations WHERE id = ?")
                           .arg(QLatin1String(kConversationColumns)),
                       {id});
    if (!q.next())
        throw StoreException(StoreError::Kind::NotFound,
                             QStringLiteral("no conversation %1").arg(id));
    return readConversation(q);
}

QVector<ConversationRecord> StoreDatabase::listConversations(bool includeArchived) {
    QSqlQuery q =
        exec(db_, QStringLiteral("SELECT %1 FROM conversations %2 ORDER BY pinned DESC, "
                                 "updated_at DESC, id DESC")
                      .arg(QLatin1String(kConversationColumns),
                           includeArchived ? QString() : QStringLiteral("WHERE archived = 0")));
    QVector<ConversationRecord> out;
    while (q.next())
        out.append(readConversation(q));
    return out;
}

namespace {
void updateConversation(QSqlDatabase& db, Id id, const char* assignment, const QVariant& value) {
    QSqlQuery q = exec(db,
                       QStringLiteral("UPDATE conversations SET %1 = ? WHERE id = ?")
                           .arg(QLatin1String(assignment)),
                       {value, id});
    if (q.numRowsAffected() != 1)
        throw StoreException(StoreError::Kind::NotFound,
                             QStringLiteral("no conversation %1").arg(id));
}
}  // namespace

void StoreDatabase::renameConversation(Id id, const QString& title) {
    updateConversation(db_, id, "title", title);
}
void StoreDatabase::setPinned(Id id, bool pinned) {
    updateConversation(db_, id, "pinned", int(pinned));
}
void StoreDatabase::setArchived(Id id, bool archived) {
    updateConversation(db_, id, "archived", int(archived));
}
void StoreDatabase::setDefaultTarget(Id id, const QString& target) {
    updateConversation(db_, id, "default_target", target);
}
void StoreDatabase::setConversationParameters(Id id, const QJsonObject& parameters) {
    updateConversation(db_, id, "parameters", detail::jsonText(parameters));
}

void StoreDatabase::deleteConversation(Id id) {
    transaction([&] {
        // Unselect first so deleting the messages need not rewrite the conversation row.
        exec(db_, QStringLiteral("UPDATE conversations SET selected_leaf_id = NULL WHERE id = ?"),
             {id});
        exec(db_, QStringLiteral("DELETE FROM messages WHERE conversation_id = ?"), {id});
        QSqlQuery q = exec(db_, QStringLiteral("DELETE FROM conversations WHERE id = ?"), {id});
        if (q.numRowsAffected() != 1)
            throw StoreException(StoreError::Kind::NotFound,
                                 QStringLiteral("no conversation %1").arg(id));
    });
    for (auto it = streams_.begin(); it != streams_.end();) {
        if (it->second->conversationId == id)
            it = streams_.erase(it);
        else
            ++it;
    }
}

void StoreDatabase::touchConversation(Id conversationId) {
    exec(db_, QStringLiteral("UPDATE conversations SET updated_at = ? WHERE id = ?"),
         {nowMs(), conversationId});
}

}  // namespace hearth::store
