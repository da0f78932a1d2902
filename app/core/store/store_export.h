#pragma once
// Export and import of conversations.
//
// JSON (format "hearth.conversations", version 1):
//   { "format": "hearth.conversations", "version": 1, "exported_at": ISO-8601,
//     "conversations": [ {
//         "id", "title", "created_at", "updated_at", "pinned", "archived",
//         "default_target", "parameters", "selected_leaf_id",
//         "branches": [ { "leaf_id": N, "messages": [ {"role": "user", "content": "..."} ] } ],
//                      // one OpenAI chat-format message list per leaf, root -> leaf
//         "tree": [ { "id", "parent_id" (null for roots), "role", "content", "target",
//                     "model_sha256", "endpoint_id", "sampling", "prompt_tokens",
//                     "completion_tokens", "ttft_ms", "tokens_per_s", "cost",
//                     "finish_reason" (name or null), "error_message", "created_at",
//                     "updated_at" } ]   // parents before children
//     } ] }
// Import reads "tree" (the branches are for other tools) and restores everything but the
// ids, which are new; parent links and the selected leaf are remapped.
//
// Markdown: the selected branch of one conversation, a heading per message.
#include <QByteArray>
#include <QString>
#include <QVector>

#include "core/store/store_database.h"

namespace hearth::store {

// ids empty = every conversation (archived included).
QByteArray exportJson(StoreDatabase& db, const QVector<Id>& conversationIds = {});
QString exportMarkdown(StoreDatabase& db, Id conversationId);

// All or nothing: a malformed file throws StoreException(InvalidInput) naming the line
// (for a JSON syntax error) or the field path (e.g. "conversations[0].tree[3].role") and
// nothing is written. Returns the new conversation ids in file order.
QVector<Id> importJson(StoreDatabase& db, const QByteArray& json);

}  // namespace hearth::store
