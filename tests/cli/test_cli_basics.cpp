// The CLI's shape: version, help, usage errors with exit code 2, no display needed.
#include <QtTest>

#include "process_runner.h"

using hearth::test::runHearth;

class CliBasics : public QObject {
    Q_OBJECT

    QProcessEnvironment headless() const {
        auto env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("none-such-platform"));
        env.insert(QStringLiteral("HEARTH_MODELS_DIR"), models_.path());
        env.insert(QStringLiteral("XDG_STATE_HOME"), state_.path());
        return env;
    }
    QTemporaryDir models_, state_, scratch_;

private Q_SLOTS:
    void versionPrintsProjectVersion() {
        const auto r = runHearth({QStringLiteral("--version")}, headless());
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QString::fromUtf8(r.out).trimmed(),
                 QStringLiteral("hearth " HEARTH_VERSION_FOR_TEST));
    }

    void helpListsSubcommands() {
        const auto r = runHearth({QStringLiteral("--help")}, headless());
        QCOMPARE(r.exitCode, 0);
        for (const char* cmd : {"run", "models", "inspect", "tokenize", "template", "db"})
            QVERIFY2(r.out.contains(QByteArray("  ") + cmd), cmd);
    }

    void unknownFlagIsUsageError() {
        const auto r = runHearth({QStringLiteral("--frobnicate")}, headless());
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("unknown option '--frobnicate'"));
    }

    void unknownCommandIsUsageError() {
        const auto r = runHearth({QStringLiteral("frobnicate")}, headless());
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("unknown command 'frobnicate'"));
    }

    void runRejectsBadValuesWithExitCode2() {
        const QList<QStringList> cases = {
            {"run"},                               // no -m
            {"run", "-m", "x", "--temp", "warm"},  // not a number
            {"run", "-m", "x", "--temp", "-1"},    // negative temperature
            {"run", "-m", "x", "--top-p", "1.5"},  // out of range
            {"run", "-m", "x", "--bogus"},         // unknown flag
            {"run", "-m", "x", "--ctx", "-5"},
        };
        for (const QStringList& args : cases) {
            const auto r = runHearth(args, headless());
            QVERIFY2(r.exitCode == 2,
                     qPrintable(args.join(' ') + " -> " + QString::number(r.exitCode) + " " +
                                QString::fromUtf8(r.err)));
            QVERIFY2(r.err.startsWith("hearth: "), r.err.constData());
        }
    }

    void runWithMissingModelNamesThePullCommand() {
        const auto r = runHearth({"run", "-m", "smollm2-135m-instruct", "-p", "hi"}, headless());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("hearth models pull smollm2-135m-instruct"), r.err.constData());
        QCOMPARE(r.err.count('\n'), 1);  // one line
    }

    void runWithTruncatedModelIsOneLineError() {
        QFile src(QStringLiteral(HEARTH_TEST_DATA_DIR "/models/stories260K.gguf"));
        QVERIFY(src.open(QIODevice::ReadOnly));
        const QString truncated = scratch_.filePath(QStringLiteral("truncated.gguf"));
        QFile out(truncated);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(src.read(src.size() / 2));
        out.close();
        const auto r = runHearth({"run", "-m", truncated, "-p", "hi"}, headless());
        QCOMPARE(r.exitCode, 1);
        QVERIFY(!r.crashed);
        QVERIFY2(r.err.startsWith("hearth: ") && r.err.count('\n') == 1, r.err.constData());
    }

    void modelsListWorksWithoutDisplayOnEmptyStore() {
        const auto r = runHearth({"models", "list"}, headless());
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("no models installed"));
        QVERIFY(r.out.contains("smollm2-135m-instruct"));  // offered from the catalog
    }
};

QTEST_GUILESS_MAIN(CliBasics)
#include "test_cli_basics.moc"
