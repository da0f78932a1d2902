// Tokenizers against llama.cpp's regression vectors (tests/data/tokenizer, see README.md
// there): every case of every vocabulary must give the expected ids. Also round trips,
// BOS/EOS flags and special-token parsing on the same vocabularies.
#include <QtTest>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "gguf/gguf_file.h"
#include "tokenizer/tokenizer.h"

using hearth::Tokenizer;

namespace {

const std::string kDataDir = std::string(HEARTH_TEST_DATA_DIR) + "/tokenizer/";

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct Case {
    std::string text;
    std::vector<int32_t> ids;
};

// .inp: CASE + "\n__ggml_vocab_test__\n" repeated; .out: one line of ids per case.
std::vector<Case> load_cases(const std::string& vocab_name) {
    const std::string inp = read_all(kDataDir + vocab_name + ".inp");
    const std::string out = read_all(kDataDir + vocab_name + ".out");
    const std::string marker = "\n__ggml_vocab_test__\n";
    std::vector<Case> cases;
    size_t pos = 0;
    for (size_t hit = inp.find(marker); hit != std::string::npos; hit = inp.find(marker, pos)) {
        cases.push_back({inp.substr(pos, hit - pos), {}});
        pos = hit + marker.size();
    }
    if (pos < inp.size()) cases.push_back({inp.substr(pos), {}});
    std::istringstream lines(out);
    std::string line;
    size_t i = 0;
    while (std::getline(lines, line)) {
        if (i >= cases.size()) return {};  // count mismatch: caller fails on size
        std::istringstream ids(line);
        int32_t id = 0;
        while (ids >> id)
            cases[i].ids.push_back(id);
        ++i;
    }
    if (i != cases.size()) return {};
    return cases;
}

std::unique_ptr<Tokenizer> load(const std::string& vocab_name) {
    const auto file = hearth::gguf::GgufFile::open(kDataDir + vocab_name);
    return Tokenizer::from_gguf(*file);
}

QString ids_text(const std::vector<int32_t>& ids) {
    QStringList parts;
    for (const int32_t id : ids)
        parts << QString::number(id);
    return parts.join(' ');
}

}  // namespace

class TestTokenizer : public QObject {
    Q_OBJECT

private slots:
    void vectors_data() {
        QTest::addColumn<QString>("vocab");
        for (const char* name : {"ggml-vocab-llama-spm.gguf", "ggml-vocab-gpt-2.gguf",
                                 "ggml-vocab-llama-bpe.gguf", "ggml-vocab-bert-bge.gguf"}) {
            QTest::newRow(name) << QString::fromLatin1(name);
        }
    }

    // All 46 cases per vocabulary, add_special = false, parse_special = false.
    void vectors() {
        QFETCH(QString, vocab);
        const std::string name = vocab.toStdString();
        const std::vector<Case> cases = load_cases(name);
        QCOMPARE(cases.size(), size_t(46));
        const auto tok = load(name);
        int passed = 0;
        QStringList failures;
        for (size_t i = 0; i < cases.size(); ++i) {
            const auto got = tok->encode(cases[i].text, false, false);
            if (got == cases[i].ids) {
                ++passed;
            } else if (failures.size() < 5) {
                failures << QString("case %1 %2: got [%3] want [%4]")
                                .arg(i)
                                .arg(QString::fromUtf8(cases[i].text.c_str()).toHtmlEscaped())
                                .arg(ids_text(got), ids_text(cases[i].ids));
            }
        }
        qInfo("%s: %d/%d cases pass", name.c_str(), passed, int(cases.size()));
        if (!failures.isEmpty()) QFAIL(qPrintable(failures.join('\n')));
    }

    // decode(encode(x)) == x wherever the vocabulary can represent x exactly: byte-level
    // BPE always can; SPM (byte fallback, no normalisation) can too.
    void round_trip_data() {
        QTest::addColumn<QString>("vocab");
        for (const char* name :
             {"ggml-vocab-llama-spm.gguf", "ggml-vocab-gpt-2.gguf", "ggml-vocab-llama-bpe.gguf"}) {
            QTest::newRow(name) << QString::fromLatin1(name);
        }
    }
    void round_trip() {
        QFETCH(QString, vocab);
        const std::string name = vocab.toStdString();
        const auto tok = load(name);
        const std::vector<Case> cases = load_cases(name);
        QVERIFY(!cases.empty());
        for (const Case& c : cases) {
            const std::string back = tok->decode(tok->encode(c.text, false, false));
            QCOMPARE(QByteArray::fromStdString(back), QByteArray::fromStdString(c.text));
        }
        // Invalid UTF-8 survives too (BPE keeps raw bytes, SPM falls back to byte tokens).
        const std::string invalid = "a\xFF\xC3 b\xE2\x82";
        QCOMPARE(QByteArray::fromStdString(tok->decode(tok->encode(invalid, false, false))),
                 QByteArray::fromStdString(invalid));
    }

    void add_special_flags() {
        const auto spm = load("ggml-vocab-llama-spm.gguf");
        QVERIFY(spm->add_bos());
        QVERIFY(!spm->add_eos());
        QCOMPARE(spm->bos(), 1);
        QCOMPARE(spm->eos(), 2);
        const auto plain = spm->encode("Hello world", false, false);
        const auto with_bos = spm->encode("Hello world", true, false);
        QCOMPARE(with_bos.size(), plain.size() + 1);
        QCOMPARE(with_bos.front(), 1);
        QVERIFY(std::equal(plain.begin(), plain.end(), with_bos.begin() + 1));
        // The empty text is nothing but the BOS.
        QCOMPARE(spm->encode("", true, false), std::vector<int32_t>{1});
        QVERIFY(spm->encode("", false, false).empty());
        QVERIFY(spm->is_eog(2));
        QVERIFY(!spm->is_eog(1));

        const auto gpt2 = load("ggml-vocab-gpt-2.gguf");
        QVERIFY(!gpt2->add_bos());  // the file has no add_bos_token: gpt2 default is off
        QCOMPARE(gpt2->encode("Hello", true, false), gpt2->encode("Hello", false, false));
        QVERIFY(gpt2->is_eog(50256));

        // WordPiece wraps the text in [CLS] ... [SEP] and decodes to the normalised words.
        const auto bert = load("ggml-vocab-bert-bge.gguf");
        const auto wrapped = bert->encode("Hello, World", true, false);
        QCOMPARE(wrapped.front(), 101);
        QCOMPARE(wrapped.back(), 102);
        QCOMPARE(QByteArray::fromStdString(bert->decode(wrapped)), QByteArray("hello , world"));
    }

    void parse_special() {
        const auto llama3 = load("ggml-vocab-llama-bpe.gguf");
        QVERIFY(llama3->add_bos());
        QCOMPARE(llama3->bos(), 128000);
        const std::string text = "<|begin_of_text|>Hello<|eot_id|>";
        const auto parsed = llama3->encode(text, false, true);
        const auto hello = llama3->encode("Hello", false, false);
        QCOMPARE(parsed.size(), hello.size() + 2);
        QCOMPARE(parsed.front(), 128000);
        QCOMPARE(parsed.back(), *llama3->find_token("<|eot_id|>"));
        QVERIFY(llama3->is_eog(parsed.back()));
        QVERIFY(llama3->is_eog(128001));
        // Not parsed: the markers are ordinary text, and no id is a control token.
        const auto plain = llama3->encode(text, false, false);
        QVERIFY(plain.size() > 6);
        for (const int32_t id : plain)
            QVERIFY(llama3->token_type(id) == hearth::TokenType::normal);
        QCOMPARE(QByteArray::fromStdString(llama3->decode(plain)), QByteArray::fromStdString(text));
        // add_special puts BOS first, then the parsed one follows as written.
        const auto both = llama3->encode(text, true, true);
        QCOMPARE(both[0], 128000);
        QCOMPARE(both[1], 128000);
        // Control tokens render only on request.
        QCOMPARE(QByteArray::fromStdString(llama3->decode(parsed)), QByteArray("Hello"));
        QCOMPARE(QByteArray::fromStdString(llama3->decode(parsed, true)),
                 QByteArray::fromStdString(text));

        // SPM: after a parsed special the dummy prefix comes back, as in llama.cpp.
        const auto spm = load("ggml-vocab-llama-spm.gguf");
        const auto s = spm->encode("<s>Hi", false, true);
        QCOMPARE(s.front(), 1);
        QCOMPARE(std::vector<int32_t>(s.begin() + 1, s.end()), spm->encode("Hi", false, false));
    }

    void pieces() {
        const auto spm = load("ggml-vocab-llama-spm.gguf");
        QCOMPARE(QByteArray::fromStdString(spm->token_to_piece(*spm->find_token("<0x0A>"))),
                 QByteArray("\n"));
        QCOMPARE(
            QByteArray::fromStdString(spm->token_to_piece(*spm->find_token("\xE2\x96\x81the"))),
            QByteArray(" the"));
        QCOMPARE(QByteArray::fromStdString(spm->token_to_piece(1)), QByteArray("<s>"));
        QVERIFY(spm->token_to_piece(1, false).empty());
        const auto gpt2 = load("ggml-vocab-gpt-2.gguf");
        QCOMPARE(QByteArray::fromStdString(gpt2->token_to_piece(*gpt2->find_token("\xC4\xA0the"))),
                 QByteArray(" the"));
        QCOMPARE(QByteArray::fromStdString(gpt2->token_to_piece(*gpt2->find_token("\xC4\x8A"))),
                 QByteArray("\n"));
        QVERIFY_THROWS_EXCEPTION(hearth::Error, gpt2->token_to_piece(gpt2->n_vocab()));
        QVERIFY_THROWS_EXCEPTION(hearth::Error, gpt2->token_to_piece(-1));
        QVERIFY(!gpt2->find_token("no such token here").has_value());
    }

    // Encoding ~10k tokens of text takes milliseconds.
    void speed() {
        std::string text;
        const std::string chunk =
            "The quick brown fox jumps over the lazy dog 1234567 times; "
            "naïve café — 日本語のテキスト 🦙🦙 and code: for (int i = 0; i < n; "
            "++i) "
            "{}\n";
        while (text.size() < 48000)
            text += chunk;
        for (const char* name :
             {"ggml-vocab-llama-spm.gguf", "ggml-vocab-gpt-2.gguf", "ggml-vocab-llama-bpe.gguf"}) {
            const auto tok = load(name);
            QElapsedTimer timer;
            timer.start();
            const auto ids = tok->encode(text, false, false);
            const qint64 ms = timer.elapsed();
            qInfo("%s: %zu tokens in %lld ms", name, ids.size(), ms);
            QVERIFY(ids.size() > 10000);
            QVERIFY2(ms < 2000, "encoding is far too slow");  // generous for ASan builds
        }
    }
};

QTEST_GUILESS_MAIN(TestTokenizer)
#include "test_tokenizer.moc"
