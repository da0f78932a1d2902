#include "core/playground/dataset_import.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QStringDecoder>

namespace hearth::playground {

namespace {

QByteArray withoutBom(const QByteArray& bytes) {
    return bytes.startsWith("\xEF\xBB\xBF") ? bytes.mid(3) : bytes;
}

QString sha256Hex(const QByteArray& bytes) {
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

bool decodeUtf8(const QByteArray& bytes, QString* out) {
    QStringDecoder decoder(QStringDecoder::Utf8);
    *out = decoder.decode(bytes);
    return !decoder.hasError();
}

// One CSV record read from `data` starting at `pos`.
struct CsvRecord {
    QVector<QByteArray> fields;
    QString error;       // non-empty: malformed
    qsizetype next = 0;  // where the following record starts
    int linesSpanned = 1;
};

// Reads one record. On a malformed one, `next` is the start of the next physical line
// after the record's first line, so the caller resumes there.
CsvRecord readRecord(const QByteArray& data, qsizetype pos) {
    CsvRecord r;
    const qsizetype n = data.size();
    auto firstLineEnd = [&] {
        const qsizetype nl = data.indexOf('\n', pos);
        return nl < 0 ? n : nl + 1;
    };
    QByteArray field;
    qsizetype i = pos;
    while (true) {
        if (i < n && data[i] == '"') {  // quoted field
            ++i;
            bool closed = false;
            while (i < n) {
                const char c = data[i];
                if (c == '"') {
                    if (i + 1 < n && data[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    closed = true;
                    break;
                }
                if (c == '\n') ++r.linesSpanned;
                field += c;
                ++i;
            }
            if (!closed) {
                r.error = QStringLiteral("unterminated quoted field");
                r.next = firstLineEnd();
                return r;
            }
            if (i < n && data[i] != ',' && data[i] != '\n' &&
                !(data[i] == '\r' && (i + 1 == n || data[i + 1] == '\n'))) {
                r.error = QStringLiteral("unexpected character after a closing quote");
                r.next = firstLineEnd();
                return r;
            }
        } else {  // unquoted field: up to ',' or the line end
            while (i < n && data[i] != ',' && data[i] != '\n') {
                if (data[i] == '\r' && (i + 1 == n || data[i + 1] == '\n')) break;
                if (data[i] == '"') {
                    r.error = QStringLiteral("quote inside an unquoted field");
                    r.next = firstLineEnd();
                    return r;
                }
                field += data[i++];
            }
        }
        r.fields.append(field);
        field.clear();
        if (i < n && data[i] == ',') {
            ++i;
            continue;
        }
        if (i < n && data[i] == '\r') ++i;
        if (i < n && data[i] == '\n') ++i;
        r.next = i;
        return r;
    }
}

}  // namespace

DatasetImport parseCsv(const QByteArray& raw) {
    DatasetImport out;
    out.sha256 = sha256Hex(raw);
    const QByteArray data = withoutBom(raw);
    qsizetype pos = 0;
    int line = 1;
    bool haveHeader = false;
    while (pos < data.size()) {
        const CsvRecord r = readRecord(data, pos);
        const int recordLine = line;
        const bool blank = r.error.isEmpty() && r.fields.size() == 1 && r.fields[0].isEmpty();
        if (!r.error.isEmpty()) {
            // Resume on the next physical line (readRecord set r.next there).
            line += 1;
            pos = r.next;
            if (!haveHeader) {
                out.fatal = QStringLiteral("line %1: header: %2").arg(recordLine).arg(r.error);
                return out;
            }
            out.errors.append({recordLine, r.error});
            continue;
        }
        line += r.linesSpanned;
        pos = r.next;
        if (blank) continue;

        QStringList fields;
        bool utf8 = true;
        for (const QByteArray& f : r.fields) {
            QString text;
            utf8 = utf8 && decodeUtf8(f, &text);
            fields.append(text);
        }
        if (!haveHeader) {
            if (!utf8) {
                out.fatal = QStringLiteral("line %1: header is not valid UTF-8").arg(recordLine);
                return out;
            }
            for (QString& name : fields) {
                name = name.trimmed();
                if (name.isEmpty()) {
                    out.fatal =
                        QStringLiteral("line %1: header has an empty column name").arg(recordLine);
                    return out;
                }
                if (out.columns.contains(name)) {
                    out.fatal = QStringLiteral("line %1: header repeats column '%2'")
                                    .arg(recordLine)
                                    .arg(name);
                    return out;
                }
                out.columns.append(name);
            }
            haveHeader = true;
            continue;
        }
        if (!utf8) {
            out.errors.append({recordLine, QStringLiteral("not valid UTF-8")});
            continue;
        }
        if (fields.size() != out.columns.size()) {
            out.errors.append({recordLine, QStringLiteral("expected %1 fields, found %2")
                                               .arg(out.columns.size())
                                               .arg(fields.size())});
            continue;
        }
        QJsonObject row;
        for (qsizetype k = 0; k < fields.size(); ++k)
            row.insert(out.columns[k], fields[k]);
        out.rows.append(row);
        out.rowLines.append(recordLine);
    }
    if (!haveHeader) out.fatal = QStringLiteral("the file is empty (no header line)");
    return out;
}

DatasetImport parseJsonl(const QByteArray& raw) {
    DatasetImport out;
    out.sha256 = sha256Hex(raw);
    const QList<QByteArray> lines = withoutBom(raw).split('\n');
    for (qsizetype k = 0; k < lines.size(); ++k) {
        const int lineNumber = int(k + 1);
        const QByteArray line = lines[k].trimmed();
        if (line.isEmpty()) continue;
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError) {
            out.errors.append(
                {lineNumber, QStringLiteral("not valid JSON: ") + error.errorString()});
            continue;
        }
        if (!doc.isObject()) {
            out.errors.append({lineNumber, QStringLiteral("not a JSON object")});
            continue;
        }
        const QJsonObject row = doc.object();
        for (auto it = row.constBegin(); it != row.constEnd(); ++it)
            if (!out.columns.contains(it.key())) out.columns.append(it.key());
        out.rows.append(row);
        out.rowLines.append(lineNumber);
    }
    if (out.rows.isEmpty() && out.errors.isEmpty())
        out.fatal = QStringLiteral("the file has no rows");
    return out;
}

DatasetImport importDatasetFile(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        DatasetImport out;
        out.fatal = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return out;
    }
    const QByteArray bytes = file.readAll();
    const QString suffix = QFileInfo(path).suffix().toLower();
    return suffix == QLatin1String("jsonl") || suffix == QLatin1String("ndjson") ? parseJsonl(bytes)
                                                                                 : parseCsv(bytes);
}

}  // namespace hearth::playground
