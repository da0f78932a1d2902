// BatchRunner on a real tiny model (tests/data/models/stories260K.gguf, local lane) and a
// fake remote target (remote lanes): cells stored with their figures and assertion
// results, the per-endpoint concurrency limit, a judge assertion, a run aborted mid-way
// resuming without running or duplicating a finished cell, and the export files.
#include <QFile>
#include <QJsonDocument>
#include <QSet>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "core/local/local_target.h"
#include "core/playground/batch_runner.h"
#include "core/playground/dataset_import.h"
#include "core/playground/playground_store.h"
#include "core/playground/run_export.h"
#include "fake_target.h"

using namespace hearth;
using namespace hearth::playground;

namespace {

const QString kModel = QStringLiteral(HEARTH_TEST_DATA_DIR "/models/stories260K.gguf");

}  // namespace

class TestPlaygroundRunner : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::unique_ptr<store::StoreDatabase> db_;
    std::shared_ptr<test::FakeEndpointStats> endpoint_ =
        std::make_shared<test::FakeEndpointStats>();
    int factoryCalls_ = 0;

    TargetFactory factory() {
        return [this](const TargetSpec& spec, QString*) -> std::unique_ptr<Target> {
            ++factoryCalls_;
            if (spec.address.startsWith(QLatin1String("fake://")))
                return std::make_unique<test::FakeTarget>(spec.address, endpoint_);
            return std::make_unique<local::LocalTarget>(spec.address, 1);
        };
    }

    static TargetSpec fake(const QString& name, int limit = 2) {
        TargetSpec s;
        s.address = QStringLiteral("fake://") + name;
        s.local = false;
        s.endpoint = QStringLiteral("fake-endpoint");
        s.maxConcurrent = limit;
        s.pricePer1kInput = 1.0;
        s.pricePer1kOutput = 2.0;
        return s;
    }
    static TargetSpec stories() {
        TargetSpec s;
        s.address = kModel;
        return s;
    }

    static PromptTemplate storyTemplate() {
        PromptTemplate t;
        t.name = QStringLiteral("stories");
        t.systemPrompt = QStringLiteral("You tell short stories.");
        t.fewShot = {{QStringLiteral("a cat"), QStringLiteral("Once there was a cat.")},
                     {QStringLiteral("a dog"), QStringLiteral("Once there was a dog.")}};
        t.userPrompt = QStringLiteral("{{topic}}");
        t.parameters = QJsonObject{{"temperature", 0}, {"max_tokens", 8}};
        t.assertions = QJsonArray{QJsonObject{{"type", "contains"}},  // the expected column
                                  QJsonObject{{"type", "max_length"}, {"max", 400}}};
        return t;
    }

    // Stores the dataset: rows whose `expected` appears in the topic pass the fake's echo.
    QVector<store::DatasetRow> dataset(int rows) {
        QByteArray csv = "topic,expected\n";
        for (int i = 0; i < rows; ++i)
            csv += QByteArray("a bird number ") + QByteArray::number(i) + "," +
                   (i % 3 == 2 ? "whale" : "bird") + "\n";
        const DatasetImport data = parseCsv(csv);
        const store::DatasetRecord d = storeDataset(*db_, QStringLiteral("birds.csv"), data);
        return db_->datasetRows(d.id);
    }

    store::RunRecord newRun(const PromptTemplate& t, const QVector<store::DatasetRow>& rows,
                            const QVector<TargetSpec>& specs) {
        const SavedVersion v = saveTemplateVersion(*db_, t);
        QStringList targets;
        for (const TargetSpec& s : specs)
            targets << s.address;
        store::RunRecord run;
        run.templateVersionId = v.version.id;
        run.datasetId = rows.first().datasetId;
        run.targets = targets;
        return db_->createRun(run);
    }

    static bool waitFinished(QSignalSpy& spy, int ms = 120000) {
        return !spy.isEmpty() || spy.wait(ms);
    }

private Q_SLOTS:
    void init() {
        QVERIFY2(QFile::exists(kModel), qPrintable(kModel + QStringLiteral(" is missing")));
        db_ = store::StoreDatabase::open(
            dir_.filePath(QStringLiteral("h%1.db").arg(QTest::currentTestFunction())));
        *endpoint_ = {};
        factoryCalls_ = 0;
    }

    void remoteCellsRunConcurrentlyWithinTheEndpointLimit() {
        const QVector<store::DatasetRow> rows = dataset(6);
        const QVector<TargetSpec> specs = {fake(QStringLiteral("a")), fake(QStringLiteral("b"))};
        PromptTemplate t = storyTemplate();
        t.assertions.append(
            QJsonObject{{"type", "judge"}, {"target", "fake://judge"}, {"rubric", "Must echo."}});
        const store::RunRecord run = newRun(t, rows, specs);
        BatchRunner runner(db_.get(), factory());
        QSignalSpy finished(&runner, &BatchRunner::finished);
        QSignalSpy progress(&runner, &BatchRunner::progress);
        runner.start(run.id, t, rows, specs);
        QVERIFY(waitFinished(finished));
        QCOMPARE(finished.first().first().value<store::RunStatus>(), store::RunStatus::Done);
        QCOMPARE(db_->run(run.id).status, store::RunStatus::Done);
        // Two targets share one endpoint limited to 2: never more, and the limit was used.
        QCOMPARE(endpoint_->maxInFlight, 2);
        QCOMPARE(progress.last().at(0).toInt(), 12);
        QCOMPARE(progress.last().at(1).toInt(), 12);

        const QVector<store::RunResultRecord> results = db_->runResults(run.id);
        QCOMPARE(results.size(), 12);
        for (const store::RunResultRecord& r : results) {
            const store::DatasetRow& row = *std::find_if(
                rows.begin(), rows.end(), [&](auto& x) { return x.id == r.datasetRowId; });
            const QString topic = row.values.value(QStringLiteral("topic")).toString();
            QCOMPARE(r.output, QStringLiteral("ECHO ") + topic);
            QCOMPARE(r.finish, store::FinishReason::Stop);
            // Prompt: system (4 words) + few-shot (2+5+2+5) + topic (4) = 22 words.
            QCOMPARE(r.tokensIn, 22);
            QCOMPARE(r.tokensOut, 5);
            QVERIFY(qFuzzyCompare(r.cost, 22 / 1000.0 * 1.0 + 5 / 1000.0 * 2.0));
            QVERIFY(r.ttftMs > 0 && r.latencyMs >= r.ttftMs);
            QVERIFY(r.tokensPerS > 0);
            QCOMPARE(r.assertionResults.size(), 3);  // contains, max_length, judge
            QCOMPARE(r.assertionResults[2].toObject().value(QStringLiteral("type")).toString(),
                     QStringLiteral("judge"));
            QVERIFY(r.assertionResults[2].toObject().value(QStringLiteral("passed")).toBool());
            const bool expectPass = row.rowIndex % 3 != 2;  // "whale" is never in the echo
            QCOMPARE(r.passed, expectPass ? 1 : 0);
        }
    }

    void localModelAndRemoteSideBySideThenAbortAndResume() {
        const QVector<store::DatasetRow> rows = dataset(6);
        const QVector<TargetSpec> specs = {stories(), fake(QStringLiteral("a"), 1)};
        const PromptTemplate t = storyTemplate();
        const store::RunRecord run = newRun(t, rows, specs);

        // First attempt: abort after three stored cells.
        QVector<store::Id> storedBefore;
        {
            BatchRunner runner(db_.get(), factory());
            QSignalSpy finished(&runner, &BatchRunner::finished);
            connect(&runner, &BatchRunner::cellFinished, &runner,
                    [&](const store::RunResultRecord& r) {
                        storedBefore << r.id;
                        if (storedBefore.size() == 3) runner.cancel();
                    });
            runner.start(run.id, t, rows, specs);
            QVERIFY(waitFinished(finished));
            QCOMPARE(finished.first().first().value<store::RunStatus>(),
                     store::RunStatus::Cancelled);
        }
        QCOMPARE(db_->run(run.id).status, store::RunStatus::Cancelled);
        const int afterAbort = int(db_->runResults(run.id).size());
        QVERIFY2(afterAbort >= 3 && afterAbort < 12, qPrintable(QString::number(afterAbort)));
        int fakeAfterAbort = 0;
        for (const store::RunResultRecord& r : db_->runResults(run.id))
            fakeAfterAbort += r.target.startsWith(QLatin1String("fake://"));

        // Resume: only the missing cells run.
        const int startedBefore = endpoint_->started;
        BatchRunner runner(db_.get(), factory());
        QSignalSpy finished(&runner, &BatchRunner::finished);
        QSignalSpy ran(&runner, &BatchRunner::cellFinished);
        runner.start(run.id, t, rows, specs);
        QCOMPARE(runner.skippedAtStart(), afterAbort);
        QVERIFY(waitFinished(finished));
        QCOMPARE(finished.first().first().value<store::RunStatus>(), store::RunStatus::Done);
        QCOMPARE(int(ran.size()), 12 - afterAbort);

        const QVector<store::RunResultRecord> results = db_->runResults(run.id);
        QCOMPARE(results.size(), 12);
        QSet<QPair<store::Id, QString>> cells;
        int fakeCells = 0;
        for (const store::RunResultRecord& r : results) {
            cells.insert({r.datasetRowId, r.target});
            fakeCells += r.target.startsWith(QLatin1String("fake://"));
            if (r.target == kModel) {
                // Real generation: 8 tokens at most, timed, greedy.
                QVERIFY2(r.tokensOut > 0 && r.tokensOut <= 8, qPrintable(r.output));
                QVERIFY(r.finish == store::FinishReason::Length ||
                        r.finish == store::FinishReason::Stop);
                QVERIFY(r.tokensIn > 20);
                QVERIFY(r.ttftMs > 0 && r.latencyMs >= r.ttftMs);
                QCOMPARE(r.cost, 0.0);
                QCOMPARE(r.assertionResults.size(), 2);
                QVERIFY(r.passed == 0 || r.passed == 1);
            }
        }
        QCOMPARE(cells.size(), 12);  // every cell once
        QCOMPARE(fakeCells, 6);
        // The fake ran exactly the fake cells that were missing after the abort.
        QCOMPARE(endpoint_->started - startedBefore, 6 - fakeAfterAbort);
        // Cells stored before the abort kept their ids (not rewritten).
        for (store::Id id : std::as_const(storedBefore))
            QVERIFY(
                std::any_of(results.begin(), results.end(), [&](auto& r) { return r.id == id; }));
        // The store refuses a second result for a finished cell.
        store::RunResultRecord dup = results.first();
        QVERIFY_THROWS_EXCEPTION(store::StoreException, db_->addRunResult(dup));

        // A second start on the finished run has nothing to do.
        BatchRunner idle(db_.get(), factory());
        QSignalSpy idleDone(&idle, &BatchRunner::finished);
        const int calls = factoryCalls_;
        idle.start(run.id, t, rows, specs);
        QVERIFY(waitFinished(idleDone, 5000));
        QCOMPARE(factoryCalls_, calls);
        QCOMPARE(db_->runResults(run.id).size(), 12);
    }

    void exportsAreValid() {
        const QVector<store::DatasetRow> rows = dataset(5);
        const QVector<TargetSpec> specs = {fake(QStringLiteral("big")),
                                           fake(QStringLiteral("small"))};
        const PromptTemplate t = storyTemplate();
        const store::RunRecord run = newRun(t, rows, specs);
        BatchRunner runner(db_.get(), factory());
        QSignalSpy finished(&runner, &BatchRunner::finished);
        runner.start(run.id, t, rows, specs);
        QVERIFY(waitFinished(finished));
        const QVector<store::RunResultRecord> results = db_->runResults(run.id);
        QCOMPARE(results.size(), 10);

        const QList<QByteArray> lines = resultsToJsonl(rows, results).split('\n');
        QCOMPARE(lines.size(), 11);  // ten lines and the final newline
        QVERIFY(lines.last().isEmpty());
        for (qsizetype i = 0; i < 10; ++i) {
            QJsonParseError e;
            const QJsonObject o = QJsonDocument::fromJson(lines[i], &e).object();
            QVERIFY2(e.error == QJsonParseError::NoError, lines[i].constData());
            QVERIFY(o.value(QStringLiteral("output")).toString().startsWith(QLatin1String("ECHO")));
            QVERIFY(o.value(QStringLiteral("passed")).isBool());
            QVERIFY(
                o.value(QStringLiteral("variables")).toObject().contains(QStringLiteral("topic")));
        }

        // The CSV export reads back through the RFC 4180 importer, one row per cell.
        const DatasetImport csv = parseCsv(resultsToCsv(rows, results));
        QVERIFY(csv.fatal.isEmpty() && csv.errors.isEmpty());
        QCOMPARE(csv.rows.size(), 10);
        QVERIFY(csv.columns.contains(QStringLiteral("latency_ms")));
        QCOMPARE(csv.rows[0].value(QStringLiteral("row")).toString(), QStringLiteral("0"));

        // Fine-tuning set: only "big"'s passing rows (0, 1, 3, 4), OpenAI chat format.
        int count = 0;
        const QByteArray ft =
            fineTuningJsonl(t, rows, results, QStringLiteral("fake://big"), {}, &count);
        QCOMPARE(count, 4);
        const QList<QByteArray> ftLines = ft.trimmed().split('\n');
        QCOMPARE(ftLines.size(), 4);
        const QStringList roles = {"system",    "user", "assistant", "user",
                                   "assistant", "user", "assistant"};
        for (const QByteArray& line : ftLines) {
            const QJsonDocument doc = QJsonDocument::fromJson(line);
            QVERIFY(doc.isObject());
            QCOMPARE(doc.object().keys(), QStringList{QStringLiteral("messages")});
            const QJsonArray messages = doc.object().value(QStringLiteral("messages")).toArray();
            QCOMPARE(messages.size(), roles.size());
            for (qsizetype i = 0; i < messages.size(); ++i) {
                const QJsonObject m = messages[i].toObject();
                QCOMPARE(m.value(QStringLiteral("role")).toString(), roles[i]);
                QVERIFY(m.value(QStringLiteral("content")).isString());
            }
            QVERIFY(messages.last()
                        .toObject()
                        .value(QStringLiteral("content"))
                        .toString()
                        .startsWith(QLatin1String("ECHO a bird number")));
        }
        // A scrubber, when given, rewrites every message.
        const QByteArray scrubbed =
            fineTuningJsonl(t, rows, results, QStringLiteral("fake://big"), [](const QString& s) {
                return QString(s).replace(QLatin1String("bird"), QLatin1String("[X]"));
            });
        QVERIFY(!scrubbed.contains("bird") && scrubbed.contains("[X]"));
        // The real scrubber (--scrub-pii) numbers a value the same way in every message.
        const TextScrubber pii = piiScrubber();
        QCOMPARE(pii(QStringLiteral("write to ada@example.com")),
                 QStringLiteral("write to [EMAIL_1]"));
        QCOMPARE(pii(QStringLiteral("ada@example.com or bob@example.org")),
                 QStringLiteral("[EMAIL_1] or [EMAIL_2]"));
    }

    void missingVariableBecomesAnErrorCell() {
        const QVector<store::DatasetRow> rows = dataset(2);
        PromptTemplate t = storyTemplate();
        t.userPrompt = QStringLiteral("{{topic}} {{mood}}");
        const QVector<TargetSpec> specs = {fake(QStringLiteral("a"))};
        const store::RunRecord run = newRun(t, rows, specs);
        BatchRunner runner(db_.get(), factory());
        QSignalSpy finished(&runner, &BatchRunner::finished);
        runner.start(run.id, t, rows, specs);
        QVERIFY(waitFinished(finished));
        const QVector<store::RunResultRecord> results = db_->runResults(run.id);
        QCOMPARE(results.size(), 2);
        for (const store::RunResultRecord& r : results) {
            QCOMPARE(r.finish, store::FinishReason::Error);
            QCOMPARE(r.errorMessage, QStringLiteral("missing variable 'mood'"));
            QCOMPARE(r.passed, 0);
        }
        QCOMPARE(endpoint_->started, 0);
    }
};

QTEST_GUILESS_MAIN(TestPlaygroundRunner)
#include "test_playground_runner.moc"
