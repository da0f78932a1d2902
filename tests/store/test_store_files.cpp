// Damaged and foreign files: open refuses with a typed error and never changes a byte;
// read-only open and "move aside and start fresh" are the two ways out.
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "core/store/store_database.h"
#include "store_test_util.h"

using namespace hearth::store;
using namespace hearth::store::test;

class TestStoreFiles : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

    // A real store with a few pages of content, closed and checkpointed into one file.
    QByteArray healthyDatabase() {
        const QString path = dir_.filePath(QStringLiteral("healthy.db"));
        if (!QFile::exists(path)) {
            auto db = StoreDatabase::open(path);
            const auto c = db->createConversation(QStringLiteral("healthy"));
            Id parent = 0;
            for (int i = 0; i < 200; ++i)
                parent = db
                             ->appendMessage(userMessage(
                                 c.id, parent, QStringLiteral("message %1 ").arg(i).repeated(20)))
                             .id;
            QSqlQuery(db->connection()).exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
            QSqlQuery(db->connection()).exec(QStringLiteral("PRAGMA journal_mode = DELETE"));
        }
        return fileBytes(path);
    }

    void expectRefused(const QByteArray& bytes, StoreError::Kind kind) {
        const QString path =
            dir_.filePath(QStringLiteral("bad-%1.db").arg(QRandomGenerator::global()->generate()));
        writeFile(path, bytes);
        const QStringList before = QDir(dir_.path()).entryList(QDir::Files);
        const StoreError inspected = StoreDatabase::inspect(path);
        QVERIFY2(inspected.kind == kind,
                 qPrintable(StoreError::kindName(inspected.kind) + ": " + inspected.message));
        try {
            StoreDatabase::open(path);
            QFAIL("a bad file was opened read-write");
        } catch (const StoreException& e) {
            QCOMPARE(e.error().kind, kind);
            QVERIFY(!e.error().message.isEmpty());
        }
        QCOMPARE(fileBytes(path), bytes);                            // byte-identical
        QCOMPARE(QDir(dir_.path()).entryList(QDir::Files), before);  // no -wal, -shm, journal
    }

private Q_SLOTS:
    void randomBytesAreNotADatabase() {
        QByteArray bytes(64 * 1024, Qt::Uninitialized);
        QRandomGenerator gen(1234);
        for (auto& b : bytes)
            b = char(gen.generate());
        expectRefused(bytes, StoreError::Kind::NotADatabase);
    }

    void textFileIsNotADatabase() {
        expectRefused(QByteArray("{\"this\": \"is json, not sqlite\"}\n"),
                      StoreError::Kind::NotADatabase);
    }

    void truncatedDatabaseIsCorrupt_data() {
        QTest::addColumn<int>("keep");
        QTest::newRow("half a header") << 50;
        QTest::newRow("odd size") << 4096 * 3 + 17;
        QTest::newRow("missing pages") << 4096 * 3;
    }
    void truncatedDatabaseIsCorrupt() {
        QFETCH(int, keep);
        const QByteArray healthy = healthyDatabase();
        QVERIFY(healthy.size() > 4096 * 8);
        expectRefused(healthy.left(keep), StoreError::Kind::Corrupt);
    }

    void damagedPagesAreCorrupt() {
        QByteArray bytes = healthyDatabase();
        // Scribble over the second half (b-tree pages) but keep the header intact.
        QRandomGenerator gen(99);
        for (qsizetype i = bytes.size() / 2; i < bytes.size(); ++i)
            bytes[i] = char(gen.generate());
        expectRefused(bytes, StoreError::Kind::Corrupt);
    }

    // The page-by-page check is skipped only for a file exactly as our clean close left it.
    void cleanCloseMarkDecidesWhetherPagesAreChecked() {
        const QString path = dir_.filePath(QStringLiteral("marked.db"));
        {
            auto db = StoreDatabase::open(path);
            for (int i = 0; i < 100; ++i)
                db->createConversation(QStringLiteral("conversation %1 ").arg(i).repeated(30));
            QVERIFY(!QFile::exists(path + QStringLiteral(".clean")));  // a crash now: check
        }
        QVERIFY(QFile::exists(path + QStringLiteral(".clean")));
        QVERIFY(StoreDatabase::inspect(path, StoreDatabase::Depth::SkipPagesIfClosedCleanly).ok());

        QByteArray bytes = fileBytes(path);
        const QDateTime closedAt = QFileInfo(path).lastModified();
        QRandomGenerator gen(7);
        for (qsizetype i = bytes.size() / 2; i < bytes.size(); ++i)
            bytes[i] = char(gen.generate());
        writeFile(path, bytes);  // same size, same header, new mtime
        QCOMPARE(StoreDatabase::inspect(path, StoreDatabase::Depth::SkipPagesIfClosedCleanly).kind,
                 StoreError::Kind::Corrupt);
        QVERIFY_THROWS_EXCEPTION(StoreException, StoreDatabase::open(path));
        QCOMPARE(fileBytes(path), bytes);

        // Proof that the skip is real (and its documented limit): with the old mtime restored
        // the cheap path trusts the file, the full check does not.
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.setFileTime(closedAt, QFileDevice::FileModificationTime));
        file.close();
        QVERIFY(StoreDatabase::inspect(path, StoreDatabase::Depth::SkipPagesIfClosedCleanly).ok());
        QCOMPARE(StoreDatabase::inspect(path).kind, StoreError::Kind::Corrupt);
    }

    void newerSchemaIsRefusedButReadableReadOnly() {
        const QString path = dir_.filePath(QStringLiteral("future.db"));
        {
            auto db = StoreDatabase::open(path);
            db->createConversation(QStringLiteral("from the future"));
            QSqlQuery q(db->connection());
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = %1")
                               .arg(StoreDatabase::schemaVersion() + 1)));
            QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode = DELETE")));
        }
        const QByteArray before = fileBytes(path);
        try {
            StoreDatabase::open(path);
            QFAIL("newer schema opened read-write");
        } catch (const StoreException& e) {
            QCOMPARE(e.error().kind, StoreError::Kind::TooNew);
            QVERIFY(
                e.error().message.contains(QString::number(StoreDatabase::schemaVersion() + 1)));
        }
        QCOMPARE(fileBytes(path), before);
        {
            // The offered fallback: read-only, which still shows the conversations.
            auto ro = StoreDatabase::open(path, StoreDatabase::OpenMode::ReadOnly);
            QVERIFY(ro->isReadOnly());
            QCOMPARE(ro->listConversations().size(), 1);
            try {
                ro->createConversation(QStringLiteral("nope"));
                QFAIL("wrote through a read-only store");
            } catch (const StoreException& e) {
                QCOMPARE(e.error().kind, StoreError::Kind::ReadOnly);
            }
        }
        QCOMPARE(fileBytes(path), before);
    }

    void moveAsideThenStartFresh() {
        const QString path = dir_.filePath(QStringLiteral("broken.db"));
        const QByteArray garbage("definitely not a database, but someone's data");
        writeFile(path, garbage);
        QCOMPARE(StoreDatabase::inspect(path).kind, StoreError::Kind::NotADatabase);
        const QString moved = StoreDatabase::moveAside(path);
        QVERIFY(moved.startsWith(path + QStringLiteral(".broken-")));
        QCOMPARE(fileBytes(moved), garbage);
        QVERIFY(!QFile::exists(path));
        auto fresh = StoreDatabase::open(path);
        QCOMPARE(fresh->listConversations().size(), 0);
        QCOMPARE(fresh->userVersion(), StoreDatabase::schemaVersion());
        // A second move in the same second gets a distinct name.
        fresh.reset();
        const QString movedAgain = StoreDatabase::moveAside(path);
        QVERIFY(movedAgain != moved);
    }

    void emptyAndMissingFilesAreFresh() {
        const QString empty = dir_.filePath(QStringLiteral("empty.db"));
        writeFile(empty, {});
        QVERIFY(StoreDatabase::inspect(empty).ok());
        QVERIFY(StoreDatabase::inspect(dir_.filePath(QStringLiteral("absent.db"))).ok());
        QCOMPARE(StoreDatabase::open(empty)->userVersion(), StoreDatabase::schemaVersion());
        QVERIFY_THROWS_EXCEPTION(StoreException,
                                 StoreDatabase::open(dir_.filePath(QStringLiteral("absent2.db")),
                                                     StoreDatabase::OpenMode::ReadOnly));
    }

    void backupRefusesABrokenSource() {
        const QString path = dir_.filePath(QStringLiteral("junk.db"));
        writeFile(path, QByteArray(8192, 'x'));
        try {
            StoreDatabase::backupFile(path, dir_.filePath(QStringLiteral("junk-copy.db")));
            QFAIL("backed up junk");
        } catch (const StoreException& e) {
            QCOMPARE(e.error().kind, StoreError::Kind::NotADatabase);
        }
        QVERIFY(!QFile::exists(dir_.filePath(QStringLiteral("junk-copy.db"))));
    }

    void defaultPathHonoursEnvironment() {
        qputenv("HEARTH_DB", "/tmp/custom/hearth-test.db");
        QCOMPARE(StoreDatabase::defaultPath(), QStringLiteral("/tmp/custom/hearth-test.db"));
        qunsetenv("HEARTH_DB");
        qputenv("XDG_DATA_HOME", "/tmp/xdg-data");
        QCOMPARE(StoreDatabase::defaultPath(), QStringLiteral("/tmp/xdg-data/hearth/hearth.db"));
        qunsetenv("XDG_DATA_HOME");
        QCOMPARE(StoreDatabase::defaultPath(),
                 QDir::homePath() + QStringLiteral("/.local/share/hearth/hearth.db"));
    }
};

QTEST_GUILESS_MAIN(TestStoreFiles)
#include "test_store_files.moc"
