#pragma once
// Full-text search text handling (private to the store).
//
// The FTS5 tables use the unicode61 tokenizer with remove_diacritics 2, which folds case and
// accents but keeps a run of Chinese / Japanese / Korean characters as one token, so "東京"
// inside "東京タワー" would never match. We therefore index a copy of the text in which
// every CJK character stands alone between spaces (hearth_fts_text(), an SQL function the
// triggers call) and turn CJK query terms into phrases of single characters: a substring
// search for CJK, word/prefix search for everything else.
#include <QString>

struct sqlite3;

namespace hearth::store::detail {

bool isCjk(char32_t codePoint);

// Text as it is indexed: CJK characters separated by spaces, everything else unchanged.
QString ftsText(const QString& text);

// Any user input -> a valid FTS5 query (empty when nothing searchable is left). Terms are
// quoted (so operators and punctuation are inert) and ANDed; "term*" and the last bare term
// (search-as-you-type) are prefix queries; a CJK term is a phrase of its characters.
QString ftsQuery(const QString& userText);

// Undoes ftsText() spacing inside a snippet (markers kHighlightOpen/Close may sit between).
QString unspaceSnippet(const QString& snippet);

// Registers hearth_fts_text(text) on a connection; the FTS triggers need it on every
// connection that writes messages or conversation titles.
void registerFtsFunctions(sqlite3* db);

}  // namespace hearth::store::detail
