// StoreDatabase: the message tree of a conversation and streamed replies.
//
// Tree invariants: every message belongs to one conversation, its parent (if any) is in the
// same conversation and was created before it, so ids grow from root to leaf. Siblings are
// the messages sharing a parent, in id (= creation) order. A conversation remembers the leaf
// of the branch on screen (selected_leaf_id); writes that add a message select it.
#include <QElapsedTimer>
#include <QHash>

#include "core/store/store_database.h"
#include "core/store/store_sqlite.h"
#include "core/store/store_streaming.h"

namespace hearth::store {

using detail::exec;

namespace {

constexpr const char* kMessageColumns =
    "id, conversation_id, parent_id, role, content, target, model_sha256, endpoint_id, "
    "sampling, prompt_tokens, completion_tokens, ttft_ms, tokens_per_s, cost, finish_reason, "
    "error_message, created_at, updated_at";

MessageRecord readMessage(const QSqlQuery& q) {
    MessageRecord m;
    m.id = q.value(0).toLongLong();
    m.conversationId = q.value(1).toLongLong();
    m.parentId = q.value(2).toLongLong();
    m.role = static_cast<Role>(q.value(3).toInt());
    m.content = q.value(4).toString();
    m.target = q.value(5).toString();
    m.modelSha256 = q.value(6).toString();
    m.endpointId = q.value(7).toLongLong();
    m.sampling = detail::jsonObject(q.value(8));
    m.stats.promptTokens = q.value(9).toInt();
    m.stats.completionTokens = q.value(10).toInt();
    m.stats.ttftMs = q.value(11).toDouble();
    m.stats.tokensPerS = q.value(12).toDouble();
    m.stats.cost = q.value(13).toDouble();
    m.finish = detail::finishFromSql(q.value(14));
    m.errorMessage = q.value(15).toString();
    m.createdAt = detail::fromMs(q.value(16).toLongLong());
    m.updatedAt = detail::fromMs(q.value(17).toLongLong());
    return m;
}

// Streaming deadlines run on a monotonic clock unless a test injected one.
qint64 monotonicMs(const std::function<qint64()>& injected) {
    if (injected) return injected();
    static QElapsedTimer timer = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return timer.elapsed();
}

}  // namespace

MessageRecord StoreDatabase::message(Id id) {
    QSqlQuery q = exec(
        db_,
        QStringLiteral("SELECT %1 FROM messages WHERE id = ?").arg(QLatin1String(kMessageColumns)),
        {id});
    if (!q.next())
        throw StoreException(StoreError::Kind::NotFound, QStringLiteral("no message %1").arg(id));
    return readMessage(q);
}

QVector<MessageRecord> StoreDatabase::messages(Id conversationId) {
    QSqlQuery q =
        exec(db_,
             QStringLiteral("SELECT %1 FROM messages WHERE conversation_id = ? ORDER BY id")
                 .arg(QLatin1String(kMessageColumns)),
             {conversationId});
    QVector<MessageRecord> out;
    while (q.next())
        out.append(readMessage(q));
    return out;
}

QVector<Id> StoreDatabase::childrenOf(Id conversationId, Id parentId) {
    QSqlQuery q = exec(db_,
                       QStringLiteral("SELECT id FROM messages WHERE conversation_id = ? AND "
                                      "parent_id IS ? ORDER BY id"),
                       {conversationId, detail::idToSql(parentId)});
    QVector<Id> out;
    while (q.next())
        out.append(q.value(0).toLongLong());
    return out;
}

MessageRecord StoreDatabase::appendMessage(const NewMessage& message) {
    return insertMessage(message, FinishReason::None);
}

MessageRecord StoreDatabase::insertMessage(const NewMessage& m, FinishReason finish) {
    Id id = 0;
    transaction([&] {
        conversation(m.conversationId);  // throws NotFound
        if (m.parentId != 0 && message(m.parentId).conversationId != m.conversationId)
            throw StoreException(StoreError::Kind::InvalidInput,
                                 QStringLiteral("message %1 is not in conversation %2")
                                     .arg(m.parentId)
                                     .arg(m.conversationId));
        const qint64 now = nowMs();
        QSqlQuery q =
            exec(db_,
                 QStringLiteral("INSERT INTO messages (conversation_id, parent_id, role, content, "
                                "target, model_sha256, endpoint_id, sampling, finish_reason, "
                                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                 {m.conversationId, detail::idToSql(m.parentId), int(m.role), m.content, m.target,
                  m.modelSha256, detail::idToSql(m.endpointId), detail::jsonText(m.sampling),
                  detail::finishToSql(finish), now, now});
        id = q.lastInsertId().toLongLong();
        exec(db_,
             QStringLiteral(
                 "UPDATE conversations SET selected_leaf_id = ?, updated_at = ? WHERE id = ?"),
             {id, now, m.conversationId});
    });
    return message(id);
}

MessageRecord StoreDatabase::editMessage(Id messageId, const QString& content) {
    const MessageRecord original = message(messageId);
    NewMessage edited;
    edited.conversationId = original.conversationId;
    edited.parentId = original.parentId;
    edited.role = original.role;
    edited.content = content;
    edited.target = original.target;
    edited.modelSha256 = original.modelSha256;
    edited.endpointId = original.endpointId;
    edited.sampling = original.sampling;
    return appendMessage(edited);
}

QVector<BranchMessage> StoreDatabase::branch(Id conversationId) {
    Id leaf = conversation(conversationId).selectedLeafId;
    if (leaf == 0) {
        // Nothing selected (new conversation, or the selection was deleted): the newest leaf.
        QSqlQuery q = exec(db_,
                           QStringLiteral("SELECT m.id FROM messages m WHERE m.conversation_id = ? "
                                          "AND NOT EXISTS (SELECT 1 FROM messages c WHERE "
                                          "c.parent_id = m.id) ORDER BY m.id DESC LIMIT 1"),
                           {conversationId});
        if (!q.next()) return {};
        leaf = q.value(0).toLongLong();
    }
    QSqlQuery path = exec(db_,
                          QStringLiteral("WITH RECURSIVE path(id, depth) AS ("
                                         "  SELECT ?, 0"
                                         "  UNION ALL SELECT m.parent_id, p.depth + 1 FROM "
                                         "  messages m JOIN path p ON m.id = p.id"
                                         "  WHERE m.parent_id IS NOT NULL) "
                                         "SELECT %1 FROM messages JOIN path USING (id) "
                                         "ORDER BY path.depth DESC")
                              .arg(QLatin1String(kMessageColumns)),
                          {leaf});
    QVector<BranchMessage> out;
    while (path.next())
        out.append(BranchMessage{readMessage(path), 1, 0, {}});

    // Sibling positions from one scan of the conversation's (id, parent) pairs.
    QHash<Id, QVector<Id>> childrenByParent;
    QSqlQuery pairs = exec(
        db_,
        QStringLiteral("SELECT id, parent_id FROM messages WHERE conversation_id = ? ORDER BY id"),
        {conversationId});
    while (pairs.next())
        childrenByParent[pairs.value(1).toLongLong()].append(pairs.value(0).toLongLong());
    for (BranchMessage& b : out) {
        b.siblingIds = childrenByParent.value(b.message.parentId);
        b.siblingCount = int(b.siblingIds.size());
        b.siblingIndex = int(b.siblingIds.indexOf(b.message.id));
    }
    return out;
}

Id StoreDatabase::selectBranch(Id messageId) {
    const MessageRecord start = message(messageId);
    QSqlQuery q = exec(db_,
                       QStringLiteral("WITH RECURSIVE below(id) AS ("
                                      "  SELECT ? UNION ALL SELECT m.id FROM messages m"
                                      "  JOIN below b ON m.parent_id = b.id) "
                                      "SELECT b.id FROM below b WHERE NOT EXISTS (SELECT 1 FROM "
                                      "messages c WHERE c.parent_id = b.id) ORDER BY b.id DESC "
                                      "LIMIT 1"),
                       {messageId});
    const Id leaf = q.next() ? q.value(0).toLongLong() : messageId;
    exec(db_, QStringLiteral("UPDATE conversations SET selected_leaf_id = ? WHERE id = ?"),
         {leaf, start.conversationId});
    return leaf;
}

void StoreDatabase::deleteMessage(Id id) {
    const MessageRecord target = message(id);
    transaction([&] {
        // The whole subtree in one statement: the parent_id constraint is checked at its end.
        exec(db_,
             QStringLiteral("DELETE FROM messages WHERE id IN (WITH RECURSIVE below(id) AS ("
                            "SELECT ? UNION ALL SELECT m.id FROM messages m JOIN below b ON "
                            "m.parent_id = b.id) SELECT id FROM below)"),
             {id});
        if (target.parentId != 0) {
            selectBranch(target.parentId);
        } else {
            exec(db_,
                 QStringLiteral("UPDATE conversations SET selected_leaf_id = NULL WHERE id = ?"),
                 {target.conversationId});
        }
        touchConversation(target.conversationId);
    });
    for (auto it = streams_.begin(); it != streams_.end();) {
        if (!exec(db_, QStringLiteral("SELECT 1 FROM messages WHERE id = ?"), {it->first}).next())
            it = streams_.erase(it);
        else
            ++it;
    }
}

// ---- streaming replies --------------------------------------------------------------

MessageRecord StoreDatabase::startReply(const NewMessage& reply) {
    NewMessage m = reply;
    m.role = Role::Assistant;
    const MessageRecord record = insertMessage(m, FinishReason::Streaming);
    auto buffer = std::make_unique<StreamBuffer>();
    buffer->conversationId = record.conversationId;
    streams_[record.id] = std::move(buffer);
    return record;
}

void StoreDatabase::appendDelta(Id messageId, const QString& delta) {
    auto it = streams_.find(messageId);
    if (it == streams_.end())
        throw StoreException(StoreError::Kind::InvalidInput,
                             QStringLiteral("message %1 is not streaming").arg(messageId));
    StreamBuffer& buffer = *it->second;
    const qint64 now = monotonicMs(clock_);
    if (buffer.pendingDeltas == 0) buffer.firstPendingMs = now;
    buffer.pending += delta;
    ++buffer.pendingDeltas;
    if (buffer.pendingDeltas >= kFlushEveryDeltas || now - buffer.firstPendingMs >= kFlushEveryMs)
        flushReply(messageId, buffer);
}

void StoreDatabase::flushReply(Id messageId, StreamBuffer& buffer) {
    if (buffer.pendingDeltas == 0) return;
    exec(db_,
         QStringLiteral("UPDATE messages SET content = content || ?, updated_at = ? WHERE id = ?"),
         {buffer.pending, nowMs(), messageId});
    buffer.pending.clear();
    buffer.pendingDeltas = 0;
}

void StoreDatabase::flushDueReplies(qint64 slackMs) {
    const qint64 now = monotonicMs(clock_);
    for (auto& [id, buffer] : streams_) {
        if (buffer->pendingDeltas > 0 && now + slackMs - buffer->firstPendingMs >= kFlushEveryMs)
            flushReply(id, *buffer);
    }
}

void StoreDatabase::flushAllReplies() {
    for (auto& [id, buffer] : streams_)
        flushReply(id, *buffer);
}

MessageRecord StoreDatabase::finishReply(Id messageId, const MessageStats& stats,
                                         FinishReason finish, const QString& errorMessage) {
    if (finish == FinishReason::Streaming || finish == FinishReason::None)
        throw StoreException(StoreError::Kind::InvalidInput,
                             QStringLiteral("finishReply needs a final finish reason"));
    QString pending;
    if (auto it = streams_.find(messageId); it != streams_.end()) pending = it->second->pending;
    const MessageRecord current = message(messageId);
    if (!current.isStreaming())
        throw StoreException(StoreError::Kind::InvalidInput,
                             QStringLiteral("message %1 is not streaming").arg(messageId));
    transaction([&] {
        exec(db_,
             QStringLiteral("UPDATE messages SET content = content || ?, prompt_tokens = ?, "
                            "completion_tokens = ?, ttft_ms = ?, tokens_per_s = ?, cost = ?, "
                            "finish_reason = ?, error_message = ?, updated_at = ? WHERE id = ?"),
             {pending, stats.promptTokens, stats.completionTokens, stats.ttftMs, stats.tokensPerS,
              stats.cost, int(finish), errorMessage, nowMs(), messageId});
        touchConversation(current.conversationId);
    });
    streams_.erase(messageId);
    return message(messageId);
}

}  // namespace hearth::store
