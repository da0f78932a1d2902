#include "core/store/store_fts.h"

#include <sqlite3.h>

#include <QRegularExpression>
#include <QStringList>
#include <QStringView>

#include "core/store/store_types.h"

namespace hearth::store::detail {
namespace {

QString fromCodePoint(char32_t c) {
    return QString::fromUcs4(&c, 1);
}

bool isMarker(QChar c) {
    return c == kHighlightOpen || c == kHighlightClose;
}

void ftsTextFunction(sqlite3_context* context, int argc, sqlite3_value** argv) {
    if (argc != 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(context);
        return;
    }
    const auto* bytes = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    const int length = sqlite3_value_bytes(argv[0]);
    const QByteArray out = ftsText(QString::fromUtf8(bytes, length)).toUtf8();
    sqlite3_result_text(context, out.constData(), int(out.size()), SQLITE_TRANSIENT);
}

}  // namespace

bool isCjk(char32_t c) {
    return (c >= 0x3040 && c <= 0x30FF)        // Hiragana, Katakana
           || (c >= 0x3100 && c <= 0x312F)     // Bopomofo
           || (c >= 0x3400 && c <= 0x4DBF)     // CJK Extension A
           || (c >= 0x4E00 && c <= 0x9FFF)     // CJK Unified Ideographs
           || (c >= 0xAC00 && c <= 0xD7AF)     // Hangul syllables
           || (c >= 0xF900 && c <= 0xFAFF)     // CJK compatibility ideographs
           || (c >= 0xFF66 && c <= 0xFF9F)     // half-width Katakana
           || (c >= 0x20000 && c <= 0x3134F);  // Extensions B..G
}

QString ftsText(const QString& text) {
    QString out;
    out.reserve(text.size() + text.size() / 4);
    bool previousCjk = false;
    for (char32_t c : QStringView(text).toUcs4()) {
        const bool cjk = isCjk(c);
        if ((cjk || previousCjk) && !out.isEmpty() && !out.back().isSpace())
            out.append(QLatin1Char(' '));
        out.append(fromCodePoint(c));
        previousCjk = cjk;
    }
    return out;
}

QString ftsQuery(const QString& userText) {
    const QStringList chunks =
        userText.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    const bool typingLastWord = !userText.isEmpty() && !userText.back().isSpace();
    QStringList terms;
    for (int i = 0; i < chunks.size(); ++i) {
        QString chunk = chunks[i];
        bool prefix = typingLastWord && i == chunks.size() - 1;
        while (chunk.endsWith(QLatin1Char('*'))) {
            chunk.chop(1);
            prefix = true;
        }
        // Only letters and digits make tokens; a chunk without any would be an empty
        // phrase, which FTS5 rejects.
        bool searchable = false;
        for (QChar c : chunk)
            searchable = searchable || c.isLetterOrNumber();
        if (!searchable) continue;
        QString quoted = ftsText(chunk);
        quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        terms.append(QLatin1Char('"') + quoted + QLatin1Char('"') +
                     (prefix ? QStringLiteral("*") : QString()));
    }
    return terms.join(QLatin1Char(' '));
}

QString unspaceSnippet(const QString& snippet) {
    // Drop a space when the nearest non-marker characters on both sides include a CJK
    // character: ftsText() put it there.
    const QList<uint> ucs = snippet.toUcs4();
    auto neighbourIsCjk = [&](qsizetype from, int step) {
        for (qsizetype j = from; j >= 0 && j < ucs.size(); j += step) {
            const QChar c = ucs[j] <= 0xFFFF ? QChar(char16_t(ucs[j])) : QChar();
            if (ucs[j] <= 0xFFFF && isMarker(c)) continue;
            return isCjk(ucs[j]);
        }
        return false;
    };
    QString out;
    for (qsizetype i = 0; i < ucs.size(); ++i) {
        if (ucs[i] == ' ' && (neighbourIsCjk(i - 1, -1) || neighbourIsCjk(i + 1, 1))) continue;
        out.append(fromCodePoint(ucs[i]));
    }
    return out;
}

void registerFtsFunctions(sqlite3* db) {
    sqlite3_create_function(db, "hearth_fts_text", 1,
                            SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                            &ftsTextFunction, nullptr, nullptr);
}

}  // namespace hearth::store::detail
