// `hearth run` end to end on the tiny stories260K model: a streamed reply, deterministic with
// a seed, Ctrl-C (SIGINT) stopping generation at once with exit code 130, and one-line errors.
#include <signal.h>

#include <QElapsedTimer>
#include <QtTest>

#include "process_runner.h"

using hearth::test::runHearth;

namespace {
const QString kModel = QStringLiteral(HEARTH_TEST_DATA_DIR "/models/stories260K.gguf");
}

class RunCli : public QObject {
    Q_OBJECT
    QTemporaryDir state_;

    QProcessEnvironment env() const {
        auto e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("XDG_STATE_HOME"), state_.path());
        return e;
    }

private Q_SLOTS:
    void greedyRawPromptContinuesTheStory() {
        const auto r = runHearth(
            {"run", "-m", kModel, "--raw", "-p", "Once upon a time", "-n", "16", "--temp", "0"},
            env());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        // llama.cpp's greedy continuation of this prompt (tests/data/models/README.md).
        QVERIFY2(r.out.startsWith(", there was a little girl named Lily"), r.out.constData());
    }

    void seededSamplingIsDeterministic() {
        const QStringList args{"run", "-m", kModel,   "--raw", "-p",     "Once upon a time",
                               "-n",  "24", "--temp", "0.9",   "--seed", "42"};
        const auto a = runHearth(args, env());
        const auto b = runHearth(args, env());
        QCOMPARE(a.exitCode, 0);
        QCOMPARE(a.out, b.out);
        QVERIFY(!a.out.trimmed().isEmpty());
    }

    void verbosePrintsStatsToStderrOnly() {
        const auto r = runHearth(
            {"run", "-m", kModel, "--raw", "-p", "Once", "-n", "8", "--temp", "0", "--verbose"},
            env());
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains("tok/s") && r.err.contains("finish: length"), r.err.constData());
        QVERIFY(!r.out.contains("tok/s"));
    }

    void ctrlCStopsAtOnce() {
        QProcess p;
        p.setProcessEnvironment(env());
        p.start(QStringLiteral(HEARTH_BINARY),
                {"run", "-m", kModel, "--raw", "-p", "Once upon a time", "-n", "100000", "--temp",
                 "1", "--seed", "1", "--ctx", "2048"});
        QVERIFY(p.waitForStarted());
        QVERIFY(p.waitForReadyRead(30000));  // streaming has begun
        QElapsedTimer sinceSignal;
        sinceSignal.start();
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY2(p.waitForFinished(5000), "still running 5 s after SIGINT");
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);  // exited, not killed by the signal
        QCOMPARE(p.exitCode(), 130);
        QVERIFY2(sinceSignal.elapsed() < 2000, qPrintable(QString::number(sinceSignal.elapsed())));
        QCOMPARE(p.readAllStandardError().trimmed(), QByteArray("hearth: stopped"));
    }

    void badInputsAreOneLineErrors() {
        QTemporaryDir dir;
        QFile notGguf(dir.filePath(QStringLiteral("junk.gguf")));
        QVERIFY(notGguf.open(QIODevice::WriteOnly));
        notGguf.write("this is not a model");
        notGguf.close();
        // Same file with general.architecture renamed to an architecture nobody knows.
        QFile model(kModel);
        QVERIFY(model.open(QIODevice::ReadOnly));
        QByteArray bytes = model.readAll();
        const qsizetype key = bytes.indexOf("general.architecture");
        QVERIFY(key > 0);
        const qsizetype value = bytes.indexOf("llama", key + 20);
        QVERIFY(value > key);
        bytes.replace(value, 5, "zorba");
        QFile unknownArch(dir.filePath(QStringLiteral("zorba.gguf")));
        QVERIFY(unknownArch.open(QIODevice::WriteOnly));
        unknownArch.write(bytes);
        unknownArch.close();
        // The real model cut off in its tensor data, and cut off inside its metadata.
        QFile cutData(dir.filePath(QStringLiteral("cut-data.gguf")));
        QVERIFY(cutData.open(QIODevice::WriteOnly));
        cutData.write(bytes.left(bytes.size() / 2));
        cutData.close();
        QFile cutHeader(dir.filePath(QStringLiteral("cut-header.gguf")));
        QVERIFY(cutHeader.open(QIODevice::WriteOnly));
        cutHeader.write(bytes.left(key + 10));
        cutHeader.close();
        struct Case {
            QStringList args;
            int code;
        };
        const QList<Case> cases = {
            {{"run", "-m", notGguf.fileName(), "-p", "hi"}, 1},
            {{"run", "-m", dir.filePath("missing.gguf"), "-p", "hi"}, 1},
            {{"run", "-m", unknownArch.fileName(), "-p", "hi"}, 1},
            {{"run", "-m", cutData.fileName(), "-p", "hi"}, 1},
            {{"run", "-m", cutHeader.fileName(), "-p", "hi"}, 1},
            {{"run", "-m", kModel, "--raw", "-p", QString(3000, QLatin1Char('a')), "--ctx", "64"},
             1},
            {{"run", "-m", kModel, "-p", "hi", "--top-k", "x"}, 2},
            {{"run", "-m", kModel, "-p", "hi", "--min-p", "2"}, 2},
            {{"run", "-m", kModel, "-p", "hi", "--temp", "-1"}, 2},
            {{"run", "-m", kModel, "-p", "hi", "--temp", "nan"}, 2},
            {{"run", "-m", kModel, "-p", "hi", "--top-p", "1.5"}, 2},
            {{"run", "-m", kModel, "-p", "hi", "--seed", "abc"}, 2},
            {{"run", "-m", kModel, "-p", "hi", "--ctx", "-1"}, 2},
            // A context whose KV cache cannot be allocated: an error, not std::bad_alloc.
            {{"run", "-m", kModel, "-p", "hi", "--ctx", "2000000000"}, 2},
        };
        for (const Case& c : cases) {
            const auto r = runHearth(c.args, env());
            QVERIFY2(!r.crashed, qPrintable(c.args.join(' ')));
            QVERIFY2(r.exitCode == c.code, qPrintable(c.args.join(' ').left(80) + " -> " +
                                                      QString::number(r.exitCode) + ": " + r.err));
            QVERIFY2(r.err.startsWith("hearth: ") && r.err.count('\n') == 1, r.err.constData());
        }
    }
};

QTEST_GUILESS_MAIN(RunCli)
#include "test_run_cli.moc"
