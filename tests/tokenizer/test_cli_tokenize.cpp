// `hearth tokenize` end to end: the real binary, stdin in, ids or pieces out, exit codes.
#include <QtTest>

#include <QProcess>

#include "gguf/gguf_file.h"
#include "tokenizer/tokenizer.h"

namespace {

const QString kVocabDir = QStringLiteral(HEARTH_TEST_DATA_DIR "/tokenizer/");

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runTokenize(const QStringList& args, const QByteArray& input) {
    QProcess p;
    p.start(QStringLiteral(HEARTH_BINARY), QStringList{QStringLiteral("tokenize")} + args);
    Run r;
    if (!p.waitForStarted(10000)) return r;
    p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(60000)) return r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

}  // namespace

class TestCliTokenize : public QObject {
    Q_OBJECT

private slots:
    void ids() {
        const Run r =
            runTokenize({"--vocab", kVocabDir + "ggml-vocab-gpt-2.gguf", "--ids"}, "Hello world");
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray("15496 995\n"));
    }

    // No BOS and no special parsing, even though this vocabulary asks for a BOS.
    void no_bos_no_specials() {
        const Run r = runTokenize({"--ids", "--vocab", kVocabDir + "ggml-vocab-llama-bpe.gguf"},
                                  "<|begin_of_text|>Hi");
        QCOMPARE(r.exitCode, 0);
        QVERIFY(!r.out.contains("128000"));
        QVERIFY(r.out.split(' ').size() > 3);
    }

    void pieces_are_escaped() {
        const Run r =
            runTokenize({"--vocab", kVocabDir + "ggml-vocab-gpt-2.gguf"}, "Hi there\n\tx\\");
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray("Hi\n there\n\\n\n\\t\nx\n\\\\\n"));
    }

    // Any bytes: the ids equal the library's on the same bytes (NUL, invalid UTF-8, CR).
    void binary_input() {
        const QByteArray input("a\0b\xFF\xC3(\r\n caf\xC3\xA9 \xF0\x9F\xA6\x99", 20);
        const QString vocab = kVocabDir + "ggml-vocab-llama-spm.gguf";
        const Run r = runTokenize({"--vocab", vocab, "--ids"}, input);
        QCOMPARE(r.exitCode, 0);
        const auto file = hearth::gguf::GgufFile::open(vocab.toStdString());
        const auto tok = hearth::Tokenizer::from_gguf(*file);
        QStringList want;
        for (const int32_t id :
             tok->encode(std::string_view(input.constData(), input.size()), false, false)) {
            want << QString::number(id);
        }
        QCOMPARE(QString::fromLatin1(r.out), want.join(' ') + '\n');
    }

    void usage_errors() {
        QCOMPARE(runTokenize({"--ids"}, "x").exitCode, 2);
        QCOMPARE(runTokenize({"--vocab"}, "x").exitCode, 2);
        const Run unknown =
            runTokenize({"--vocab", kVocabDir + "ggml-vocab-gpt-2.gguf", "--frobnicate"}, "x");
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY(unknown.err.contains("--frobnicate"));
        const Run missing = runTokenize({"--vocab", kVocabDir + "no-such-file.gguf"}, "x");
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(!missing.err.isEmpty());
        QVERIFY(missing.out.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCliTokenize)
#include "test_cli_tokenize.moc"
