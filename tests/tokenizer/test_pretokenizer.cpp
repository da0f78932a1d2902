// Pre-tokenizer stages on hand-worked examples, for the families the vector files do not
// cover (qwen2, smollm/starcoder, default) and the corners of the ones they do.
#include <QtTest>

#include <string>
#include <vector>

#include "core/error.h"
#include "tokenizer/pretokenizer.h"

using hearth::PreTokenizer;

namespace {

QStringList split(const char* pre, const std::string& text) {
    QStringList out;
    for (const std::string_view w : PreTokenizer(pre).split(text)) {
        out << QString::fromUtf8(w.data(), static_cast<qsizetype>(w.size()));
    }
    return out;
}

}  // namespace

class TestPreTokenizer : public QObject {
    Q_OBJECT

private slots:
    void qwen2_one_digit_per_word() {
        QCOMPARE(
            split("qwen2", "Hello 2024 world's\n\n  x"),
            (QStringList{"Hello", " ", "2", "0", "2", "4", " world", "'s", "\n\n", " ", " x"}));
    }

    void llama3_three_digits_and_case_insensitive_contractions() {
        QCOMPARE(split("llama-bpe", "2024 I'M (ok)\r\n"),
                 (QStringList{"202", "4", " I", "'M", " (", "ok", ")\r\n"}));
    }

    void smollm_splits_digits_first() {
        QCOMPARE(split("smollm", "abc123 x9"), (QStringList{"abc", "1", "2", "3", " x", "9"}));
    }

    void gpt2_whitespace_runs() {
        QCOMPARE(split("gpt-2", "a   b  "), (QStringList{"a", "  ", " b", "  "}));
        QCOMPARE(split("gpt-2", "x\n y"), (QStringList{"x", "\n", " y"}));
    }

    void default_bpe_stages() {
        QCOMPARE(split("default", "Hello, world!!! 12345"),
                 (QStringList{"Hello", ",", " world", "!!!", " ", "123", "45"}));
    }

    void unicode_classes() {
        // Letters, numbers and punctuation beyond ASCII; an invalid byte stays its own word.
        QCOMPARE(split("gpt-2", "naïve ½ 日本。"), (QStringList{"naïve", " ½", " 日本", "。"}));
        const auto words = PreTokenizer("gpt-2").split("ab\xFF");
        QCOMPARE(words.size(), size_t(2));
        QCOMPARE(std::string(words[1]), std::string("\xFF"));
    }

    void unknown_name_throws() {
        QVERIFY_THROWS_EXCEPTION(hearth::Error, PreTokenizer("no-such-pre"));
    }
};

QTEST_GUILESS_MAIN(TestPreTokenizer)
#include "test_pretokenizer.moc"
