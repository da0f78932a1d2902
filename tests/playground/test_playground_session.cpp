// PlaygroundSession on its own worker thread, as the Playground page runs it: a run on the
// real tiny model (tests/data/models/stories260K.gguf) is prepared, runs and finishes with
// every signal emitted on the worker thread (the caller's thread only receives queued
// values); the run's cells exported as CSV there; running the same order again from a fresh session
// keeps the stored template version (no new one for the same content) and runs a new, complete run;
// a database that cannot be opened is reported through failed(), not thrown.
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <atomic>

#include "core/playground/playground_session.h"
#include "core/playground/playground_targets.h"

using namespace hearth;
using namespace hearth::playground;

namespace {

const QString kModel = QStringLiteral(HEARTH_TEST_DATA_DIR "/models/stories260K.gguf");

// A session on a started worker thread; deleted there when the thread stops.
struct WorkerSession {
    QThread thread;
    PlaygroundSession* session;
    explicit WorkerSession(const QString& path) : session(new PlaygroundSession(path)) {
        session->moveToThread(&thread);
        thread.start();
    }
    ~WorkerSession() {
        session->deleteLater();
        thread.quit();
        thread.wait();
    }
    void start(const RunOrder& order) {
        QMetaObject::invokeMethod(
            session, [s = session, order] { s->start(order); }, Qt::QueuedConnection);
    }
};

// What the receiving (test) thread saw, and the threads the signals were emitted on.
struct Seen {
    QVector<PreparedRun> prepared;
    QStringList failures;
    int cellsFinished = 0;
    QVector<store::RunStatus> finished;
    QVector<TargetSummary> lastSummary;
    QStringList exported, exportFailures;
    std::atomic<int> offWorker{0};  // signals emitted on another thread than the worker's
};

void watch(WorkerSession& w, Seen& seen, QObject* receiver) {
    PlaygroundSession* s = w.session;
    QThread* worker = &w.thread;
    auto onWorker = [&seen, worker] {
        if (QThread::currentThread() != worker) ++seen.offWorker;
    };
    QObject::connect(s, &PlaygroundSession::prepared, s, onWorker, Qt::DirectConnection);
    QObject::connect(s, &PlaygroundSession::cellFinished, s, onWorker, Qt::DirectConnection);
    QObject::connect(s, &PlaygroundSession::finished, s, onWorker, Qt::DirectConnection);
    QObject::connect(s, &PlaygroundSession::failed, s, onWorker, Qt::DirectConnection);
    QObject::connect(s, &PlaygroundSession::prepared, receiver,
                     [&seen](const PreparedRun& run) { seen.prepared << run; });
    QObject::connect(s, &PlaygroundSession::failed, receiver,
                     [&seen](const QString& error) { seen.failures << error; });
    QObject::connect(s, &PlaygroundSession::cellFinished, receiver,
                     [&seen](const store::RunResultRecord&, const QVector<TargetSummary>& summary) {
                         ++seen.cellsFinished;
                         seen.lastSummary = summary;
                     });
    QObject::connect(s, &PlaygroundSession::exported, receiver,
                     [&seen](const QString& path, int) { seen.exported << path; });
    QObject::connect(s, &PlaygroundSession::requestFailed, receiver,
                     [&seen](const QString& error) { seen.exportFailures << error; });
    QObject::connect(s, &PlaygroundSession::finished, receiver,
                     [&seen](store::RunStatus status) { seen.finished << status; });
}

RunOrder storiesOrder() {
    RunOrder order;
    order.tmpl.name = QStringLiteral("session");
    order.tmpl.userPrompt = QStringLiteral("Tell me about {{topic}}.");
    order.tmpl.parameters.insert(QStringLiteral("max_tokens"), 4);
    order.tmpl.parameters.insert(QStringLiteral("temperature"), 0);
    order.tmpl.assertions = QJsonArray{QJsonObject{
        {QStringLiteral("type"), QStringLiteral("max_length")}, {QStringLiteral("max"), 5000}}};
    order.datasetName = QStringLiteral("rows.csv");
    order.dataset = parseCsv("topic\nthe sea\na fox\nthe moon\n");
    order.targets = {kModel};
    TargetSpec spec;
    QString error;
    if (!targetSpecFor(kModel, &spec, &error)) qFatal("target spec: %s", qPrintable(error));
    order.specs = {spec};
    return order;
}

}  // namespace

class TestPlaygroundSession : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void runsOnTheWorkerThreadThenAgainOnTheSameVersion() {
        QVERIFY2(QFile::exists(kModel), qPrintable(kModel));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = dir.filePath(QStringLiteral("hearth.db"));
        const QString csv = dir.filePath(QStringLiteral("results.csv"));
        const RunOrder order = storiesOrder();
        QCOMPARE(order.dataset.rows.size(), 3);
        {
            WorkerSession w(db);
            Seen seen;
            watch(w, seen, this);
            // Nothing to export before a run.
            QMetaObject::invokeMethod(
                w.session, [s = w.session, csv] { s->exportResults(csv); }, Qt::QueuedConnection);
            w.start(order);
            QTRY_COMPARE_WITH_TIMEOUT(seen.finished.size(), 1, 60000);
            QCOMPARE(seen.exportFailures.size(), 1);
            QCOMPARE(seen.failures, QStringList());
            QCOMPARE(seen.finished[0], store::RunStatus::Done);
            QCOMPARE(seen.prepared.size(), 1);
            const PreparedRun& run = seen.prepared[0];
            QCOMPARE(run.templateName, QStringLiteral("session"));
            QCOMPARE(run.version, 1);
            QCOMPARE(run.rows.size(), 3);
            QCOMPARE(run.inputs, (QStringList{QStringLiteral("Tell me about the sea."),
                                              QStringLiteral("Tell me about a fox."),
                                              QStringLiteral("Tell me about the moon.")}));
            QVERIFY(run.stored.isEmpty());
            QCOMPARE(seen.cellsFinished, 3);
            QCOMPARE(seen.lastSummary.size(), 1);
            QCOMPARE(seen.lastSummary[0].cells, 3);
            QCOMPARE(seen.lastSummary[0].passed, 3);
            QCOMPARE(seen.offWorker.load(), 0);

            // The run's cells as CSV, written on the worker: a header and one line per cell.
            QMetaObject::invokeMethod(
                w.session, [s = w.session, csv] { s->exportResults(csv); }, Qt::QueuedConnection);
            QTRY_COMPARE(seen.exported, QStringList{csv});
            QFile f(csv);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
            QCOMPARE(lines.size(), 4);
            QVERIFY(lines[0].startsWith("row,target,output"));
            QVERIFY(lines[1].startsWith("0," + kModel.toUtf8() + ','));
        }
        {
            // A fresh session on the same file: same template version; the finished run is
            // not resumed (only unfinished ones are), a new one runs every cell.
            WorkerSession w(db);
            Seen seen;
            watch(w, seen, this);
            w.start(order);
            QTRY_COMPARE_WITH_TIMEOUT(seen.finished.size(), 1, 60000);
            QCOMPARE(seen.prepared.size(), 1);
            QCOMPARE(seen.prepared[0].version, 1);
            QVERIFY(seen.prepared[0].stored.isEmpty());
            QCOMPARE(seen.finished[0], store::RunStatus::Done);
            QCOMPARE(seen.cellsFinished, 3);
            QCOMPARE(seen.lastSummary.value(0).cells, 3);
            QCOMPARE(seen.offWorker.load(), 0);
        }
    }

    void unopenableDatabaseIsReported() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        // A directory where the database file should be: it cannot be opened.
        WorkerSession w(dir.path());
        Seen seen;
        watch(w, seen, this);
        w.start(storiesOrder());
        QTRY_COMPARE(seen.failures.size(), 1);
        QVERIFY(!seen.failures[0].isEmpty());
        QVERIFY(seen.prepared.isEmpty());
        QVERIFY(seen.finished.isEmpty());
        QCOMPARE(seen.offWorker.load(), 0);
    }
};

QTEST_GUILESS_MAIN(TestPlaygroundSession)
#include "test_playground_session.moc"
