#pragma once
// StoreDatabase: the synchronous conversation store. One SQLite connection (QtSql, QSQLITE),
// usable only on the thread that created it. The async Store facade owns one on its store
// thread; the CLI and tests use it directly.
//
// Every method throws StoreException on failure. Opening never modifies a file it cannot
// understand: StoreDatabase::inspect() looks at it read-only first (header, user_version,
// quick_check), and open() refuses with the same typed error. open() skips the page-by-page
// quick_check when the file is exactly as our last clean close left it (store_clean_mark.h).
#include <QSqlDatabase>
#include <QString>
#include <QVector>
#include <functional>
#include <map>
#include <memory>

#include "core/store/store_types.h"

namespace hearth::store {

struct StreamBuffer;  // store_streaming.cpp

class StoreDatabase {
public:
    enum class OpenMode { ReadWrite, ReadOnly };

    // Newest schema this build knows (PRAGMA user_version after migrating).
    static int schemaVersion();

    // $HEARTH_DB if set, else $XDG_DATA_HOME/hearth/hearth.db (default
    // ~/.local/share/hearth/hearth.db).
    static QString defaultPath();

    // Read-only look at a file: None when it is absent, empty or a healthy database at a
    // version we know; otherwise NotADatabase / Corrupt / TooNew / Io. Never writes.
    enum class Depth { Full, SkipPagesIfClosedCleanly };
    static StoreError inspect(const QString& path, Depth depth = Depth::Full);

    // Opens (creating the file and its directory when absent in ReadWrite mode), migrates
    // up to schemaVersion(), marks leftover Streaming replies Interrupted. Throws with the
    // inspect() error for a file it will not touch.
    static std::unique_ptr<StoreDatabase> open(const QString& path,
                                               OpenMode mode = OpenMode::ReadWrite);

    // The "start fresh" offer for a broken file: renames it (and its -wal/-shm) to
    // PATH.broken-YYYYMMDD-HHMMSS and returns that new path; the caller then open()s PATH.
    static QString moveAside(const QString& path);

    // Consistent copy of the database at `source` into `destination` through SQLite's
    // online backup API, reading `source` read-only (no migration, no recovery of
    // interrupted replies): what `hearth db backup` runs while the app may be writing.
    // Writes to DESTINATION.partial first and renames it, so a failed backup leaves no
    // half file behind.
    static void backupFile(const QString& source, const QString& destination);

    // Opens a database file only up to `version` (tests of migrations start from there).
    static std::unique_ptr<StoreDatabase> openAtVersionForTesting(const QString& path, int version);

    ~StoreDatabase();
    StoreDatabase(const StoreDatabase&) = delete;
    StoreDatabase& operator=(const StoreDatabase&) = delete;

    QString path() const { return path_; }
    bool isReadOnly() const { return mode_ == OpenMode::ReadOnly; }
    int userVersion();
    QString integrityCheck();  // "ok" when healthy

    // Milliseconds since the epoch for timestamps and for the streaming flush deadline.
    // Tests inject a fake clock; the default is the system clock.
    void setClock(std::function<qint64()> nowMs);

    // ---- conversations ------------------------------------------------------------
    ConversationRecord createConversation(const QString& title, const QString& defaultTarget = {},
                                          const QJsonObject& parameters = {});
    ConversationRecord conversation(Id id);
    // Pinned first, then most recently updated first. Archived ones only when asked.
    QVector<ConversationRecord> listConversations(bool includeArchived = false);
    void renameConversation(Id id, const QString& title);
    void setPinned(Id id, bool pinned);
    void setArchived(Id id, bool archived);
    void setDefaultTarget(Id id, const QString& target);
    void setConversationParameters(Id id, const QJsonObject& parameters);
    void deleteConversation(Id id);  // cascades to its messages

    // ---- messages (a tree per conversation) ----------------------------------------
    // Adds a message under message.parentId and makes it the selected leaf.
    MessageRecord appendMessage(const NewMessage& message);
    // Edit = a new sibling of `messageId` (same parent and role) with `content`; it becomes
    // the selected leaf. The original is kept.
    MessageRecord editMessage(Id messageId, const QString& content);
    MessageRecord message(Id id);
    QVector<MessageRecord> messages(Id conversationId);      // whole tree, by id
    QVector<Id> childrenOf(Id conversationId, Id parentId);  // creation order
    // Root -> selected leaf, with sibling positions.
    QVector<BranchMessage> branch(Id conversationId);
    // Switch to the branch through `messageId`: the selected leaf becomes the most
    // recently created leaf below it (or itself). Returns the new leaf.
    Id selectBranch(Id messageId);
    void deleteMessage(Id id);  // and its subtree; the selected leaf moves to the parent

    // ---- streaming replies ---------------------------------------------------------
    // Creates an assistant message (finish Streaming, empty content) under `reply.parentId`
    // and selects it. Regenerate = startReply under the same parent: a new sibling.
    MessageRecord startReply(const NewMessage& reply);
    // Buffers text; writes it to disk when 32 deltas are pending or 500 ms have passed
    // since the last write, whichever comes first. So after a crash the saved reply is at
    // most 32 deltas / 500 ms behind what was streamed.
    void appendDelta(Id messageId, const QString& delta);
    // Writes pending deltas whose deadline has passed (the Store calls it from a timer so
    // a stalled stream still reaches the disk on time).
    // slackMs: flush buffers whose deadline falls within the next slackMs (the caller's
    // timer period), so a timer-driven flush never lands late.
    void flushDueReplies(qint64 slackMs = 0);
    void flushAllReplies();
    // Flushes, stores stats and finish reason (and error), ends the stream.
    MessageRecord finishReply(Id messageId, const MessageStats& stats, FinishReason finish,
                              const QString& errorMessage = {});
    static constexpr int kFlushEveryDeltas = 32;
    static constexpr qint64 kFlushEveryMs = 500;

    // ---- search --------------------------------------------------------------------
    // Full-text search over message contents and conversation titles. Any user text is a
    // valid query: it is split into terms and quoted; the last bare term is a prefix
    // ("hel" finds "hello"), "term*" is a prefix anywhere. Accents are folded; Chinese,
    // Japanese and Korean text is matched by substring. Best first.
    QVector<SearchHit> search(const QString& query, int limit = 50);

    // ---- endpoints (no secrets) ------------------------------------------------------
    EndpointRecord addEndpoint(const EndpointRecord& endpoint);
    void updateEndpoint(const EndpointRecord& endpoint);
    QVector<EndpointRecord> endpoints();
    void removeEndpoint(Id id);
    // What was sent to a remote endpoint for a reply (the request body, after PII scrubbing).
    void setSentRequest(Id messageId, Id endpointId, const QString& body);
    QString sentRequest(Id messageId);  // empty when none
    // Sum of the replies' cost over the whole conversation (every branch).
    double conversationCost(Id conversationId);

    // ---- prompt templates, datasets, runs (the playground) ---------------------------
    PromptTemplateRecord createTemplate(const QString& name);
    QVector<PromptTemplateRecord> templates();
    // Appends an immutable version (version number = previous + 1).
    TemplateVersionRecord addTemplateVersion(const TemplateVersionRecord& version);
    QVector<TemplateVersionRecord> templateVersions(Id templateId);
    TemplateVersionRecord templateVersion(Id versionId);

    // Marks `versionId` as its template's baseline (the regression gate compares with it);
    // replaces the previous one. baselineVersion() is 0 when none is marked.
    void setBaseline(Id templateId, Id versionId);
    Id baselineVersion(Id templateId);

    DatasetRecord createDataset(const QString& name, const QStringList& columns,
                                const QString& sourceSha256 = {});
    QVector<DatasetRecord> datasets();
    void addDatasetRows(Id datasetId, const QVector<QJsonObject>& rows);
    QVector<DatasetRow> datasetRows(Id datasetId);

    RunRecord createRun(const RunRecord& run);
    void setRunStatus(Id runId, RunStatus status);
    QVector<RunRecord> runs();
    RunRecord run(Id runId);
    // Throws (constraint) if the cell (run, row, target) already has a result.
    RunResultRecord addRunResult(const RunResultRecord& result);
    QVector<RunResultRecord> runResults(Id runId);

    // ---- files -----------------------------------------------------------------------
    // Consistent copy of the live database through SQLite's online backup API (safe while
    // other connections write). Overwrites `destination`.
    void backupTo(const QString& destination);

    // Runs `body` in one transaction (rolled back if it throws). Nesting is flattened.
    void transaction(const std::function<void()>& body);

    QSqlDatabase& connection() { return db_; }

private:
    StoreDatabase(QString path, OpenMode mode);
    void openConnection(int migrateUpTo);
    void configureConnection();
    void markInterruptedReplies();
    MessageRecord insertMessage(const NewMessage& message, FinishReason finish);
    void flushReply(Id messageId, StreamBuffer& buffer);
    void touchConversation(Id conversationId);
    qint64 nowMs() const;

    QString path_;
    OpenMode mode_;
    QString connectionName_;
    QSqlDatabase db_;
    int transactionDepth_ = 0;
    std::function<qint64()> clock_;
    std::map<Id, std::unique_ptr<StreamBuffer>> streams_;
};

}  // namespace hearth::store
