// `hearth playground run` end to end on tests/data/models/stories260K.gguf: the summary
// table, exit codes, bad dataset rows reported, export files, and a run killed for real
// (SIGKILL) that the same command resumes without repeating or duplicating a cell.
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include "core/store/store_database.h"
#include "process_runner.h"

using namespace hearth;
using hearth::test::runHearth;

namespace {

const QString kModel = QStringLiteral(HEARTH_TEST_DATA_DIR "/models/stories260K.gguf");

}  // namespace

class TestPlaygroundCli : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QProcessEnvironment env_;

    QString write(const QString& name, const QByteArray& bytes) {
        const QString path = dir_.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size()) return {};
        return path;
    }

    QString templateFile(const char* name, const char* assertions, int maxTokens = 12) {
        return write(QString::fromLatin1(name),
                     QByteArray("{\"format\": \"hearth-prompt-template\", \"name\": \"") + name +
                         "\", \"system\": \"You tell stories.\",\n            \"few_shot\": "
                         "[{\"input\": \"a cat\", \"output\": \"Once upon a time there was a "
                         "cat.\"},\n                         {\"input\": \"a dog\", \"output\": "
                         "\"Once upon a time there was a dog.\"}],\n            \"user\": "
                         "\"{{topic}}\", \"parameters\": {\"temperature\": 0, \"max_tokens\": " +
                         QByteArray::number(maxTokens) +
                         "},\n            \"assertions\": " + assertions + "}");
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(QFile::exists(kModel), qPrintable(kModel + QStringLiteral(" is missing")));
        env_ = QProcessEnvironment::systemEnvironment();
        env_.insert(QStringLiteral("HEARTH_DB"), dir_.filePath(QStringLiteral("hearth.db")));
        env_.insert(QStringLiteral("HEARTH_MODELS_DIR"), dir_.filePath(QStringLiteral("models")));
        env_.insert(QStringLiteral("XDG_STATE_HOME"), dir_.filePath(QStringLiteral("state")));
        env_.insert(QStringLiteral("XDG_CONFIG_HOME"), dir_.filePath(QStringLiteral("config")));
    }

    void usageAndInputErrors() {
        const QString tmpl = templateFile("errors.json", "[]");
        const QString data = write(QStringLiteral("e.csv"), "topic\nsun\n");
        struct Case {
            QStringList args;
            int code;
            const char* mentions;
        };
        const QString bad = write(QStringLiteral("bad.json"), "{\"user\": 3}");
        const QString other = write(QStringLiteral("other.csv"), "subject\nsun\n");
        const Case cases[] = {
            {{QStringLiteral("playground")}, 2, "Usage"},
            {{QStringLiteral("playground"), QStringLiteral("walk")}, 2, "unknown playground"},
            {{QStringLiteral("playground"), QStringLiteral("run"), tmpl, QStringLiteral("-m"),
              kModel},
             2,
             "--dataset"},
            {{QStringLiteral("playground"), QStringLiteral("run"), tmpl,
              QStringLiteral("--dataset"), data},
             2,
             "-m TARGET"},
            {{QStringLiteral("playground"), QStringLiteral("run"), bad, QStringLiteral("--dataset"),
              data, QStringLiteral("-m"), kModel},
             1,
             "must be a string"},
            {{QStringLiteral("playground"), QStringLiteral("run"), tmpl,
              QStringLiteral("--dataset"), other, QStringLiteral("-m"), kModel},
             1,
             "template variable 'topic' is not a column"},
            {{QStringLiteral("playground"), QStringLiteral("run"), tmpl,
              QStringLiteral("--dataset"), data, QStringLiteral("-m"),
              QStringLiteral("no-such-model")},
             1,
             "no-such-model"},
            {{QStringLiteral("playground"), QStringLiteral("run"), tmpl,
              QStringLiteral("--dataset"), data, QStringLiteral("-m"), kModel,
              QStringLiteral("--max-rows"), QStringLiteral("0")},
             2,
             "--max-rows"},
        };
        for (const Case& c : cases) {
            const auto r = runHearth(c.args, env_);
            QVERIFY(!r.crashed);
            QVERIFY2(
                r.exitCode == c.code && r.err.contains(c.mentions),
                qPrintable(c.args.join(' ') + QStringLiteral(" -> ") + QString::number(r.exitCode) +
                           QLatin1Char(' ') + QString::fromUtf8(r.err)));
        }
    }

    void runPrintsSummaryAndExitCodeFollowsAssertions() {
        const QString data =
            write(QStringLiteral("small.csv"),
                  "topic,expected\nthe sun,x\n\"a \"\"red\"\" fox\",y\nbad\"row,z\n"
                  "the moon,w\n");
        const QString passing =
            templateFile("passing.json", "[{\"type\": \"max_length\", \"max\": 100000}]");
        const QString out = dir_.filePath(QStringLiteral("results.jsonl"));
        const QString ft = dir_.filePath(QStringLiteral("ft.jsonl"));
        auto r = runHearth({QStringLiteral("playground"), QStringLiteral("run"), passing,
                            QStringLiteral("--dataset"), data, QStringLiteral("-m"), kModel,
                            QStringLiteral("--out"), out, QStringLiteral("--finetune"), ft},
                           env_);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains("small.csv line 4: quote inside an unquoted field (row skipped)"),
                 r.err.constData());
        const QStringList table =
            QString::fromUtf8(r.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(table.size(), 2);
        QVERIFY(table[0].startsWith(QLatin1String("target")));
        QVERIFY(table[0].contains(QLatin1String("p95 ms")) &&
                table[0].contains(QLatin1String("cost/pass")));
        QVERIFY2(table[1].startsWith(kModel) && table[1].contains(QLatin1String(" 3/3 ")),
                 qPrintable(table[1]));
        QFile results(out);
        QVERIFY(results.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = results.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        for (const QByteArray& line : lines)
            QVERIFY(
                QJsonDocument::fromJson(line).object().value(QStringLiteral("passed")).toBool());
        QFile tuning(ft);
        QVERIFY(tuning.open(QIODevice::ReadOnly));
        QCOMPARE(tuning.readAll().trimmed().split('\n').size(), 3);

        // The same template with a check nothing meets: exit 1, same table shape.
        const QString failing = templateFile(
            "failing.json", "[{\"type\": \"contains\", \"value\": \"zebra-xylophone\"}]");
        r = runHearth({QStringLiteral("playground"), QStringLiteral("run"), failing,
                       QStringLiteral("--dataset"), data, QStringLiteral("-m"), kModel,
                       QStringLiteral("--max-rows"), QStringLiteral("2")},
                      env_);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(QString::fromUtf8(r.out).contains(QLatin1String(" 0/2 ")), r.out.constData());

        // A changed template is a new version; `playground diff` shows the change.
        QFile file(passing);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QByteArray changed =
            file.readAll().replace("\"user\": \"{{topic}}\"", "\"user\": \"A story: {{topic}}\"");
        file.close();
        QVERIFY(changed.contains("A story"));
        write(QStringLiteral("passing.json"), changed);
        r = runHearth({QStringLiteral("playground"), QStringLiteral("run"), passing,
                       QStringLiteral("--dataset"), data, QStringLiteral("-m"), kModel,
                       QStringLiteral("--max-rows"), QStringLiteral("1")},
                      env_);
        QVERIFY2(r.err.contains("version 2 (new)"), r.err.constData());
        r = runHearth({QStringLiteral("playground"), QStringLiteral("diff"),
                       QStringLiteral("passing.json")},  // the template's "name"
                      env_);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QString::fromUtf8(r.out),
                 QStringLiteral("version 1 (version 1) -> version 2 (version 2)\n"
                                "@@ user\n- {{topic}}\n+ A story: {{topic}}\n"));
        r = runHearth({QStringLiteral("playground"), QStringLiteral("diff"),
                       QStringLiteral("no-such-template")},
                      env_);
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("no stored template 'no-such-template'"));
    }

    void killedRunResumesWithoutRepeatingCells() {
        QByteArray csv = "topic\n";
        for (int i = 0; i < 60; ++i)
            csv += "a story about the number " + QByteArray::number(i) + "\n";
        const QString data = write(QStringLiteral("long.csv"), csv);
        const QString tmpl =
            templateFile("long.json", "[{\"type\": \"max_length\", \"max\": 100000}]", 48);
        const QStringList args = {QStringLiteral("playground"),
                                  QStringLiteral("run"),
                                  tmpl,
                                  QStringLiteral("--dataset"),
                                  data,
                                  QStringLiteral("-m"),
                                  kModel,
                                  QStringLiteral("-t"),
                                  QStringLiteral("1")};

        QProcess p;
        p.setProcessEnvironment(env_);
        p.start(QStringLiteral(HEARTH_BINARY), args);
        QVERIFY(p.waitForStarted(10000));
        QByteArray err;
        QElapsedTimer wait;
        wait.start();
        while (!err.contains("[3/60]") && wait.elapsed() < 60000 &&
               p.state() == QProcess::Running) {
            p.waitForReadyRead(100);
            err += p.readAllStandardError();
        }
        QVERIFY2(err.contains("[3/60]"), err.constData());
        QVERIFY2(p.state() == QProcess::Running, "the run finished before it could be killed");
        p.kill();  // SIGKILL: no chance to clean up
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);

        int afterKill = 0;
        {
            auto db = store::StoreDatabase::open(env_.value(QStringLiteral("HEARTH_DB")));
            const store::RunRecord run = db->runs().last();
            QCOMPARE(run.status, store::RunStatus::Running);  // left as it was
            afterKill = int(db->runResults(run.id).size());
        }
        QVERIFY2(afterKill >= 3 && afterKill < 60, qPrintable(QString::number(afterKill)));

        const auto r = runHearth(args, env_, {}, 240000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains("(resuming)"), r.err.constData());
        QVERIFY2(r.err.contains(QByteArray::number(afterKill) +
                                " cells were already done and were not run again"),
                 r.err.constData());
        // One progress line per cell run now, numbered on from what was stored.
        static const QRegularExpression progress(QStringLiteral("^\\[(\\d+)/60\\]"),
                                                 QRegularExpression::MultilineOption);
        int lines = 0, first = 0;
        for (auto it = progress.globalMatch(QString::fromUtf8(r.err)); it.hasNext(); ++lines) {
            const int n = it.next().captured(1).toInt();
            if (lines == 0) first = n;
        }
        QCOMPARE(lines, 60 - afterKill);
        QCOMPARE(first, afterKill + 1);
        QVERIFY(r.out.contains(" 60/60 "));

        auto db = store::StoreDatabase::open(env_.value(QStringLiteral("HEARTH_DB")));
        const store::RunRecord run = db->runs().last();
        QCOMPARE(run.status, store::RunStatus::Done);
        const QVector<store::RunResultRecord> results = db->runResults(run.id);
        QCOMPARE(results.size(), 60);
        QSet<store::Id> rows;
        for (const store::RunResultRecord& cell : results)
            rows.insert(cell.datasetRowId);
        QCOMPARE(rows.size(), 60);
    }
};

QTEST_GUILESS_MAIN(TestPlaygroundCli)
#include "test_playground_cli.moc"
