#pragma once
// Dataset files for the playground: CSV (RFC 4180: comma-separated, fields optionally in
// double quotes, "" for a quote inside them, quoted fields may span lines; CRLF or LF line
// ends; UTF-8 with or without a byte-order mark; the first record is the header) and JSONL
// (one JSON object per line; blank lines skipped; the columns are the union of the keys,
// in order of first appearance). Each column becomes a template variable; a column named
// `expected` is what similarity assertions compare with.
//
// A bad row (wrong field count, stray quote, unterminated quote, invalid UTF-8, a line that
// is not a JSON object) is reported with its line number and skipped; the rest imports. A
// CSV quote left open is reported at the line where it opened and parsing resumes on the
// next line, so one typo costs one row, not the rest of the file.
#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

namespace hearth::playground {

inline const QString kExpectedColumn = QStringLiteral("expected");

struct RowError {
    int line = 0;  // 1-based line in the file where the bad row starts
    QString message;
};

struct DatasetImport {
    QString fatal;  // non-empty: nothing imported (unreadable file, bad header, ...)
    QStringList columns;
    QVector<QJsonObject> rows;
    QVector<int> rowLines;  // line where each imported row starts
    QVector<RowError> errors;
    QString sha256;  // of the file bytes, so the same file maps to the same stored dataset
};

DatasetImport parseCsv(const QByteArray& bytes);
DatasetImport parseJsonl(const QByteArray& bytes);
// By extension: .jsonl / .ndjson -> JSONL, anything else -> CSV.
DatasetImport importDatasetFile(const QString& path);

}  // namespace hearth::playground
