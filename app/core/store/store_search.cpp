// StoreDatabase::search: FTS5 over message bodies and conversation titles (schema v3).
#include <algorithm>

#include "core/store/store_database.h"
#include "core/store/store_fts.h"
#include "core/store/store_sqlite.h"

namespace hearth::store {

namespace {
constexpr int kSnippetTokens = 16;
// Ranking with bm25 scores every match, which costs ~4 ms per 1000 matches. A query that
// matches more messages than this (a very common word, the first letter typed) is answered
// newest first instead, which FTS5 streams and stops after `limit` rows.
constexpr int kRankedMatchCap = 5000;
}  // namespace

QVector<SearchHit> StoreDatabase::search(const QString& userQuery, int limit) {
    const QString match = detail::ftsQuery(userQuery);
    if (match.isEmpty() || limit <= 0) return {};
    const QString open(kHighlightOpen);
    const QString close(kHighlightClose);

    QVector<SearchHit> hits;
    QSqlQuery titles = detail::exec(
        db_,
        QStringLiteral("SELECT c.id, c.title, highlight(conversation_search, 0, ?, ?), "
                       "bm25(conversation_search) FROM conversation_search "
                       "JOIN conversations c ON c.id = conversation_search.rowid "
                       "WHERE conversation_search MATCH ? ORDER BY rank LIMIT ?"),
        {open, close, match, limit});
    while (titles.next()) {
        SearchHit hit;
        hit.conversationId = titles.value(0).toLongLong();
        hit.conversationTitle = titles.value(1).toString();
        hit.snippet = detail::unspaceSnippet(titles.value(2).toString());
        hit.rank = titles.value(3).toDouble();
        hits.append(hit);
    }

    QSqlQuery count = detail::exec(db_,
                                   QStringLiteral("SELECT count(*) FROM (SELECT rowid FROM "
                                                  "message_search WHERE message_search MATCH ? "
                                                  "LIMIT ?)"),
                                   {match, kRankedMatchCap});
    const bool ranked = count.next() && count.value(0).toInt() < kRankedMatchCap;
    QSqlQuery bodies = detail::exec(
        db_,
        QStringLiteral("SELECT m.conversation_id, m.id, c.title, "
                       "snippet(message_search, 0, ?, ?, '…', ?), bm25(message_search) "
                       "FROM message_search JOIN messages m ON m.id = message_search.rowid "
                       "JOIN conversations c ON c.id = m.conversation_id "
                       "WHERE message_search MATCH ? ORDER BY %1 LIMIT ?")
            .arg(ranked ? QStringLiteral("rank") : QStringLiteral("message_search.rowid DESC")),
        {open, close, kSnippetTokens, match, limit});
    while (bodies.next()) {
        SearchHit hit;
        hit.conversationId = bodies.value(0).toLongLong();
        hit.messageId = bodies.value(1).toLongLong();
        hit.conversationTitle = bodies.value(2).toString();
        hit.snippet = detail::unspaceSnippet(bodies.value(3).toString());
        hit.rank = bodies.value(4).toDouble();
        hits.append(hit);
    }

    // bm25 is negative, more negative = better; a title match ranks ahead of a body match
    // with the same score. Unranked (too common) body matches stay newest first.
    if (!ranked) return hits.size() > limit ? hits.mid(0, limit) : hits;
    std::stable_sort(hits.begin(), hits.end(),
                     [](const SearchHit& a, const SearchHit& b) { return a.rank < b.rank; });
    if (hits.size() > limit) hits.resize(limit);
    return hits;
}

}  // namespace hearth::store
