// Quantizers and the model quantizer: every target type round-trips through the engine's
// dequantizer within its format's error, error falls with bits, a whole model keeps its
// metadata and gets the planned tensor types, and cancel / corrupt input / output == input
// leave no file behind. llama.cpp's side (byte equality with llama-quantize, loading in
// llama.cpp) is in test_quantize_vs_llama.cpp.
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <fstream>
#include <random>

#include "core/error.h"
#include "gguf/gguf_file.h"
#include "quant/model_quantizer.h"
#include "quant/quantize_row.h"
#include "quant_test_util.h"

using namespace hearth;
using gguf::GgmlType;
using namespace quant_test;

namespace {

const GgmlType kTargets[] = {GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0,
                             GgmlType::Q5_1, GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K};

// Worst relative RMS error allowed on Gaussian data: a b-bit uniform quantizer over the
// block's range has RMS error about range / (2^b * sqrt(12)); these bounds are ~1.5x that.
double errorBound(GgmlType t) {
    switch (t) {
        case GgmlType::Q8_0:
            return 0.01;
        case GgmlType::Q6_K:
            return 0.04;
        case GgmlType::Q5_0:
        case GgmlType::Q5_1:
        case GgmlType::Q5_K:
            return 0.07;
        default:
            return 0.14;  // 4-bit
    }
}

std::vector<float> gaussianRows(int64_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.0f, 1.0f);
    std::vector<float> x(static_cast<size_t>(n));
    for (auto& v : x)
        v = dist(rng);
    // An outlier and an all-zero 256-element stretch: scales must cope with both.
    x[17] = 9.0f;
    std::fill(x.begin() + 512, x.begin() + 768, 0.0f);
    return x;
}

bool sameScalar(const gguf::Value& a, const gguf::Value& b) {
    if (a.as_string() || b.as_string())
        return a.as_string() && b.as_string() && *a.as_string() == *b.as_string();
    if (const auto* x = std::get_if<uint64_t>(&a.data)) return *x == std::get<uint64_t>(b.data);
    if (const auto* x = std::get_if<int64_t>(&a.data)) return *x == std::get<int64_t>(b.data);
    if (const auto* x = std::get_if<double>(&a.data)) return *x == std::get<double>(b.data);
    return std::get<bool>(a.data) == std::get<bool>(b.data);
}

}  // namespace

class TestQuantize : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        model_ = dir_.filePath(QStringLiteral("random.gguf"));
        QVERIFY(makeRandomModel(model_));
        tied_ = dir_.filePath(QStringLiteral("random-tied.gguf"));
        QVERIFY(makeRandomModel(tied_, true));
    }

    void rowsRoundTrip_data() {
        QTest::addColumn<int>("type");
        for (GgmlType t : kTargets)
            QTest::newRow(gguf::ggml_type_upper_name(t).c_str()) << int(t);
    }
    void rowsRoundTrip() {
        QFETCH(int, type);
        const auto t = GgmlType(type);
        const int64_t n = 256 * 5;
        const auto x = gaussianRows(n, 7);
        std::vector<uint8_t> q(cpu::row_size(t, n));
        quant::quantize_row(t, x.data(), q.data(), n);
        std::vector<float> y(static_cast<size_t>(n));
        cpu::dequantize_row(t, q.data(), y.data(), n);
        for (int i = 512; i < 768; ++i)
            QCOMPARE(y[size_t(i)], 0.0f);  // zeros stay exactly zero
        const double err = relativeRmse(x, y);
        qInfo("relative rms error %.5f (bound %.3f)", err, errorBound(t));
        QVERIFY2(err < errorBound(t), qPrintable(QString::number(err)));
        QVERIFY2(err > 0, "a lossy format reproduced Gaussian data exactly");
        // Every finite: no NaN from a zero scale.
        for (float v : y)
            QVERIFY(std::isfinite(v));
    }

    void moreBitsLessError() {
        const int64_t n = 256 * 8;
        const auto x = gaussianRows(n, 11);
        auto err = [&](GgmlType t) {
            std::vector<uint8_t> q(cpu::row_size(t, n));
            quant::quantize_row(t, x.data(), q.data(), n);
            std::vector<float> y(static_cast<size_t>(n));
            cpu::dequantize_row(t, q.data(), y.data(), n);
            return relativeRmse(x, y);
        };
        QVERIFY(err(GgmlType::Q4_K) > err(GgmlType::Q5_K));
        QVERIFY(err(GgmlType::Q5_K) > err(GgmlType::Q6_K));
        QVERIFY(err(GgmlType::Q6_K) > err(GgmlType::Q8_0));
        QVERIFY(err(GgmlType::Q4_0) > err(GgmlType::Q5_0));
        // The K-quants' fitted scales beat the plain absmax scale at the same bit width.
        QVERIFY(err(GgmlType::Q4_K) < err(GgmlType::Q4_0));
    }

    void badRowsAreRefused() {
        std::vector<float> x(100, 1.0f);
        std::vector<uint8_t> q(1024);
        QVERIFY_THROWS_EXCEPTION(Error,
                                 quant::quantize_row(GgmlType::Q4_K, x.data(), q.data(), 100));
        QVERIFY_THROWS_EXCEPTION(Error,
                                 quant::quantize_row(GgmlType::IQ2_XS, x.data(), q.data(), 256));
        QVERIFY(!quant::parse_quantize_target("Q2_K"));
        QCOMPARE(*quant::parse_quantize_target("q4_k"), GgmlType::Q4_K);
    }

    void wholeModel_data() { rowsRoundTrip_data(); }
    void wholeModel() {
        QFETCH(int, type);
        const auto t = GgmlType(type);
        const QString out = dir_.filePath(QStringLiteral("out-%1.gguf").arg(type));
        quant::QuantizeOptions options;
        options.type = t;
        options.n_threads = 2;
        int calls = 0;
        options.progress = [&](const quant::QuantizeProgress&) { ++calls; };
        const auto report = quant::quantize_model(model_.toStdString(), out.toStdString(), options);
        QVERIFY(calls > 0);
        QVERIFY(report.source_quantized_types.empty());

        const auto in = gguf::GgufFile::open(model_.toStdString());
        const auto q = gguf::GgufFile::open(out.toStdString());
        QCOMPARE(q->file_size(), report.output_bytes);
        QCOMPARE(q->data_offset() % q->alignment(), uint64_t(0));
        // Metadata: everything copied, in order, file type and quantization version set.
        QCOMPARE(q->metadata().size(), in->metadata().size() + 1);  // + quantization_version
        for (const auto& [key, value] : in->metadata()) {
            const gguf::Value* v = q->find(key);
            QVERIFY2(v, key.c_str());
            if (key == "general.file_type") continue;
            QCOMPARE(int(v->type), int(value.type));
            if (const auto* a = value.as_array()) {
                QCOMPARE(v->as_array()->items.size(), a->items.size());
                QCOMPARE(int(v->as_array()->element_type), int(a->element_type));
            } else {
                QVERIFY2(sameScalar(*v, value), key.c_str());
            }
        }
        QCOMPARE(q->get_int("general.quantization_version"), std::optional<int64_t>(2));
        // Token strings survive byte for byte.
        const auto* tokens_in = in->get_array("tokenizer.ggml.tokens");
        const auto* tokens_out = q->get_array("tokenizer.ggml.tokens");
        for (size_t i = 0; i < tokens_in->items.size(); ++i)
            QCOMPARE(*tokens_out->items[i].as_string(), *tokens_in->items[i].as_string());

        QCOMPARE(q->tensors().size(), in->tensors().size());
        for (size_t i = 0; i < in->tensors().size(); ++i) {
            const auto& a = in->tensors()[i];
            const auto& b = q->tensors()[i];
            QCOMPARE(b.name, a.name);
            QVERIFY(b.shape == a.shape);
            QCOMPARE(b.offset % q->alignment(), uint64_t(0));
            GgmlType expected = t;
            if (a.shape.size() == 1) expected = GgmlType::F32;
            if (a.name == "output.weight" && t != GgmlType::Q8_0) expected = GgmlType::Q6_K;
            QVERIFY2(b.type == expected, a.name.c_str());
            const double err = relativeRmse(dequantized(a), dequantized(b));
            QVERIFY2(err < errorBound(b.type),
                     qPrintable(QString::fromStdString(a.name) + ": " + QString::number(err)));
        }
        QCOMPARE(filesIn(dir_.path()).filter(QStringLiteral("partial")).size(), 0);
    }

    void tiedEmbeddingIsTheOutput() {
        const QString out = dir_.filePath(QStringLiteral("tied-q4_0.gguf"));
        quant::QuantizeOptions options;
        options.type = GgmlType::Q4_0;
        quant::quantize_model(tied_.toStdString(), out.toStdString(), options);
        const auto q = gguf::GgufFile::open(out.toStdString());
        QCOMPARE(int(q->find_tensor("token_embd.weight")->type), int(GgmlType::Q6_K));
        QCOMPARE(int(q->find_tensor("blk.0.attn_q.weight")->type), int(GgmlType::Q4_0));

        options.keep_output_f16 = true;
        quant::quantize_model(tied_.toStdString(), out.toStdString(), options);  // overwrites
        const auto f = gguf::GgufFile::open(out.toStdString());
        QCOMPARE(int(f->find_tensor("token_embd.weight")->type), int(GgmlType::F16));
    }

    void shapeFallbacks() {
        // stories260K: 64-wide rows do not fill a 256 super-block; ffn_down is 172 wide and
        // fills no block at all.
        const QString out = dir_.filePath(QStringLiteral("stories-q4_k.gguf"));
        quant::QuantizeOptions options;
        options.type = GgmlType::Q4_K;
        const auto report =
            quant::quantize_model(vocabSource().toStdString(), out.toStdString(), options);
        const auto q = gguf::GgufFile::open(out.toStdString());
        QCOMPARE(int(q->find_tensor("blk.0.attn_q.weight")->type), int(GgmlType::Q5_0));
        QCOMPARE(int(q->find_tensor("blk.0.ffn_down.weight")->type), int(GgmlType::F16));
        QCOMPARE(int(q->find_tensor("output.weight")->type), int(GgmlType::Q8_0));
        bool noted = false;
        for (const auto& t : report.tensors)
            noted |= t.name == "blk.0.ffn_down.weight" && !t.note.empty();
        QVERIFY(noted);
    }

    void quantizedSourceIsReported() {
        const QString q8 = dir_.filePath(QStringLiteral("src-q8.gguf"));
        const QString q4 = dir_.filePath(QStringLiteral("from-q8.gguf"));
        quant::QuantizeOptions options;
        options.type = GgmlType::Q8_0;
        quant::quantize_model(model_.toStdString(), q8.toStdString(), options);
        options.type = GgmlType::Q4_0;
        const auto report = quant::quantize_model(q8.toStdString(), q4.toStdString(), options);
        QCOMPARE(report.source_quantized_types.size(), size_t(1));
        QCOMPARE(int(report.source_quantized_types[0]), int(GgmlType::Q8_0));
    }

    void cancelLeavesNoFile() {
        QTemporaryDir out_dir;
        const QString out = out_dir.filePath(QStringLiteral("cancelled.gguf"));
        std::atomic<bool> cancel{false};
        quant::QuantizeOptions options;
        options.type = GgmlType::Q4_K;
        options.cancel = &cancel;
        int seen = 0;
        options.progress = [&](const quant::QuantizeProgress& p) {
            // Cancel midway, once some tensor data has been written.
            if (++seen == 6) cancel = true;
            QVERIFY(p.elements_done <= p.elements_total);
        };
        try {
            quant::quantize_model(model_.toStdString(), out.toStdString(), options);
            QFAIL("a cancelled quantization returned normally");
        } catch (const Error& e) {
            QCOMPARE(int(e.code()), int(ErrorCode::cancelled));
        }
        QVERIFY(seen >= 6);
        QCOMPARE(filesIn(out_dir.path()), QStringList());
    }

    void corruptInputIsAClearError() {
        QTemporaryDir out_dir;
        // Truncate a valid model inside its tensor data.
        const QString bad = out_dir.filePath(QStringLiteral("truncated.gguf"));
        {
            std::ifstream in(model_.toStdString(), std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(in)), {});
            std::ofstream o(bad.toStdString(), std::ios::binary);
            o.write(bytes.data(), std::streamsize(bytes.size() / 2));
        }
        const QString out = out_dir.filePath(QStringLiteral("never.gguf"));
        quant::QuantizeOptions options;
        try {
            quant::quantize_model(bad.toStdString(), out.toStdString(), options);
            QFAIL("a truncated input was accepted");
        } catch (const Error& e) {
            QCOMPARE(int(e.code()), int(ErrorCode::format));
            QVERIFY2(QString::fromUtf8(e.what()).contains(bad), e.what());
        }
        QCOMPARE(filesIn(out_dir.path()), QStringList{QStringLiteral("truncated.gguf")});
    }

    void outputMustNotBeTheInput() {
        quant::QuantizeOptions options;
        try {
            quant::quantize_model(model_.toStdString(), model_.toStdString(), options);
            QFAIL("overwriting the input was accepted");
        } catch (const Error& e) {
            QCOMPARE(int(e.code()), int(ErrorCode::invalid_argument));
        }
        QVERIFY(gguf::GgufFile::open(model_.toStdString()));  // untouched
    }

private:
    QTemporaryDir dir_;
    QString model_, tied_;
};

QTEST_GUILESS_MAIN(TestQuantize)
#include "test_quantize.moc"
