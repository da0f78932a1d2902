// Dataset import: CSV per RFC 4180 (quotes, doubled quotes, quoted newlines, CRLF, BOM)
// and JSONL; malformed rows reported with their line numbers while the rest imports.
#include <QTemporaryDir>
#include <QTest>

#include "core/playground/dataset_import.h"
#include "core/playground/playground_store.h"

using namespace hearth;
using namespace hearth::playground;

class TestPlaygroundDataset : public QObject {
    Q_OBJECT

    static QString at(const DatasetImport& d, int row, const char* column) {
        return d.rows[row].value(QLatin1String(column)).toString();
    }

private Q_SLOTS:
    void csvRfc4180() {
        const QByteArray csv =
            "name,text,expected\r\n"
            "plain,hello,x\r\n"
            "\"quoted, comma\",\"say \"\"hi\"\"\",y\r\n"
            "multi,\"line one\r\nline two\nline three\",z\r\n"
            "empty,,\r\n"
            "last,no newline at end,w";
        const DatasetImport d = parseCsv(csv);
        QVERIFY2(d.fatal.isEmpty(), qPrintable(d.fatal));
        QVERIFY(d.errors.isEmpty());
        QCOMPARE(d.columns, (QStringList{QStringLiteral("name"), QStringLiteral("text"),
                                         QStringLiteral("expected")}));
        QCOMPARE(d.rows.size(), 5);
        QCOMPARE(at(d, 1, "name"), QStringLiteral("quoted, comma"));
        QCOMPARE(at(d, 1, "text"), QStringLiteral("say \"hi\""));
        QCOMPARE(at(d, 2, "text"), QStringLiteral("line one\r\nline two\nline three"));
        QCOMPARE(at(d, 3, "text"), QString());
        QCOMPARE(at(d, 4, "text"), QStringLiteral("no newline at end"));
        // Lines where each row starts: the quoted newlines push the later rows down.
        QCOMPARE(d.rowLines, (QVector<int>{2, 3, 4, 7, 8}));
    }

    void csvWithAndWithoutBomAreTheSame() {
        const QByteArray body = "city,expected\nZürich,CH\n東京,JP\n";
        const DatasetImport plain = parseCsv(body);
        const DatasetImport bom = parseCsv("\xEF\xBB\xBF" + body);
        QCOMPARE(bom.columns, plain.columns);
        QCOMPARE(bom.columns.first(), QStringLiteral("city"));  // no U+FEFF glued on
        QCOMPARE(bom.rows, plain.rows);
        QCOMPARE(at(bom, 1, "city"), QStringLiteral("東京"));
        QVERIFY(bom.sha256 != plain.sha256);  // hashes the file as it is
    }

    void csvMalformedRowsAreReportedAndSkipped() {
        const QByteArray csv =
            "a,b\n"         // 1
            "1,2\n"         // 2 ok
            "3\n"           // 3 too few fields
            "4,5,6\n"       // 4 too many
            "x\"y,7\n"      // 5 quote inside an unquoted field
            "\"ab\"c,8\n"   // 6 text after a closing quote
            "9,\xFF\xFE\n"  // 7 invalid UTF-8
            "10,11\n"       // 8 ok
            "\n"            // 9 blank: skipped silently
            "\"open,12\n"   // 10 quote never closed
            "13,14\n";      // 11 ok: parsing resumed after line 10
        const DatasetImport d = parseCsv(csv);
        QVERIFY2(d.fatal.isEmpty(), qPrintable(d.fatal));
        QCOMPARE(d.rows.size(), 3);
        QCOMPARE(at(d, 0, "a"), QStringLiteral("1"));
        QCOMPARE(at(d, 1, "a"), QStringLiteral("10"));
        QCOMPARE(at(d, 2, "b"), QStringLiteral("14"));
        QCOMPARE(d.rowLines, (QVector<int>{2, 8, 11}));
        QVector<int> lines;
        for (const RowError& e : d.errors)
            lines << e.line;
        QCOMPARE(lines, (QVector<int>{3, 4, 5, 6, 7, 10}));
        QVERIFY(d.errors[0].message.contains(QLatin1String("expected 2 fields, found 1")));
        QVERIFY(d.errors[4].message.contains(QLatin1String("UTF-8")));
        QVERIFY(d.errors[5].message.contains(QLatin1String("unterminated")));
    }

    void csvBadHeaderIsFatal() {
        QVERIFY(parseCsv("").fatal.contains(QLatin1String("empty")));
        QVERIFY(parseCsv("a,,b\n1,2,3\n").fatal.contains(QLatin1String("empty column name")));
        QVERIFY(parseCsv("a,a\n1,2\n").fatal.contains(QLatin1String("repeats column 'a'")));
    }

    void jsonl() {
        const QByteArray jsonl =
            "\xEF\xBB\xBF{\"q\": \"one\", \"expected\": \"1\"}\n"       // 1
            "\n"                                                        // 2 blank
            "{\"q\": \"two\", \"n\": 2, \"extra\": {\"k\": true}}\r\n"  // 3
            "not json\n"                                                // 4
            "[1, 2]\n"                                                  // 5
            "{\"q\": \"three\"}";                                       // 6
        const DatasetImport d = parseJsonl(jsonl);
        QVERIFY(d.fatal.isEmpty());
        QCOMPARE(d.rows.size(), 3);
        QCOMPARE(d.rowLines, (QVector<int>{1, 3, 6}));
        QCOMPARE(d.columns, (QStringList{QStringLiteral("expected"), QStringLiteral("q"),
                                         QStringLiteral("extra"), QStringLiteral("n")}));
        QCOMPARE(d.rows[1].value(QStringLiteral("n")).toInt(), 2);
        QCOMPARE(d.errors.size(), 2);
        QCOMPARE(d.errors[0].line, 4);
        QVERIFY(d.errors[0].message.contains(QLatin1String("not valid JSON")));
        QCOMPARE(d.errors[1].line, 5);
        QVERIFY(d.errors[1].message.contains(QLatin1String("not a JSON object")));
    }

    void fileImportByExtensionAndStoredOnce() {
        QTemporaryDir dir;
        const QString csvPath = dir.filePath(QStringLiteral("d.csv"));
        const QString jsonlPath = dir.filePath(QStringLiteral("d.jsonl"));
        QFile csv(csvPath), jsonl(jsonlPath);
        QVERIFY(csv.open(QIODevice::WriteOnly) && csv.write("q\nhi\n") > 0);
        QVERIFY(jsonl.open(QIODevice::WriteOnly) && jsonl.write("{\"q\":\"hi\"}\n") > 0);
        csv.close();
        jsonl.close();
        QCOMPARE(importDatasetFile(csvPath).rows.size(), 1);
        QCOMPARE(importDatasetFile(jsonlPath).rows.size(), 1);
        QVERIFY(importDatasetFile(dir.filePath(QStringLiteral("missing.csv")))
                    .fatal.contains(QLatin1String("cannot read")));

        auto db = store::StoreDatabase::open(dir.filePath(QStringLiteral("h.db")));
        const DatasetImport data = importDatasetFile(csvPath);
        const store::DatasetRecord first = storeDataset(*db, QStringLiteral("d.csv"), data);
        const store::DatasetRecord again = storeDataset(*db, QStringLiteral("d.csv"), data);
        QCOMPARE(again.id, first.id);
        QCOMPARE(db->datasets().size(), 1);
        QCOMPARE(db->datasetRows(first.id).size(), 1);
        QCOMPARE(db->datasets()[0].sourceSha256, data.sha256);
    }
};

QTEST_GUILESS_MAIN(TestPlaygroundDataset)
#include "test_playground_dataset.moc"
