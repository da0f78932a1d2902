// Crash safety: a child process (this executable, re-run with --crash-child) streams a long
// reply into the store and reports each delta on its stdout pipe; the test kills it with
// SIGKILL at a random moment, 50 times over the same database. After each kill:
//   - PRAGMA integrity_check is "ok";
//   - every message committed by earlier children is intact;
//   - the saved partial reply is an exact prefix of what was streamed and is at most 32
//     deltas and 500 ms behind what the child reported.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "core/store/store_database.h"
#include "store_test_util.h"

using namespace hearth::store;
using namespace hearth::store::test;

namespace {

constexpr int kIterations = 50;
constexpr qint64 kSlackMs = 50;  // between a delta's write check and its report

QString deltaText(int n) {
    return QStringLiteral("t%1 ").arg(n, 5, 10, QLatin1Char('0'));
}

qint64 monotonicNowMs() {
    // CLOCK_MONOTONIC: the same clock in every process on the machine.
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

// The child: open (which marks the previous child's reply interrupted), add a user message,
// stream deltas until killed. Slow mode streams one delta per 25 ms so the 500 ms rule is
// what bounds the loss; fast mode one per ~1 ms so the 32-delta rule does.
int runChild(const QString& path, int iteration, bool slow) {
    try {
        auto db = StoreDatabase::open(path);
        auto list = db->listConversations();
        const Id conversation =
            list.isEmpty() ? db->createConversation(QStringLiteral("crash")).id : list[0].id;
        const auto branch = db->branch(conversation);
        const Id parent = branch.isEmpty() ? 0 : branch.last().message.id;
        const auto user = db->appendMessage(
            userMessage(conversation, parent, QStringLiteral("iteration %1").arg(iteration)));
        std::printf("user %lld\n", static_cast<long long>(user.id));
        const auto reply = db->startReply(replyTo(conversation, user.id));
        std::printf("reply %lld\n", static_cast<long long>(reply.id));
        std::fflush(stdout);
        QElapsedTimer runtime;
        runtime.start();
        for (int n = 1; runtime.elapsed() < 60'000; ++n) {
            db->appendDelta(reply.id, deltaText(n));
            std::printf("d %d %lld\n", n, static_cast<long long>(monotonicNowMs()));
            std::fflush(stdout);
            // Like the Store's timer: keep flushing while waiting for the next delta.
            const int waitMs = slow ? 25 : 1;
            for (int waited = 0; waited < waitMs; waited += 5) {
                db->flushDueReplies();
                QThread::msleep(qMin(5, waitMs));
            }
        }
    } catch (const StoreException& e) {
        std::fprintf(stderr, "child: %s\n", qPrintable(e.error().message));
        return 1;
    }
    return 0;
}

}  // namespace

class TestStoreCrash : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void killedWritersNeverCorruptOrLoseCommittedData() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("crash.db"));
        const quint32 seed = QRandomGenerator::global()->generate();
        qInfo("seed %u", seed);
        QRandomGenerator random(seed);
        QMap<Id, QString> committed;  // message id -> content every later check must see
        QElapsedTimer total;
        total.start();

        for (int iteration = 0; iteration < kIterations; ++iteration) {
            const bool slow = iteration % 2 == 1;
            QProcess child;
            child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
            child.start(QCoreApplication::applicationFilePath(),
                        {QStringLiteral("--crash-child"), path, QString::number(iteration),
                         slow ? QStringLiteral("slow") : QStringLiteral("fast")});
            QVERIFY2(child.waitForStarted(10'000), qPrintable(child.errorString()));

            // Wait for the reply to exist, then let it stream for a random while.
            QByteArray output;
            QElapsedTimer wait;
            wait.start();
            while (!output.contains("reply ") && wait.elapsed() < 20'000) {
                child.waitForReadyRead(100);
                output += child.readAllStandardOutput();
                QVERIFY2(child.state() == QProcess::Running, output.constData());
            }
            QVERIFY2(output.contains("reply "), "child never started its reply");
            const int streamMs = int(random.bounded(20, slow ? 900 : 250));
            QElapsedTimer streaming;
            streaming.start();
            while (streaming.elapsed() < streamMs) {
                child.waitForReadyRead(5);
                output += child.readAllStandardOutput();
            }
            child.kill();  // SIGKILL
            QVERIFY(child.waitForFinished(10'000));
            output += child.readAllStandardOutput();
            QCOMPARE(child.exitStatus(), QProcess::CrashExit);

            // Parse the child's report.
            Id userId = 0, replyId = 0;
            int reported = 0;
            qint64 lastReportMs = 0;
            QMap<int, qint64> reportedAt;
            for (const QByteArray& line : output.split('\n')) {
                const QList<QByteArray> f = line.split(' ');
                if (f.size() == 2 && f[0] == "user") userId = f[1].toLongLong();
                if (f.size() == 2 && f[0] == "reply") replyId = f[1].toLongLong();
                if (f.size() == 3 && f[0] == "d") {
                    reported = f[1].toInt();
                    lastReportMs = f[2].toLongLong();
                    reportedAt.insert(reported, lastReportMs);
                }
            }
            QVERIFY(userId > 0 && replyId > 0);

            // Check the file before anything repairs it.
            QVERIFY2(StoreDatabase::inspect(path).ok(),
                     qPrintable(StoreDatabase::inspect(path).message));
            auto db = StoreDatabase::open(path, StoreDatabase::OpenMode::ReadOnly);
            QCOMPARE(db->integrityCheck(), QStringLiteral("ok"));
            for (auto it = committed.cbegin(); it != committed.cend(); ++it)
                QCOMPARE(db->message(it.key()).content, it.value());
            QCOMPARE(db->message(userId).content, QStringLiteral("iteration %1").arg(iteration));

            const MessageRecord reply = db->message(replyId);
            QCOMPARE(reply.finish, FinishReason::Streaming);  // until the next open
            const int persisted = int(reply.content.count(QLatin1Char(' ')));
            QString expected;
            for (int n = 1; n <= persisted; ++n)
                expected += deltaText(n);
            QCOMPARE(reply.content, expected);  // an exact prefix, nothing torn
            QVERIFY2(
                persisted <= reported + 1,
                qPrintable(
                    QStringLiteral("persisted %1 > reported %2").arg(persisted).arg(reported)));
            QVERIFY2(reported - persisted <= StoreDatabase::kFlushEveryDeltas,
                     qPrintable(QStringLiteral("iteration %1: %2 deltas behind")
                                    .arg(iteration)
                                    .arg(reported - persisted)));
            // Every delta reported more than 500 ms before the child's last report is saved.
            for (auto it = reportedAt.cbegin(); it != reportedAt.cend(); ++it) {
                if (it.value() <= lastReportMs - StoreDatabase::kFlushEveryMs - kSlackMs)
                    QVERIFY2(it.key() <= persisted,
                             qPrintable(QStringLiteral("iteration %1: delta %2 reported %3 ms "
                                                       "before the end is not on disk (%4 are)")
                                            .arg(iteration)
                                            .arg(it.key())
                                            .arg(lastReportMs - it.value())
                                            .arg(persisted)));
            }
            committed.insert(userId, db->message(userId).content);
            committed.insert(replyId, reply.content);
        }
        // The last reply is marked interrupted by the next read-write open.
        auto db = StoreDatabase::open(path);
        QCOMPARE(db->message(committed.lastKey()).finish, FinishReason::Interrupted);
        QCOMPARE(db->integrityCheck(), QStringLiteral("ok"));
        qInfo("%d kills in %lld ms", kIterations, total.elapsed());
    }
};

int main(int argc, char** argv) {
    if (argc == 5 && std::strcmp(argv[1], "--crash-child") == 0) {
        QCoreApplication app(argc, argv);
        return runChild(QString::fromLocal8Bit(argv[2]), std::atoi(argv[3]),
                        std::strcmp(argv[4], "slow") == 0);
    }
    QCoreApplication app(argc, argv);
    TestStoreCrash test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_store_crash.moc"
