// Our tokenizer against llama.cpp's llama-tokenize on the real models we ship (SmolLM2:
// byte-level BPE with the "smollm" pre-tokenizer; Gemma 3: SentencePiece without dummy
// prefix), on text chosen to hit the pre-tokenizer's corners: Unicode letters and numbers,
// code, whitespace runs, digits, contractions, chat markers, emoji, invalid-looking input.
#include <QtTest>

#include <QDir>
#include <QProcess>
#include <memory>
#include <string>
#include <vector>

#include "gguf/gguf_file.h"
#include "tokenizer/tokenizer.h"

using hearth::Tokenizer;

namespace {

const QStringList kTexts = {
    QStringLiteral("Hello world"),
    QStringLiteral(" Hello  world   with    runs of spaces     "),
    QStringLiteral("Line one\nLine two\r\nLine three\n\n\n\tTabbed\t\tend\n"),
    QStringLiteral("Numbers: 1 12 123 1234 12345 3.14159 -42 1,000,000 2024-06-01"),
    QStringLiteral("I'm sure you'll see they've done it; DON'T SHOUT, we'd better go"),
    QStringLiteral("int main(int argc, char** argv) {\n    return argc > 1 ? 0 : -1;\n}\n"),
    QStringLiteral("def f(x):\n\tif x == 0:\n\t\treturn [i**2 for i in range(10)]  # comment"),
    QStringLiteral("naïve café résumé Ångström Übermaß façade"),
    QStringLiteral("Привет, как дела? Ελληνικά γράμματα. עברית וערבית: العربية"),
    QStringLiteral("日本語のテキストと中文文本，还有한국어 문장。"),
    QStringLiteral("Emoji: 🦙🔥🎉 👩‍👩‍👧 🇫🇷 ❤️ ✅"),
    QStringLiteral("Math ∑ᵢ xᵢ² ≤ ∞ and ½ ¾ ① Ⅻ ٣"),
    QStringLiteral("<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n"),
    QStringLiteral("<start_of_turn>user\nHello<end_of_turn>\n<start_of_turn>model\n"),
    QStringLiteral("<s> </s> <unk> <bos> <eos> <pad> [INST] <<SYS>>"),
    QStringLiteral("https://example.com/path?query=1&x=y#frag user@example.org"),
    QStringLiteral("    indented\n        more\n            most"),
    QStringLiteral("!!!???... ---- ==== **bold** __under__ ~~strike~~ `code`"),
    QStringLiteral("   "),
    QStringLiteral("a"),
    QStringLiteral("\n"),
    QStringLiteral("The year 1999 and 20000 BC; pi=3.14, e=2.71828182845904523536"),
};

struct ModelCase {
    const char* file;
};

std::vector<int32_t> parse_id_list(const QByteArray& out) {
    // llama-tokenize --ids prints one Python-style list: [1, 2, 3]
    std::vector<int32_t> ids;
    const int open = out.lastIndexOf('[');
    const int close = out.lastIndexOf(']');
    if (open < 0 || close < open) return {-1};
    const QByteArray body = out.mid(open + 1, close - open - 1);
    for (const QByteArray& part : body.split(',')) {
        const QByteArray t = part.trimmed();
        if (!t.isEmpty()) ids.push_back(t.toInt());
    }
    return ids;
}

QString ids_text(const std::vector<int32_t>& ids) {
    QStringList parts;
    for (const int32_t id : ids)
        parts << QString::number(id);
    return parts.join(' ');
}

}  // namespace

class TestTokenizerModels : public QObject {
    Q_OBJECT

    std::vector<int32_t> reference(const QString& model, const QByteArray& text,
                                   bool parse_special) {
        QProcess p;
        QStringList args = {"-m", model, "--stdin", "--ids", "--log-disable", "--no-bos"};
        if (!parse_special) args << "--no-parse-special";
        p.start(QStringLiteral(HEARTH_LLAMA_DIR "/llama-tokenize"), args);
        if (!p.waitForStarted(10000)) return {-2};
        p.write(text);
        p.closeWriteChannel();
        if (!p.waitForFinished(60000) || p.exitCode() != 0) return {-3};
        return parse_id_list(p.readAllStandardOutput());
    }

private slots:
    void matches_llama_cpp_data() {
        QTest::addColumn<QString>("model");
        QTest::newRow("smollm2") << QStringLiteral("smollm2-135m-instruct-q4_1.gguf");
        QTest::newRow("gemma3") << QStringLiteral("gemma3-270m-it-q4_k_m.gguf");
    }

    void matches_llama_cpp() {
        QFETCH(QString, model);
        const QString path = QDir(QStringLiteral(HEARTH_MODELS_DIR)).filePath(model);
        if (!QFile::exists(path)) QFAIL(qPrintable("model missing: " + path));
        if (!QFile::exists(QStringLiteral(HEARTH_LLAMA_DIR "/llama-tokenize"))) {
            QFAIL("llama-tokenize missing in " HEARTH_LLAMA_DIR);
        }
        const auto file = hearth::gguf::GgufFile::open(path.toStdString());
        const auto tok = Tokenizer::from_gguf(*file);

        int compared = 0;
        QStringList failures;
        for (const bool parse_special : {false, true}) {
            for (const QString& text : kTexts) {
                // Parsing specials only changes texts with markers; spare the slow runs.
                if (parse_special && !text.contains(QLatin1Char('<'))) continue;
                const QByteArray utf8 = text.toUtf8();
                const auto want = reference(path, utf8, parse_special);
                const auto got = tok->encode(std::string_view(utf8.constData(), utf8.size()), false,
                                             parse_special);
                ++compared;
                if (got != want) {
                    failures << QStringLiteral("parse_special=%1 \"%2\"\n  got  [%3]\n  want [%4]")
                                    .arg(parse_special)
                                    .arg(text, ids_text(got), ids_text(want));
                }
                if (!parse_special) {
                    QCOMPARE(QByteArray::fromStdString(tok->decode(got)), utf8);
                }
            }
        }
        qInfo("%s: %d/%d texts match llama-tokenize", qPrintable(model),
              compared - int(failures.size()), compared);
        if (!failures.isEmpty()) QFAIL(qPrintable(failures.join('\n')));
    }
};

QTEST_GUILESS_MAIN(TestTokenizerModels)
#include "test_tokenizer_models.moc"
