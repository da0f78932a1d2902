// The packaged documentation keeps up with the CLI: every subcommand `hearth --help` lists has
// an entry in the man page (packaging/man/hearth.1.in) and in the bash completion
// (packaging/completion/hearth), so a new command cannot ship undocumented; and the completion
// works when bash runs it.
#include <QRegularExpression>
#include <QtTest>

#include "process_runner.h"

using hearth::test::runHearth;

namespace {

QString readSource(const char* relativePath) {
    QFile f(QStringLiteral(HEARTH_SOURCE_DIR "/") + QLatin1String(relativePath));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

}  // namespace

class PackagingDocs : public QObject {
    Q_OBJECT

    QStringList commands_;

private Q_SLOTS:
    void initTestCase() {
        const auto r = runHearth({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        // "Commands:" is followed by one "  NAME  summary" line per subcommand, then a blank line.
        const QString help = QString::fromUtf8(r.out);
        const qsizetype start = help.indexOf(QLatin1String("Commands:\n"));
        QVERIFY2(start >= 0, "no Commands: section in hearth --help");
        const QStringList lines = help.mid(start).split(QLatin1Char('\n')).mid(1);
        for (const QString& line : lines) {
            if (!line.startsWith(QLatin1String("  "))) break;
            commands_ << line.trimmed().section(QLatin1Char(' '), 0, 0);
        }
        QVERIFY2(commands_.size() >= 7, qPrintable(commands_.join(QLatin1Char(' '))));
    }

    void manPageHasASectionPerCommand() {
        const QString man = readSource("packaging/man/hearth.1.in");
        QVERIFY2(!man.isEmpty(), "packaging/man/hearth.1.in missing");
        for (const QString& command : commands_) {
            // An item of the COMMANDS list: ".TP" then ".B name" or ".BI "name ...".
            const QRegularExpression entry(
                QStringLiteral("^\\.TP\\n\\.BI? \"?%1\\b").arg(QRegularExpression::escape(command)),
                QRegularExpression::MultilineOption);
            QVERIFY2(entry.match(man).hasMatch(), qPrintable(command + " not in hearth.1"));
        }
    }

    void bashCompletionOffersEveryCommand() {
        const QString completion = readSource("packaging/completion/hearth");
        QVERIFY2(!completion.isEmpty(), "packaging/completion/hearth missing");
        const QRegularExpression listed(QStringLiteral("local commands=\"([^\"]*)\""));
        const auto match = listed.match(completion);
        QVERIFY(match.hasMatch());
        const QStringList offered = match.captured(1).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        for (const QString& command : commands_) {
            QVERIFY2(offered.contains(command), qPrintable(command + " not offered"));
            // and its arguments are completed in a case branch of its own
            QVERIFY2(completion.contains(QStringLiteral("\n        %1)").arg(command)),
                     qPrintable(command + " has no case branch"));
        }
    }

    // The completion as bash runs it (bash-completion's helpers loaded), with the built hearth
    // first on PATH: subcommands at the first word, catalog names after `models pull`.
    void bashCompletesCommandsAndCatalogNames() {
        const QString helpers = QStringLiteral("/usr/share/bash-completion/bash_completion");
        QVERIFY2(QFileInfo::exists(helpers), "bash-completion is not installed (setup-debian.sh)");
        const QString script =
            QStringLiteral(
                "source %1; source %2/packaging/completion/hearth; "
                "complete_words() { COMP_WORDS=(\"$@\"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); "
                "COMPREPLY=(); _hearth; echo \"${COMPREPLY[*]}\"; }; "
                "complete_words hearth ''; complete_words hearth models pull ''")
                .arg(helpers, QStringLiteral(HEARTH_SOURCE_DIR));
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PATH"), QFileInfo(QStringLiteral(HEARTH_BINARY)).path() +
                                               QLatin1Char(':') +
                                               env.value(QStringLiteral("PATH")));
        QTemporaryDir models;
        env.insert(QStringLiteral("HEARTH_MODELS_DIR"), models.path());
        const auto r = hearth::test::runProcess(QStringLiteral("/bin/bash"),
                                                {QStringLiteral("-c"), script}, env);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QStringList lines = QString::fromUtf8(r.out).split(QLatin1Char('\n'));
        QVERIFY2(lines.size() >= 2, r.out.constData());
        QStringList atFirstWord = lines[0].split(QLatin1Char(' '), Qt::SkipEmptyParts);
        atFirstWord.sort();
        QStringList expected = commands_;
        expected.sort();
        QCOMPARE(atFirstWord, expected);
        const QStringList pullable = lines[1].split(QLatin1Char(' '), Qt::SkipEmptyParts);
        QVERIFY2(pullable.contains(QStringLiteral("smollm2-135m-instruct")), qPrintable(lines[1]));
        QVERIFY2(pullable.contains(QStringLiteral("gemma3-270m-it")), qPrintable(lines[1]));
    }
};

QTEST_GUILESS_MAIN(PackagingDocs)
#include "test_packaging_docs.moc"
