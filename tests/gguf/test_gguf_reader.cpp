// GgufFile on synthetic files: every value type, nested arrays, v2/v3, alignment, tensor
// layout, and each way a file can be malformed.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <limits>

#include "gguf/ggml_type.h"
#include "gguf/gguf_file.h"
#include "gguf_builder.h"

using hearth::Error;
using hearth::ErrorCode;
using hearth::gguf::Array;
using hearth::gguf::GgmlType;
using hearth::gguf::GgufError;
using hearth::gguf::GgufFile;
using hearth::gguf::ValueType;
using hearth::test::GgufBuilder;

class TestGgufReader : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    int counter_ = 0;

    std::string save(const std::string& bytes) {
        const QString path = dir_.filePath(QStringLiteral("f%1.gguf").arg(counter_++));
        if (!hearth::test::write_file(path, bytes)) qFatal("cannot write %s", qPrintable(path));
        return path.toStdString();
    }
    std::unique_ptr<GgufFile> open(const GgufBuilder& b) { return GgufFile::open(save(b.build())); }

    // Opens bytes that must be rejected; returns the error for the caller to inspect.
    GgufError expect_error(const std::string& bytes) {
        const std::string path = save(bytes);
        try {
            GgufFile::open(path);
        } catch (const GgufError& e) {
            const std::string prefix = path + ": offset " + std::to_string(e.offset()) + ": ";
            if (std::string(e.what()).rfind(prefix, 0) != 0) {
                qWarning("message does not start with '%s': %s", prefix.c_str(), e.what());
                throw;
            }
            return e;
        }
        throw std::runtime_error("file was accepted: " + path);
    }
    static bool mentions(const GgufError& e, const char* text) {
        return e.what_was_wrong().find(text) != std::string::npos;
    }

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void everyScalarType() {
        GgufBuilder b;
        b.kv("u8", ValueType::UINT8).u8(200);
        b.kv("i8", ValueType::INT8).pod<int8_t>(-100);
        b.kv("u16", ValueType::UINT16).pod<uint16_t>(65000);
        b.kv("i16", ValueType::INT16).pod<int16_t>(-32000);
        b.kv("u32", ValueType::UINT32).u32(4294967295u);
        b.kv("i32", ValueType::INT32).pod<int32_t>(-2000000000);
        b.kv("f32", ValueType::FLOAT32).pod<float>(1e-5f);
        b.kv("bool", ValueType::BOOL).u8(1);
        b.kv("str", ValueType::STRING).str("h\xc3\xa9llo");
        b.kv("u64", ValueType::UINT64).u64(std::numeric_limits<uint64_t>::max());
        b.kv("i64", ValueType::INT64).pod<int64_t>(std::numeric_limits<int64_t>::min());
        b.kv("f64", ValueType::FLOAT64).pod<double>(-2.5e300);
        b.kv("empty", ValueType::STRING).str("");
        const auto f = open(b);

        QCOMPARE(f->version(), 3u);
        QCOMPARE(f->metadata().size(), size_t{13});
        QCOMPARE(f->metadata()[0].first, std::string("u8"));  // file order kept
        QCOMPARE(f->metadata()[12].first, std::string("empty"));
        QCOMPARE(f->find("u8")->type, ValueType::UINT8);
        QCOMPARE(f->get_int("u8"), std::optional<int64_t>(200));
        QCOMPARE(f->get_int("i8"), std::optional<int64_t>(-100));
        QCOMPARE(f->get_int("u16"), std::optional<int64_t>(65000));
        QCOMPARE(f->get_int("i16"), std::optional<int64_t>(-32000));
        QCOMPARE(f->get_int("u32"), std::optional<int64_t>(4294967295LL));
        QCOMPARE(f->find("i32")->type, ValueType::INT32);
        QCOMPARE(f->get_int("i32"), std::optional<int64_t>(-2000000000));
        QCOMPARE(f->get_float("f32").value(), static_cast<double>(1e-5f));
        QCOMPARE(f->get_bool("bool"), std::optional<bool>(true));
        QCOMPARE(f->get_string("str"), std::optional<std::string>("h\xc3\xa9llo"));
        QCOMPARE(std::get<uint64_t>(f->find("u64")->data), std::numeric_limits<uint64_t>::max());
        QVERIFY(!f->find("u64")->as_int());  // does not fit int64
        QVERIFY(f->find("u64")->is_integer());
        QCOMPARE(f->get_int("i64"), std::optional<int64_t>(std::numeric_limits<int64_t>::min()));
        QCOMPARE(f->get_float("f64").value(), -2.5e300);
        QCOMPARE(f->get_float("u16").value(), 65000.0);  // integers read as numbers too
        QCOMPARE(f->get_string("empty"), std::optional<std::string>(""));
        QVERIFY(!f->get_string("absent"));
        QVERIFY(!f->get_int("absent"));
        QVERIFY(f->get_array("absent") == nullptr);
        QVERIFY(f->find("absent") == nullptr);
        QVERIFY(f->tensors().empty());
    }

    void typedLookupOfWrongTypeThrowsWithOffset() {
        GgufBuilder b;
        b.kv("first", ValueType::UINT32).u32(1);
        b.kv("name", ValueType::STRING).str("x");
        b.kv("big", ValueType::UINT64).u64(std::numeric_limits<uint64_t>::max());
        const auto f = open(b);
        const uint64_t name_at = 24 + (8 + 5 + 4 + 4);  // header, then the first entry
        try {
            f->get_int("name");
            QFAIL("get_int on a STRING did not throw");
        } catch (const GgufError& e) {
            QCOMPARE(e.offset(), name_at);
            QVERIFY(e.what_was_wrong().find("STRING") != std::string::npos);
        }
        QVERIFY_THROWS_EXCEPTION(GgufError, f->get_string("first"));
        QVERIFY_THROWS_EXCEPTION(GgufError, f->get_bool("first"));
        QVERIFY_THROWS_EXCEPTION(GgufError, f->get_array("first"));
        QVERIFY_THROWS_EXCEPTION(GgufError, f->get_float("name"));
        QVERIFY_THROWS_EXCEPTION(GgufError, f->get_int("big"));
    }

    void arraysIncludingNested() {
        GgufBuilder b;
        b.kv("tokens", ValueType::ARRAY).array(ValueType::STRING, 3).str("a").str("").str("<s>");
        b.kv("scores", ValueType::ARRAY).array(ValueType::FLOAT32, 2).pod(0.5f).pod(-1.0f);
        b.kv("empty", ValueType::ARRAY).array(ValueType::INT32, 0);
        b.kv("flags", ValueType::ARRAY).array(ValueType::BOOL, 2).u8(0).u8(1);
        // [[1, 2], [], [3]] as INT64, then [[["deep"]]].
        auto& nested = b.kv("nested", ValueType::ARRAY).array(ValueType::ARRAY, 3);
        nested.array(ValueType::INT64, 2).pod<int64_t>(1).pod<int64_t>(2);
        nested.array(ValueType::INT64, 0);
        nested.array(ValueType::INT64, 1).pod<int64_t>(3);
        b.kv("deep", ValueType::ARRAY)
            .array(ValueType::ARRAY, 1)
            .array(ValueType::ARRAY, 1)
            .array(ValueType::STRING, 1)
            .str("deep");
        const auto f = open(b);

        const Array* tokens = f->get_array("tokens");
        QVERIFY(tokens);
        QCOMPARE(tokens->element_type, ValueType::STRING);
        QCOMPARE(tokens->items.size(), size_t{3});
        QCOMPARE(*tokens->items[2].as_string(), std::string("<s>"));
        QCOMPARE(*tokens->items[1].as_string(), std::string());
        const Array* scores = f->get_array("scores");
        QCOMPARE(scores->items[0].as_float().value(), 0.5);
        QCOMPARE(scores->items[1].type, ValueType::FLOAT32);
        QCOMPARE(f->get_array("empty")->items.size(), size_t{0});
        QCOMPARE(f->get_array("empty")->element_type, ValueType::INT32);
        QCOMPARE(std::get<bool>(f->get_array("flags")->items[1].data), true);

        const Array* outer = f->get_array("nested");
        QCOMPARE(outer->element_type, ValueType::ARRAY);
        QCOMPARE(outer->items.size(), size_t{3});
        QCOMPARE(outer->items[0].as_array()->items.size(), size_t{2});
        QCOMPARE(outer->items[0].as_array()->items[1].as_int(), std::optional<int64_t>(2));
        QCOMPARE(outer->items[1].as_array()->items.size(), size_t{0});
        QCOMPARE(outer->items[2].as_array()->items[0].as_int(), std::optional<int64_t>(3));
        const Array* deep = f->get_array("deep");
        const auto& leaf = deep->items[0].as_array()->items[0].as_array()->items[0];
        QCOMPARE(*leaf.as_string(), std::string("deep"));
    }

    void versionsTwoAndThreeReadAlike() {
        for (uint32_t version : {2u, 3u}) {
            GgufBuilder b;
            b.version = version;
            b.kv("general.architecture", ValueType::STRING).str("llama");
            b.tensor("w", 0, {4, 2}, 32);
            const auto f = open(b);
            QCOMPARE(f->version(), version);
            QCOMPARE(f->get_string("general.architecture").value(), std::string("llama"));
            QCOMPARE(f->tensors().size(), size_t{1});
        }
    }

    void rejectsOtherVersionsAndMagic() {
        GgufBuilder b;
        b.version = 1;
        auto e = expect_error(b.build());
        QCOMPARE(e.offset(), uint64_t{4});
        QVERIFY(mentions(e, "version 1 is not supported"));
        QCOMPARE(e.code(), ErrorCode::format);

        b.version = 4;
        e = expect_error(b.build());
        QVERIFY(mentions(e, "unsupported GGUF version 4"));

        b.version = 0x03000000;  // v3 written big-endian
        QVERIFY(mentions(expect_error(b.build()), "big-endian"));

        b.version = 3;
        std::string bytes = b.build();
        bytes[0] = 'g';
        e = expect_error(bytes);
        QCOMPARE(e.offset(), uint64_t{0});
        QVERIFY(mentions(e, "not a GGUF file"));
        QVERIFY(mentions(expect_error(""), "not a GGUF file"));
        QVERIFY(mentions(expect_error("GGUF"), "truncated"));
    }

    void ioErrorsAreNotFormatErrors() {
        try {
            GgufFile::open(dir_.filePath(QStringLiteral("missing.gguf")).toStdString());
            QFAIL("opened a missing file");
        } catch (const GgufError&) {
            QFAIL("missing file reported as a format error");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::io);
        }
        try {
            GgufFile::open(dir_.path().toStdString());
            QFAIL("opened a directory");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::io);
        }
    }

    void defaultAlignmentAndDataSection() {
        GgufBuilder b;
        b.kv("general.name", ValueType::STRING).str("abc");
        const uint64_t off_a = b.tensor("a", static_cast<uint32_t>(GgmlType::F32), {3}, 12);
        const uint64_t off_b = b.tensor("b", static_cast<uint32_t>(GgmlType::F16), {5, 2}, 20);
        const std::string bytes = b.build();
        const auto f = GgufFile::open(save(bytes));
        QCOMPARE(f->alignment(), uint64_t{32});
        QCOMPARE(f->data_offset(), b.data_offset());
        QCOMPARE(f->data_offset() % 32, uint64_t{0});
        QCOMPARE(f->file_size(), uint64_t(bytes.size()));
        const auto* a = f->find_tensor("a");
        const auto* t = f->find_tensor("b");
        QVERIFY(a && t);
        QCOMPARE(a->offset, off_a);
        QCOMPARE(t->offset, off_b);
        QCOMPARE(off_b, uint64_t{32});
        QCOMPARE(t->n_elements, uint64_t{10});
        QCOMPARE(t->n_bytes, uint64_t{20});
        QCOMPARE(t->type, GgmlType::F16);
        QCOMPARE(t->shape, (std::vector<uint64_t>{5, 2}));
        // data points at the right bytes of the mapping (the builder's counting pattern).
        QCOMPARE(std::memcmp(t->data, bytes.data() + f->data_offset() + off_b, 20), 0);
        QCOMPARE(int(t->data[1]), 8);
        QVERIFY(f->find_tensor("c") == nullptr);
    }

    void customAlignment() {
        GgufBuilder b;
        b.alignment = 64;
        b.kv("general.alignment", ValueType::UINT32).u32(64);
        b.tensor("a", static_cast<uint32_t>(GgmlType::I8), {3}, 3);
        b.tensor("b", static_cast<uint32_t>(GgmlType::I8), {5}, 5);
        const auto f = open(b);
        QCOMPARE(f->alignment(), uint64_t{64});
        QCOMPARE(f->data_offset() % 64, uint64_t{0});
        QCOMPARE(f->find_tensor("b")->offset, uint64_t{64});

        // A tensor offset aligned to 32 but not to the declared 64 is refused.
        GgufBuilder m;
        m.alignment = 64;
        m.kv("general.alignment", ValueType::UINT32).u32(64);
        m.tensor("a", 0, {4}, 16, 32);
        QVERIFY(mentions(expect_error(m.build()), "not a multiple of the alignment 64"));
    }

    void badAlignmentValues() {
        for (uint32_t value : {0u, 48u}) {
            GgufBuilder b;
            b.kv("general.alignment", ValueType::UINT32).u32(value);
            const auto e = expect_error(b.build());
            QCOMPARE(e.offset(), uint64_t{24});
            QVERIFY(mentions(e, "power of two"));
        }
        GgufBuilder b;
        b.kv("general.alignment", ValueType::UINT64).u64(32);
        QVERIFY(mentions(expect_error(b.build()), "must be UINT32"));
    }

    void tensorSizesFollowBlockGeometry() {
        GgufBuilder b;
        b.tensor("q4_k", static_cast<uint32_t>(GgmlType::Q4_K), {512, 3}, 2 * 3 * 144);
        b.tensor("q4_1", static_cast<uint32_t>(GgmlType::Q4_1), {64, 2}, 2 * 2 * 20);
        b.tensor("q6_k", static_cast<uint32_t>(GgmlType::Q6_K), {256}, 210);
        b.tensor("bf16", static_cast<uint32_t>(GgmlType::BF16), {7, 3, 2}, 7 * 3 * 2 * 2);
        b.tensor("mxfp4", static_cast<uint32_t>(GgmlType::MXFP4), {64, 1, 1, 2}, 4 * 17);
        b.tensor("tq2_0", static_cast<uint32_t>(GgmlType::TQ2_0), {256}, 66);
        b.tensor("zero", static_cast<uint32_t>(GgmlType::F32), {0, 4}, 0);
        const auto f = open(b);
        QCOMPARE(f->find_tensor("q4_k")->n_bytes, uint64_t{2 * 3 * 144});
        QCOMPARE(f->find_tensor("q4_k")->n_elements, uint64_t{1536});
        QCOMPARE(f->find_tensor("q4_1")->n_bytes, uint64_t{80});
        QCOMPARE(f->find_tensor("bf16")->n_bytes, uint64_t{84});
        QCOMPARE(f->find_tensor("mxfp4")->shape.size(), size_t{4});
        QCOMPARE(f->find_tensor("mxfp4")->n_bytes, uint64_t{68});
        QCOMPARE(f->find_tensor("tq2_0")->type, GgmlType::TQ2_0);
        QCOMPARE(f->find_tensor("zero")->n_bytes, uint64_t{0});
    }

    void malformedTensorInfos_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("row not a block multiple") << 0 << "not a multiple of the q4_0 block size";
        QTest::newRow("five dims") << 1 << "has 5 dimensions";
        QTest::newRow("removed type id") << 2 << "removed from ggml";
        QTest::newRow("unknown type id") << 3 << "type id 99, unknown";
        QTest::newRow("data past the end") << 4 << "runs past the end";
        QTest::newRow("overlap") << 5 << "overlaps tensor";
        QTest::newRow("duplicate name") << 6 << "duplicate tensor name 'a'";
        QTest::newRow("dim above 2^63") << 7 << "more than 2^63-1";
        QTest::newRow("element count overflow") << 8 << "element count overflows";
        QTest::newRow("misaligned offset") << 9 << "not a multiple of the alignment 32";
        QTest::newRow("offset near 2^64") << 10 << "runs past the end";
    }
    void malformedTensorInfos() {
        QFETCH(int, kind);
        QFETCH(QString, expected);
        GgufBuilder b;
        b.tensor("a", 0, {8}, 32);
        auto& raw = b.raw_tensor_info();
        switch (kind) {
            case 0:
                raw.str("t").u32(1).u64(33).u32(2).u64(64);
                break;
            case 1:
                raw.str("t").u32(5).u64(1).u64(1).u64(1).u64(1).u64(1).u32(0).u64(64);
                break;
            case 2:
                raw.str("t").u32(1).u64(32).u32(31).u64(64);
                break;
            case 3:
                raw.str("t").u32(1).u64(32).u32(99).u64(64);
                break;
            case 4:
                raw.str("t").u32(1).u64(1000).u32(0).u64(64);
                break;
            case 5:
                raw.str("t").u32(1).u64(4).u32(0).u64(0);
                break;
            case 6:
                raw.str("a").u32(1).u64(4).u32(0).u64(64);
                break;
            case 7:
                raw.str("t").u32(2).u64(1).u64(1ull << 63).u32(0).u64(64);
                break;
            case 8:
                raw.str("t").u32(2).u64(1ull << 40).u64(1ull << 40).u32(0).u64(64);
                break;
            case 9:
                raw.str("t").u32(1).u64(4).u32(0).u64(48);
                break;
            case 10:
                raw.str("t").u32(1).u64(4).u32(0).u64(~uint64_t{31});
                break;
        }
        const auto e = expect_error(b.build());
        QVERIFY2(mentions(e, expected.toUtf8().constData()), e.what());
        // Every tensor-info problem is located inside the tensor-info section.
        QVERIFY(e.offset() >= 24 + 8 + 1 && e.offset() < b.data_offset());
    }

    void malformedMetadata_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<qulonglong>("offset");
        QTest::newRow("kv count too large") << 0 << "metadata count" << 16ull;
        QTest::newRow("tensor count too large") << 1 << "tensor count" << 8ull;
        QTest::newRow("string length past end") << 2 << "string length" << 24ull + 8 + 1 + 4;
        QTest::newRow("array count past end") << 3 << "cannot fit" << 24ull + 8 + 1 + 4 + 4;
        QTest::newRow("unknown value type")
            << 4 << "unknown metadata value type 13" << 24ull + 8 + 1;
        QTest::newRow("unknown element type")
            << 5 << "unknown array element type 77" << 24ull + 8 + 1 + 4;
        QTest::newRow("bool not 0 or 1") << 6 << "BOOL value is 2" << 24ull + 8 + 1 + 4;
        QTest::newRow("duplicate key")
            << 7 << "duplicate metadata key 'k'" << 24ull + 8 + 1 + 4 + 4;
        QTest::newRow("truncated value") << 8 << "truncated" << 24ull + 8 + 1 + 4;
        QTest::newRow("key length past end") << 9 << "metadata key length" << 24ull;
    }
    void malformedMetadata() {
        QFETCH(int, kind);
        QFETCH(QString, expected);
        QFETCH(qulonglong, offset);
        GgufBuilder b;
        std::string bytes;
        switch (kind) {
            case 0:
                b.kv_count_override = 1ull << 40;
                break;
            case 1:
                b.tensor_count_override = std::numeric_limits<uint64_t>::max();
                break;
            case 2:
                b.kv("k", ValueType::STRING).u64(std::numeric_limits<uint64_t>::max());
                break;
            case 3:
                b.kv("k", ValueType::ARRAY).array(ValueType::UINT64, 1ull << 61);
                break;
            case 4:
                b.kv("k", static_cast<ValueType>(13)).u64(0);
                break;
            case 5:
                b.kv("k", ValueType::ARRAY).array(static_cast<ValueType>(77), 1).u64(0);
                break;
            case 6:
                b.kv("k", ValueType::BOOL).u8(2);
                break;
            case 7:
                b.kv("k", ValueType::UINT32).u32(1);
                b.kv("k", ValueType::UINT32).u32(2);
                break;
            case 8:
                b.kv("k", ValueType::UINT64).u32(7);
                break;
            case 9:
                b.kv_count_override = 1;
                break;
        }
        bytes = b.build();
        if (kind == 9)
            bytes += std::string(
                "\xff\xff\xff\xff\xff\xff\xff\x7f"
                "abcdefgh",
                16);
        const auto e = expect_error(bytes);
        QVERIFY2(mentions(e, expected.toUtf8().constData()), e.what());
        QCOMPARE(e.offset(), uint64_t(offset));
    }

    void nestingDepthIsBounded() {
        // 16 levels of ARRAY are accepted; 17 are refused before recursing further.
        for (int depth : {16, 17}) {
            GgufBuilder b;
            auto& w = b.kv("k", ValueType::ARRAY);
            for (int i = 1; i < depth; ++i)
                w.array(ValueType::ARRAY, 1);
            w.array(ValueType::UINT8, 1).u8(9);
            if (depth == 16) {
                const auto f = open(b);
                const auto* v = f->find("k");
                for (int i = 1; i < depth; ++i)
                    v = &v->as_array()->items[0];
                QCOMPARE(v->as_array()->items[0].as_int(), std::optional<int64_t>(9));
            } else {
                QVERIFY(mentions(expect_error(b.build()), "nested deeper than 16"));
            }
        }
    }

    void vocabularyFileWithoutPaddingOrTensors() {
        GgufBuilder b;
        b.kv("tokenizer.ggml.model", ValueType::STRING).str("gpt2");  // ends at an odd offset
        const std::string bytes = b.build();
        QVERIFY(bytes.size() % 32 != 0);
        const auto f = GgufFile::open(save(bytes));
        QCOMPARE(f->data_offset(), b.data_offset());
        QVERIFY(f->data_offset() > f->file_size());
    }

    void ggmlTypeTable() {
        using hearth::gguf::ggml_type_traits;
        QCOMPARE(ggml_type_traits(GgmlType::Q4_K).type_size, 144u);
        QCOMPARE(ggml_type_traits(GgmlType::Q4_K).block_size, 256u);
        QCOMPARE(ggml_type_traits(GgmlType::Q8_0).type_size, 34u);
        QCOMPARE(ggml_type_traits(GgmlType::IQ4_XS).type_size, 136u);
        QCOMPARE(ggml_type_traits(GgmlType::TQ1_0).type_size, 54u);
        QCOMPARE(ggml_type_traits(GgmlType::NVFP4).block_size, 64u);
        QCOMPARE(ggml_type_traits(GgmlType::Q1_0).block_size, 128u);
        QCOMPARE(hearth::gguf::ggml_type_name(GgmlType::Q6_K), std::string_view("q6_K"));
        QCOMPARE(hearth::gguf::ggml_type_upper_name(GgmlType::IQ2_XXS), std::string("IQ2_XXS"));
        QCOMPARE(hearth::gguf::ggml_type_from_name("q4_k"), std::optional(GgmlType::Q4_K));
        QCOMPARE(hearth::gguf::ggml_type_from_name("BF16"), std::optional(GgmlType::BF16));
        QVERIFY(!hearth::gguf::ggml_type_from_name("q4_2"));
        QVERIFY(!ggml_type_traits(4u));
        QVERIFY(!ggml_type_traits(hearth::gguf::kGgmlTypeIdLimit));
        int defined = 0;
        for (uint32_t id = 0; id < hearth::gguf::kGgmlTypeIdLimit; ++id) {
            const auto t = ggml_type_traits(id);
            const auto problem = hearth::gguf::ggml_type_id_problem(id);
            QVERIFY(t.has_value() == problem.empty());
            if (!t) continue;
            ++defined;
            QCOMPARE(static_cast<uint32_t>(t->type), id);
            QVERIFY(t->block_size > 0 && t->type_size > 0);
            QCOMPARE(hearth::gguf::ggml_type_from_name(t->name), std::optional(t->type));
        }
        QCOMPARE(defined, 43 - 8);  // 8 ids were removed from ggml
    }
};

QTEST_GUILESS_MAIN(TestGgufReader)
#include "test_gguf_reader.moc"
