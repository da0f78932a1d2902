// Export to JSON / Markdown and import of Hearth JSON (format in store_export.h).
#include "core/store/store_export.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include "core/store/store_sqlite.h"

namespace hearth::store {
namespace {

constexpr const char* kFormat = "hearth.conversations";
constexpr int kFormatVersion = 1;

QString isoTime(const QDateTime& t) {
    return t.toUTC().toString(Qt::ISODateWithMs);
}

QJsonValue idOrNull(Id id) {
    return id == 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(double(id));
}

QJsonObject messageToJson(const MessageRecord& m) {
    return QJsonObject{
        {"id", double(m.id)},
        {"parent_id", idOrNull(m.parentId)},
        {"role", roleName(m.role)},
        {"content", m.content},
        {"target", m.target},
        {"model_sha256", m.modelSha256},
        {"endpoint_id", idOrNull(m.endpointId)},
        {"sampling", m.sampling},
        {"prompt_tokens", m.stats.promptTokens},
        {"completion_tokens", m.stats.completionTokens},
        {"ttft_ms", m.stats.ttftMs},
        {"tokens_per_s", m.stats.tokensPerS},
        {"cost", m.stats.cost},
        {"finish_reason", m.finish == FinishReason::None ? QJsonValue(QJsonValue::Null)
                                                         : QJsonValue(finishReasonName(m.finish))},
        {"error_message", m.errorMessage},
        {"created_at", isoTime(m.createdAt)},
        {"updated_at", isoTime(m.updatedAt)},
    };
}

QJsonObject conversationToJson(StoreDatabase& db, const ConversationRecord& c) {
    const QVector<MessageRecord> tree = db.messages(c.id);  // by id: parents first
    QHash<Id, int> indexById;
    QSet<Id> parents;
    for (int i = 0; i < tree.size(); ++i) {
        indexById.insert(tree[i].id, i);
        if (tree[i].parentId) parents.insert(tree[i].parentId);
    }
    QJsonArray branches;
    for (const MessageRecord& leaf : tree) {
        if (parents.contains(leaf.id)) continue;
        QJsonArray path;
        for (Id id = leaf.id; id != 0; id = tree[indexById.value(id)].parentId) {
            const MessageRecord& m = tree[indexById.value(id)];
            path.prepend(QJsonObject{{"role", roleName(m.role)}, {"content", m.content}});
        }
        branches.append(QJsonObject{{"leaf_id", double(leaf.id)}, {"messages", path}});
    }
    QJsonArray messages;
    for (const MessageRecord& m : tree)
        messages.append(messageToJson(m));
    return QJsonObject{
        {"id", double(c.id)},
        {"title", c.title},
        {"created_at", isoTime(c.createdAt)},
        {"updated_at", isoTime(c.updatedAt)},
        {"pinned", c.pinned},
        {"archived", c.archived},
        {"default_target", c.defaultTarget},
        {"parameters", c.parameters},
        {"selected_leaf_id", idOrNull(c.selectedLeafId)},
        {"branches", branches},
        {"tree", messages},
    };
}

// ---- import validation: every accessor names the field path on failure ----------------

[[noreturn]] void bad(const QString& path, const QString& why) {
    throw StoreException(StoreError::Kind::InvalidInput, QStringLiteral("%1: %2").arg(path, why));
}

QJsonValue field(const QJsonObject& o, const QString& path, const char* key, bool required) {
    const QJsonValue v = o.value(QLatin1String(key));
    if (required && v.isUndefined()) bad(path + '.' + key, QStringLiteral("missing"));
    return v;
}

QString text(const QJsonObject& o, const QString& path, const char* key, bool required = false) {
    const QJsonValue v = field(o, path, key, required);
    if (v.isUndefined() || v.isNull()) return {};
    if (!v.isString()) bad(path + '.' + key, QStringLiteral("expected a string"));
    return v.toString();
}

double number(const QJsonObject& o, const QString& path, const char* key) {
    const QJsonValue v = field(o, path, key, false);
    if (v.isUndefined() || v.isNull()) return 0;
    if (!v.isDouble()) bad(path + '.' + key, QStringLiteral("expected a number"));
    return v.toDouble();
}

Id optionalId(const QJsonObject& o, const QString& path, const char* key) {
    const double d = number(o, path, key);
    if (d < 0 || d != double(qint64(d))) bad(path + '.' + key, QStringLiteral("not an id"));
    return Id(d);
}

bool boolean(const QJsonObject& o, const QString& path, const char* key) {
    const QJsonValue v = field(o, path, key, false);
    if (v.isUndefined() || v.isNull()) return false;
    if (!v.isBool()) bad(path + '.' + key, QStringLiteral("expected true or false"));
    return v.toBool();
}

QJsonObject object(const QJsonObject& o, const QString& path, const char* key) {
    const QJsonValue v = field(o, path, key, false);
    if (v.isUndefined() || v.isNull()) return {};
    if (!v.isObject()) bad(path + '.' + key, QStringLiteral("expected an object"));
    return v.toObject();
}

QDateTime time(const QJsonObject& o, const QString& path, const char* key) {
    const QString s = text(o, path, key, true);
    QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
    if (!t.isValid()) bad(path + '.' + key, QStringLiteral("not an ISO 8601 time: ") + s);
    return t;
}

struct ImportedMessage {
    Id fileId = 0;
    Id fileParentId = 0;
    MessageRecord record;
};

struct ImportedConversation {
    ConversationRecord record;
    QVector<ImportedMessage> tree;
};

ImportedConversation parseConversation(const QJsonValue& value, const QString& path) {
    if (!value.isObject()) bad(path, QStringLiteral("expected an object"));
    const QJsonObject o = value.toObject();
    ImportedConversation c;
    c.record.title = text(o, path, "title", true);
    c.record.createdAt = time(o, path, "created_at");
    c.record.updatedAt = time(o, path, "updated_at");
    c.record.pinned = boolean(o, path, "pinned");
    c.record.archived = boolean(o, path, "archived");
    c.record.defaultTarget = text(o, path, "default_target");
    c.record.parameters = object(o, path, "parameters");
    c.record.selectedLeafId = optionalId(o, path, "selected_leaf_id");

    const QJsonValue treeValue = field(o, path, "tree", true);
    if (!treeValue.isArray()) bad(path + ".tree", QStringLiteral("expected an array"));
    const QJsonArray tree = treeValue.toArray();
    QSet<Id> seen;
    for (int i = 0; i < tree.size(); ++i) {
        const QString at = QStringLiteral("%1.tree[%2]").arg(path).arg(i);
        if (!tree[i].isObject()) bad(at, QStringLiteral("expected an object"));
        const QJsonObject m = tree[i].toObject();
        ImportedMessage im;
        field(m, at, "id", true);
        im.fileId = optionalId(m, at, "id");
        if (im.fileId == 0 || seen.contains(im.fileId))
            bad(at + ".id", QStringLiteral("missing or duplicate id"));
        im.fileParentId = optionalId(m, at, "parent_id");
        if (im.fileParentId != 0 && !seen.contains(im.fileParentId))
            bad(at + ".parent_id",
                QStringLiteral("parent %1 does not precede it in this conversation")
                    .arg(im.fileParentId));
        seen.insert(im.fileId);
        MessageRecord& r = im.record;
        if (!roleFromName(text(m, at, "role", true), &r.role))
            bad(at + ".role", QStringLiteral("unknown role \"%1\"").arg(text(m, at, "role")));
        r.content = text(m, at, "content", true);
        r.target = text(m, at, "target");
        r.modelSha256 = text(m, at, "model_sha256");
        r.endpointId = optionalId(m, at, "endpoint_id");
        r.sampling = object(m, at, "sampling");
        r.stats.promptTokens = int(number(m, at, "prompt_tokens"));
        r.stats.completionTokens = int(number(m, at, "completion_tokens"));
        r.stats.ttftMs = number(m, at, "ttft_ms");
        r.stats.tokensPerS = number(m, at, "tokens_per_s");
        r.stats.cost = number(m, at, "cost");
        const QString finish = text(m, at, "finish_reason");
        r.finish = FinishReason::None;
        if (!finish.isEmpty() && !finishReasonFromName(finish, &r.finish))
            bad(at + ".finish_reason", QStringLiteral("unknown finish reason \"%1\"").arg(finish));
        // An import is never a live stream.
        if (r.finish == FinishReason::Streaming) r.finish = FinishReason::Interrupted;
        r.errorMessage = text(m, at, "error_message");
        r.createdAt = time(m, at, "created_at");
        r.updatedAt = time(m, at, "updated_at");
        c.tree.append(im);
    }
    if (c.record.selectedLeafId != 0 && !seen.contains(c.record.selectedLeafId))
        bad(path + ".selected_leaf_id", QStringLiteral("not an id in this conversation's tree"));
    return c;
}

}  // namespace

QByteArray exportJson(StoreDatabase& db, const QVector<Id>& conversationIds) {
    QJsonArray conversations;
    if (conversationIds.isEmpty()) {
        for (const ConversationRecord& c : db.listConversations(true))
            conversations.append(conversationToJson(db, c));
    } else {
        for (Id id : conversationIds)
            conversations.append(conversationToJson(db, db.conversation(id)));
    }
    const QJsonObject root{
        {"format", QLatin1String(kFormat)},
        {"version", kFormatVersion},
        {"exported_at", isoTime(QDateTime::currentDateTimeUtc())},
        {"conversations", conversations},
    };
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QString exportMarkdown(StoreDatabase& db, Id conversationId) {
    const ConversationRecord c = db.conversation(conversationId);
    QString md =
        QStringLiteral("# %1\n\n").arg(c.title.isEmpty() ? QStringLiteral("Untitled") : c.title);
    for (const BranchMessage& b : db.branch(conversationId)) {
        const MessageRecord& m = b.message;
        QString heading = roleName(m.role);
        heading[0] = heading[0].toUpper();
        if (m.role == Role::Assistant && !m.target.isEmpty())
            heading += QStringLiteral(" (%1)").arg(m.target);
        md += QStringLiteral("## %1\n\n%2\n\n").arg(heading, m.content);
        if (m.finish != FinishReason::None && m.finish != FinishReason::Stop)
            md += QStringLiteral("*[%1%2]*\n\n")
                      .arg(finishReasonName(m.finish), m.errorMessage.isEmpty()
                                                           ? QString()
                                                           : QStringLiteral(": ") + m.errorMessage);
    }
    return md;
}

QVector<Id> importJson(StoreDatabase& db, const QByteArray& json) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const QByteArray before = json.left(parseError.offset);
        const int line = int(before.count('\n')) + 1;
        const int column = int(parseError.offset - (before.lastIndexOf('\n') + 1)) + 1;
        throw StoreException(StoreError::Kind::InvalidInput,
                             QStringLiteral("line %1, column %2: %3")
                                 .arg(line)
                                 .arg(column)
                                 .arg(parseError.errorString()));
    }
    if (!doc.isObject()) bad(QStringLiteral("$"), QStringLiteral("expected an object"));
    const QJsonObject root = doc.object();
    if (root.value(QLatin1String("format")).toString() != QLatin1String(kFormat))
        bad(QStringLiteral("format"), QStringLiteral("expected \"%1\"").arg(kFormat));
    if (root.value(QLatin1String("version")).toInt(-1) != kFormatVersion)
        bad(QStringLiteral("version"),
            QStringLiteral("unsupported (this build reads %1)").arg(kFormatVersion));
    const QJsonValue list = root.value(QLatin1String("conversations"));
    if (!list.isArray()) bad(QStringLiteral("conversations"), QStringLiteral("expected an array"));

    // Parse everything before writing anything.
    QVector<ImportedConversation> parsed;
    const QJsonArray array = list.toArray();
    for (int i = 0; i < array.size(); ++i)
        parsed.append(parseConversation(array[i], QStringLiteral("conversations[%1]").arg(i)));

    QVector<Id> ids;
    QSqlDatabase& sql = db.connection();
    db.transaction([&] {
        for (const ImportedConversation& c : parsed) {
            const ConversationRecord& r = c.record;
            QSqlQuery q = detail::exec(
                sql,
                QStringLiteral(
                    "INSERT INTO conversations (title, created_at, updated_at, pinned, "
                    "archived, default_target, parameters) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                {r.title, detail::toMs(r.createdAt), detail::toMs(r.updatedAt), int(r.pinned),
                 int(r.archived), r.defaultTarget, detail::jsonText(r.parameters)});
            const Id conversationId = q.lastInsertId().toLongLong();
            QHash<Id, Id> newIds;
            for (const ImportedMessage& im : c.tree) {
                const MessageRecord& m = im.record;
                // Endpoint ids are local to the exporting database; keep one only if it
                // names an endpoint here.
                const bool endpointKnown =
                    m.endpointId != 0 &&
                    detail::exec(sql, QStringLiteral("SELECT 1 FROM endpoints WHERE id = ?"),
                                 {m.endpointId})
                        .next();
                QSqlQuery mq = detail::exec(
                    sql,
                    QStringLiteral(
                        "INSERT INTO messages (conversation_id, parent_id, role, content, target, "
                        "model_sha256, endpoint_id, sampling, prompt_tokens, completion_tokens, "
                        "ttft_ms, tokens_per_s, cost, finish_reason, error_message, created_at, "
                        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                    {conversationId, detail::idToSql(newIds.value(im.fileParentId)), int(m.role),
                     m.content, m.target, m.modelSha256,
                     detail::idToSql(endpointKnown ? m.endpointId : 0),
                     detail::jsonText(m.sampling), m.stats.promptTokens, m.stats.completionTokens,
                     m.stats.ttftMs, m.stats.tokensPerS, m.stats.cost,
                     detail::finishToSql(m.finish), m.errorMessage, detail::toMs(m.createdAt),
                     detail::toMs(m.updatedAt)});
                newIds.insert(im.fileId, mq.lastInsertId().toLongLong());
            }
            detail::exec(
                sql, QStringLiteral("UPDATE conversations SET selected_leaf_id = ? WHERE id = ?"),
                {detail::idToSql(newIds.value(r.selectedLeafId)), conversationId});
            ids.append(conversationId);
        }
    });
    return ids;
}

}  // namespace hearth::store
