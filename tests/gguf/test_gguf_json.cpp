// gguf_to_json / gguf_to_text / json_quote on synthetic files.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <limits>

#include "gguf/gguf_json.h"
#include "gguf_builder.h"

using hearth::gguf::GgmlType;
using hearth::gguf::GgufFile;
using hearth::gguf::json_quote;
using hearth::gguf::ValueType;
using hearth::test::GgufBuilder;

class TestGgufJson : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    int counter_ = 0;

    std::unique_ptr<GgufFile> open(const GgufBuilder& b) {
        const QString path = dir_.filePath(QStringLiteral("f%1.gguf").arg(counter_++));
        if (!hearth::test::write_file(path, b.build())) qFatal("cannot write %s", qPrintable(path));
        return GgufFile::open(path.toStdString());
    }

private slots:
    void quoteEscapesAndKeepsValidUtf8() {
        QCOMPARE(json_quote("plain"), std::string("\"plain\""));
        QCOMPARE(json_quote("a\"b\\c"), std::string("\"a\\\"b\\\\c\""));
        QCOMPARE(json_quote("\n\t\r\b\f"), std::string("\"\\n\\t\\r\\b\\f\""));
        QCOMPARE(json_quote(std::string("\x01\x1f\x7f\0", 4)),
                 std::string("\"\\u0001\\u001f\\u007f\\u0000\""));
        QCOMPARE(json_quote("h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
                 std::string("\"h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""));
    }

    void quoteReplacesInvalidUtf8LikePython_data() {
        // Expected counts of U+FFFD are what Python's bytes.decode("utf-8", "replace") gives.
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("expected");
        const QByteArray r = "\xef\xbf\xbd";
        QTest::newRow("lone continuation") << QByteArray("\x80") << r;
        QTest::newRow("truncated at end") << QByteArray("a\xe2\x82") << "a" + r;
        QTest::newRow("truncated before ascii") << QByteArray(
                                                       "\xe2\x82"
                                                       "A")
                                                << r + "A";
        QTest::newRow("overlong 2-byte") << QByteArray("\xc0\xaf") << r + r;
        QTest::newRow("overlong 3-byte") << QByteArray("\xe0\x80\xaf") << r + r + r;
        QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << r + r + r;
        QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << r + r + r + r;
        QTest::newRow("truncated 4-byte") << QByteArray("\xf0\x9f\x98") << r;
        QTest::newRow("ff fe") << QByteArray("\xff\xfe") << r + r;
    }
    void quoteReplacesInvalidUtf8LikePython() {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, expected);
        const std::string quoted = json_quote(std::string_view(input.constData(), input.size()));
        QCOMPARE(QByteArray::fromStdString(quoted), "\"" + expected + "\"");
    }

    void jsonHasEveryValueTypeAndTensors() {
        GgufBuilder b;
        b.kv("u8", ValueType::UINT8).u8(7);
        b.kv("i8", ValueType::INT8).pod<int8_t>(-7);
        b.kv("u64", ValueType::UINT64).u64(std::numeric_limits<uint64_t>::max());
        b.kv("i64", ValueType::INT64).pod<int64_t>(std::numeric_limits<int64_t>::min());
        b.kv("eps", ValueType::FLOAT32).pod<float>(1e-5f);
        b.kv("third", ValueType::FLOAT32).pod<float>(1.0f / 3.0f);
        b.kv("pi", ValueType::FLOAT64).pod<double>(3.141592653589793);
        b.kv("nan", ValueType::FLOAT32).pod<float>(std::nanf(""));
        b.kv("ninf", ValueType::FLOAT64).pod<double>(-HUGE_VAL);
        b.kv("yes", ValueType::BOOL).u8(1);
        b.kv("text", ValueType::STRING).str("line\n\"q\" \xff");
        auto& nested = b.kv("nested", ValueType::ARRAY).array(ValueType::ARRAY, 2);
        nested.array(ValueType::STRING, 1).str("x");
        nested.array(ValueType::UINT16, 2).pod<uint16_t>(1).pod<uint16_t>(2);
        b.tensor("tok_embd", static_cast<uint32_t>(GgmlType::Q4_1), {64, 2}, 80);
        b.tensor("norm", static_cast<uint32_t>(GgmlType::F32), {64}, 256);
        const auto f = open(b);
        const std::string json = hearth::gguf::gguf_to_json(*f);

        // Exact spellings: integers in full, floats in their shortest round-trip form.
        QVERIFY(json.find("\"u64\":18446744073709551615") != std::string::npos);
        QVERIFY(json.find("\"i64\":-9223372036854775808") != std::string::npos);
        QVERIFY(json.find("\"eps\":1e-05") != std::string::npos);
        QVERIFY(json.find("\"third\":0.33333334") != std::string::npos);
        QVERIFY(json.find("\"pi\":3.141592653589793") != std::string::npos);
        QVERIFY(json.find("\"nan\":\"nan\"") != std::string::npos);
        QVERIFY(json.find("\"ninf\":\"-inf\"") != std::string::npos);

        QJsonParseError error;
        const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(json), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonObject root = doc.object();
        QCOMPARE(root.value("version").toInt(), 3);
        QCOMPARE(root.value("alignment").toInt(), 32);
        QCOMPARE(root.value("data_offset").toInteger(), qint64(f->data_offset()));
        QCOMPARE(root.value("file_size").toInteger(), qint64(f->file_size()));
        const QJsonObject meta = root.value("metadata").toObject();
        QCOMPARE(meta.size(), 12);
        QCOMPARE(meta.value("u8").toInt(), 7);
        QCOMPARE(meta.value("i8").toInt(), -7);
        QCOMPARE(float(meta.value("eps").toDouble()), 1e-5f);
        QCOMPARE(float(meta.value("third").toDouble()), 1.0f / 3.0f);
        QCOMPARE(meta.value("yes").toBool(), true);
        QCOMPARE(meta.value("text").toString(), QStringLiteral("line\n\"q\" \uFFFD"));
        const QJsonArray nestedJson = meta.value("nested").toArray();
        QCOMPARE(nestedJson.size(), 2);
        QCOMPARE(nestedJson[0].toArray()[0].toString(), QStringLiteral("x"));
        QCOMPARE(nestedJson[1].toArray()[1].toInt(), 2);

        const QJsonObject types = root.value("metadata_types").toObject();
        QCOMPARE(types.value("u8").toString(), QStringLiteral("UINT8"));
        QCOMPARE(types.value("eps").toString(), QStringLiteral("FLOAT32"));
        QCOMPARE(types.value("nested").toString(), QStringLiteral("ARRAY[ARRAY]"));

        const QJsonArray tensors = root.value("tensors").toArray();
        QCOMPARE(tensors.size(), 2);
        const QJsonObject t0 = tensors[0].toObject();
        QCOMPARE(t0.value("name").toString(), QStringLiteral("tok_embd"));
        QCOMPARE(t0.value("type").toString(), QStringLiteral("Q4_1"));
        QCOMPARE(t0.value("shape").toArray(), QJsonArray({64, 2}));
        QCOMPARE(t0.value("offset").toInt(), 0);
        QCOMPARE(t0.value("n_bytes").toInt(), 80);
        QCOMPARE(tensors[1].toObject().value("offset").toInt(), 96);
    }

    void textAbbreviatesLongArraysAndStrings() {
        GgufBuilder b;
        b.kv("general.architecture", ValueType::STRING).str("llama");
        auto& tokens =
            b.kv("tokenizer.ggml.tokens", ValueType::ARRAY).array(ValueType::STRING, 100);
        for (int i = 0; i < 100; ++i)
            tokens.str("tok" + std::to_string(i));
        b.kv("tokenizer.chat_template", ValueType::STRING).str(std::string(500, 'x'));
        b.kv("evil\x1b[2J", ValueType::UINT32).u32(1);
        b.tensor("output.weight", static_cast<uint32_t>(GgmlType::Q6_K), {256, 4}, 840);
        const auto f = open(b);
        const std::string text = hearth::gguf::gguf_to_text(*f);
        QVERIFY(text.find("GGUF v3") != std::string::npos);
        QVERIFY(text.find("metadata (4 keys)") != std::string::npos);
        QVERIFY(text.find("\"llama\"") != std::string::npos);
        QVERIFY(text.find("100 items [\"tok0\", \"tok1\"") != std::string::npos);
        QVERIFY(text.find("... 92 more]") != std::string::npos);
        QVERIFY(text.find("tok99") == std::string::npos);
        QVERIFY(text.find("... (500 bytes)") != std::string::npos);
        QVERIFY(text.find('\x1b') == std::string::npos);  // control bytes never reach a tty
        QVERIFY(text.find("tensors (1)") != std::string::npos);
        QVERIFY(text.find("output.weight") != std::string::npos);
        QVERIFY(text.find("Q6_K") != std::string::npos);
        QVERIFY(text.find("[256, 4]") != std::string::npos);
        QVERIFY(text.find("840") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestGgufJson)
#include "test_gguf_json.moc"
