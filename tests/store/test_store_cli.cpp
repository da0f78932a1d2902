// `hearth db backup FILE` end to end, on a database chosen with HEARTH_DB.
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

#include "core/store/store_database.h"
#include "store_test_util.h"

using namespace hearth::store;
using namespace hearth::store::test;

class TestStoreCli : public QObject {
    Q_OBJECT

    int runHearth(const QStringList& args, const QString& db, QByteArray* err = nullptr) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HEARTH_DB"), db);
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(HEARTH_BINARY), args);
        if (!p.waitForFinished(60'000)) return -1;
        if (err) *err = p.readAllStandardError();
        return p.exitCode();
    }

private Q_SLOTS:
    void backupWhileTheStoreIsOpen() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("live.db"));
        auto db = StoreDatabase::open(path);
        const auto c = db->createConversation(QStringLiteral("backed up"));
        const auto reply = db->startReply(replyTo(c.id, 0));
        db->appendDelta(reply.id, QStringLiteral("in flight"));
        db->flushAllReplies();
        const QString copy = dir.filePath(QStringLiteral("copy.db"));
        QByteArray err;
        QCOMPARE(runHearth({QStringLiteral("db"), QStringLiteral("backup"), copy}, path, &err), 0);
        auto restored = StoreDatabase::open(copy, StoreDatabase::OpenMode::ReadOnly);
        QCOMPARE(restored->conversation(c.id).title, QStringLiteral("backed up"));
        QCOMPARE(restored->message(reply.id).content, QStringLiteral("in flight"));
        // The backup did not touch the live reply.
        QCOMPARE(db->message(reply.id).finish, FinishReason::Streaming);
    }

    void usageAndFailures() {
        QTemporaryDir dir;
        QByteArray err;
        QCOMPARE(runHearth({QStringLiteral("db")}, dir.filePath("x.db"), &err), 2);
        QCOMPARE(runHearth({QStringLiteral("db"), QStringLiteral("backup")}, dir.filePath("x.db")),
                 2);
        QCOMPARE(
            runHearth({QStringLiteral("db"), QStringLiteral("frobnicate")}, dir.filePath("x.db")),
            2);
        QCOMPARE(runHearth({QStringLiteral("db"), QStringLiteral("backup"), dir.filePath("out.db")},
                           dir.filePath("missing.db"), &err),
                 1);
        QVERIFY2(err.contains("missing.db"), err.constData());
        writeFile(dir.filePath("junk.db"), QByteArray(4096, 'j'));
        QCOMPARE(runHearth({QStringLiteral("db"), QStringLiteral("backup"), dir.filePath("out.db")},
                           dir.filePath("junk.db"), &err),
                 1);
        QVERIFY(!QFile::exists(dir.filePath("out.db")));
    }
};

QTEST_GUILESS_MAIN(TestStoreCli)
#include "test_store_cli.moc"
