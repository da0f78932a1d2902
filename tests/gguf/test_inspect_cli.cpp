// `hearth inspect` end to end: output equals the library's dumps byte for byte, usage errors
// exit 2, unreadable or malformed files exit 1 with "hearth: <error>" on stderr.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "gguf/gguf_json.h"
#include "gguf_builder.h"

using hearth::gguf::GgufError;
using hearth::gguf::GgufFile;

namespace {

struct Run {
    int exit_code = -1;
    QByteArray out;
    QByteArray err;
};

Run hearth_cli(const QStringList& args) {
    QProcess p;
    p.start(QStringLiteral(HEARTH_BINARY), args);
    Run r;
    if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit) return r;
    r.exit_code = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

}  // namespace

class TestInspectCli : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QVERIFY2(QFileInfo::exists(QStringLiteral(HEARTH_BINARY)), HEARTH_BINARY);
    }

    void outputMatchesLibrary_data() {
        QTest::addColumn<QString>("file");
        const QString data = QStringLiteral(HEARTH_TEST_DATA_DIR);
        QTest::newRow("stories260K") << data + "/models/stories260K.gguf";
        QTest::newRow("llama-2-tiny-random") << data + "/models/llama-2-tiny-random.gguf";
        QTest::newRow("vocab gpt-2") << data + "/tokenizer/ggml-vocab-gpt-2.gguf";
    }
    void outputMatchesLibrary() {
        QFETCH(QString, file);
        const auto gguf = GgufFile::open(file.toStdString());

        const Run json = hearth_cli({QStringLiteral("inspect"), file, QStringLiteral("--json")});
        QCOMPARE(json.exit_code, 0);
        QCOMPARE(json.err, QByteArray());
        QCOMPARE(json.out, QByteArray::fromStdString(hearth::gguf::gguf_to_json(*gguf) + "\n"));

        const Run text = hearth_cli({QStringLiteral("inspect"), file});
        QCOMPARE(text.exit_code, 0);
        QCOMPARE(text.out, QByteArray::fromStdString(hearth::gguf::gguf_to_text(*gguf)));
    }

    void usageErrorsExitTwo() {
        const QString file = QStringLiteral(HEARTH_TEST_DATA_DIR "/models/stories260K.gguf");
        Run r = hearth_cli({QStringLiteral("inspect")});
        QCOMPARE(r.exit_code, 2);
        QVERIFY2(r.err.startsWith("hearth: inspect needs a file"), r.err.constData());
        QVERIFY(r.out.isEmpty());

        r = hearth_cli({QStringLiteral("inspect"), QStringLiteral("--bogus"), file});
        QCOMPARE(r.exit_code, 2);
        QVERIFY2(r.err.startsWith("hearth: unknown option '--bogus'"), r.err.constData());

        r = hearth_cli({QStringLiteral("inspect"), file, file});
        QCOMPARE(r.exit_code, 2);
        QVERIFY2(r.err.contains("unexpected argument"), r.err.constData());

        r = hearth_cli({QStringLiteral("inspect"), QStringLiteral("--help")});
        QCOMPARE(r.exit_code, 0);
        QVERIFY(r.out.contains("usage: hearth inspect FILE.gguf [--json]"));
    }

    void badFilesExitOneWithTheReaderMessage() {
        // A truncated copy of a real model: the message is exactly the GgufError's.
        const QByteArray model = hearth::test::read_file(
            QStringLiteral(HEARTH_TEST_DATA_DIR "/models/stories260K.gguf"));
        QVERIFY(!model.isEmpty());
        const QString truncated = dir_.filePath(QStringLiteral("truncated.gguf"));
        QVERIFY(hearth::test::write_file(truncated, model.left(5000).toStdString()));
        std::string expected;
        try {
            GgufFile::open(truncated.toStdString());
            QFAIL("truncated file parsed");
        } catch (const GgufError& e) {
            expected = std::string("hearth: ") + e.what() + "\n";
        }
        for (const QStringList& args :
             {QStringList{QStringLiteral("inspect"), truncated},
              QStringList{QStringLiteral("inspect"), QStringLiteral("--json"), truncated}}) {
            const Run r = hearth_cli(args);
            QCOMPARE(r.exit_code, 1);
            QCOMPARE(r.err, QByteArray::fromStdString(expected));
            QVERIFY(r.out.isEmpty());
        }
        QVERIFY(expected.find(": offset ") != std::string::npos);

        const QString missing = dir_.filePath(QStringLiteral("missing.gguf"));
        const Run r = hearth_cli({QStringLiteral("inspect"), missing});
        QCOMPARE(r.exit_code, 1);
        QVERIFY2(r.err.startsWith(("hearth: " + missing + ": cannot open").toUtf8()),
                 r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestInspectCli)
#include "test_inspect_cli.moc"
