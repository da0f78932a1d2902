// Matmul shader variants against the CPU backend, every weight type with a shader, on odd
// shapes (rows 1/7/13/127/4097; tokens 1 (matvec), 3 and 17 (multi-token, partial tiles;
// 17 also takes Q6_K's tiled order); k = 32 * 13 for the 32-element formats, 256 * 3 for
// K-quants, and a k that is no multiple of 32 for the float formats).
//   Quantized weights: the device quantizes the activations to the CPU's int8 blocks (bytes
//   compared with the CPU's activation quantizer, ties and zero blocks included) and dots
//   them with the CPU's integer sums and float order, so on a CPU whose kernels run at the
//   AVX-512 level (the order the shaders follow) every output equals cpu::matmul's to the
//   bit; elsewhere it must agree to float rounding.
//   Float weights: against dequantize_row + a double-precision dot, within the fp32
//   accumulation error of a few hundred terms.
#include <QTest>
#include <algorithm>
#include <cmath>
#include <cstring>

#include "backend/cpu/cpu_features.h"
#include "backend/cpu/thread_pool.h"
#include "backend/vulkan/ops.h"
#include "quant_rows.h"
#include "vulkan_test_util.h"

using namespace hearth::vulkan;
using hearth::GgmlType;
Q_DECLARE_METATYPE(hearth::GgmlType)

namespace {

bool is_k_quant(GgmlType t) {
    return t == GgmlType::Q4_K || t == GgmlType::Q5_K || t == GgmlType::Q6_K;
}

const GgmlType kQuantTypes[] = {GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1,
                                GgmlType::Q8_0, GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K};

// Activations with the awkward cases of the quantizers: a zero block, a block whose largest
// magnitude is negative, values that land exactly halfway between two int8 steps (ties go
// to even), and a block with a lone tiny value (its scale is a subnormal half).
std::vector<float> awkward_activations(std::mt19937& rng, int64_t k, int64_t tokens) {
    auto x = vulkan_test::random_floats(rng, size_t(k * tokens));
    for (int64_t j = 0; j < 32 && j < k; ++j)
        x[size_t(j)] = 0.0f;
    if (k >= 96) {
        for (int64_t j = 32; j < 64; ++j)
            x[size_t(j)] = float(j - 40) * 0.5f;
        x[40] = -12.7f;  // the largest magnitude of its block, negative
        for (int64_t j = 64; j < 96; ++j)
            x[size_t(j)] = 0.0f;
        x[70] = 1e-5f;
    }
    // Halfway cases: 127/amax * x = n + 0.5 when x = (n + 0.5) * amax / 127 with amax = 127.
    if (k >= 160) {
        x[128] = 127.0f;
        for (int64_t j = 129; j < 160; ++j)
            x[size_t(j)] = float(j - 145) + 0.5f;
    }
    return x;
}

}  // namespace

class TestVulkanMatmul : public QObject {
    Q_OBJECT

private slots:
    void quantizedActivationsMatchCpu_data() {
        QTest::addColumn<GgmlType>("type");
        for (GgmlType t : {GgmlType::Q4_1, GgmlType::Q8_0, GgmlType::Q4_K}) {
            QTest::newRow(std::string(hearth::gguf::ggml_type_name(t)).c_str()) << t;
        }
    }

    // The device's activation blocks equal the CPU's byte for byte (Q8_0 weights use the
    // Q8_1 layout's d and q, which are Q8_0's).
    void quantizedActivationsMatchCpu() {
        QFETCH(GgmlType, type);
        VK_REQUIRE_CONTEXT(ctx);
        const GgmlType act = hearth::cpu::vec_dot_type(type);
        const int64_t k = is_k_quant(type) ? 256 * 3 : 32 * 13;
        std::mt19937 rng(99 + int(type));
        for (int64_t tokens : {1, 5}) {
            const auto x = awkward_activations(rng, k, tokens);
            Allocation xbuf = vulkan_test::upload(*ctx, x);
            const size_t bytes = ops::quantized_activation_bytes(type, k, tokens);
            Allocation qbuf(ctx->memory(), bytes);
            ops::quantize_activations(*ctx, type, xbuf.region(), k, tokens, qbuf.region());
            const auto got = vulkan_test::download<uint8_t>(*ctx, qbuf, bytes);

            const size_t cpu_row = hearth::cpu::row_size(act, k);
            std::vector<uint8_t> want(cpu_row * size_t(tokens));
            for (int64_t t = 0; t < tokens; ++t) {
                hearth::cpu::quantize_row_activation(act, x.data() + t * k,
                                                     want.data() + size_t(t) * cpu_row, k);
            }
            if (act == GgmlType::Q8_0) {
                // 36-byte Q8_1-layout blocks on the device, 34-byte Q8_0 on the CPU.
                QCOMPARE(got.size(), want.size() / 34 * 36);
                for (size_t b = 0; b < want.size() / 34; ++b) {
                    QVERIFY2(std::memcmp(&got[b * 36], &want[b * 34], 2) == 0,
                             qPrintable(QString("block %1: d differs").arg(b)));
                    QVERIFY2(std::memcmp(&got[b * 36 + 4], &want[b * 34 + 2], 32) == 0,
                             qPrintable(QString("block %1: q differs").arg(b)));
                }
            } else {
                QCOMPARE(got.size(), want.size());
                for (size_t i = 0; i < got.size(); ++i) {
                    if (got[i] != want[i]) {
                        QFAIL(qPrintable(QString("tokens %1: byte %2 is %3, CPU wrote %4")
                                             .arg(tokens)
                                             .arg(i)
                                             .arg(got[i])
                                             .arg(want[i])));
                    }
                }
            }
        }
    }

    // Each type in the variant the device gets, without integer dot products (the plain
    // integer code) and with no optional feature at all (the driver's own fma), the last
    // two forced with HEARTH_VULKAN_PORTABLE.
    void quantizedMatchesCpuMatmul_data() {
        QTest::addColumn<GgmlType>("type");
        QTest::addColumn<QByteArray>("portable");
        for (const char* portable : {"0", "int-dot", "1"}) {
            for (GgmlType t : kQuantTypes) {
                const QByteArray label = portable[0] == '0'   ? QByteArray("device")
                                         : portable[0] == '1' ? QByteArray("portable")
                                                              : QByteArray("no ") + portable;
                const std::string name =
                    std::string(hearth::gguf::ggml_type_name(t)) + " " + label.toStdString();
                QTest::newRow(name.c_str()) << t << QByteArray(portable);
            }
        }
    }

    void quantizedMatchesCpuMatmul() {
        QFETCH(GgmlType, type);
        QFETCH(QByteArray, portable);
        VK_REQUIRE_CONTEXT(ctx);
        QVERIFY(ops::weight_type_supported(type));
        qputenv("HEARTH_VULKAN_PORTABLE", portable);
        struct Unset {
            ~Unset() { qunsetenv("HEARTH_VULKAN_PORTABLE"); }
        } unset;
        // Bit-exact where the device's fma is fused or emulated exactly (device_info.h).
        const DeviceInfo& info = ctx->info();
        const bool exact_fma = !info.splits_fma || use_exact_fma_variants(info);
        const bool exact =
            exact_fma && hearth::cpu::active_simd_level() == hearth::cpu::SimdLevel::avx512;
        const int64_t k = is_k_quant(type) ? 256 * 3 : 32 * 13;
        std::mt19937 rng(1234 + int(type));
        hearth::cpu::ThreadPool pool(1);
        for (int64_t rows : {1, 7, 13, 127, 4097}) {
            const auto weights = vulkan_test::random_weights(rng, type, rows, k);
            const size_t stride = hearth::cpu::row_size(type, k);
            Allocation wbuf = vulkan_test::upload(*ctx, weights);
            for (int64_t tokens : {1, 3, 17}) {
                if (rows == 4097 && tokens == 17) continue;  // the suite stays fast under ASan
                const auto x = awkward_activations(rng, k, tokens);
                Allocation xbuf = vulkan_test::upload(*ctx, x);
                Allocation ybuf(ctx->memory(), size_t(tokens * rows) * sizeof(float));
                ops::matmul(*ctx, type, wbuf.region(), stride, k, rows, xbuf.region(), tokens,
                            ybuf.region());
                const auto y = vulkan_test::download<float>(*ctx, ybuf, size_t(tokens * rows));
                std::vector<float> want(size_t(tokens * rows));
                hearth::cpu::matmul(pool, {type, k, rows, weights.data(), stride}, x.data(), tokens,
                                    want.data());
                // Otherwise within float rounding of sums as large as the largest output.
                float largest = 0;
                for (float v : want)
                    largest = std::max(largest, std::fabs(v));
                for (size_t i = 0; i < want.size(); ++i) {
                    const bool ok = exact ? std::memcmp(&y[i], &want[i], 4) == 0
                                          : std::fabs(y[i] - want[i]) <=
                                                1e-4f * std::fabs(want[i]) + 1e-5f * largest;
                    if (!ok) {
                        QFAIL(qPrintable(QString("rows %1 tokens %2: y[%3][%4] = %5, CPU %6")
                                             .arg(rows)
                                             .arg(tokens)
                                             .arg(int64_t(i) / rows)
                                             .arg(int64_t(i) % rows)
                                             .arg(double(y[i]), 0, 'g', 9)
                                             .arg(double(want[i]), 0, 'g', 9)));
                    }
                }
            }
        }
    }

    void floatMatchesDequantizedReference_data() {
        QTest::addColumn<GgmlType>("type");
        for (GgmlType t : {GgmlType::F32, GgmlType::F16, GgmlType::BF16})
            QTest::newRow(std::string(hearth::gguf::ggml_type_name(t)).c_str()) << t;
    }

    void floatMatchesDequantizedReference() {
        QFETCH(GgmlType, type);
        VK_REQUIRE_CONTEXT(ctx);
        const int64_t k = 32 * 13 + 5;
        std::mt19937 rng(1234 + int(type));
        for (int64_t rows : {1, 7, 127}) {
            const auto weights = vulkan_test::random_weights(rng, type, rows, k);
            const size_t stride = hearth::cpu::row_size(type, k);
            std::vector<float> w(size_t(rows * k));
            for (int64_t r = 0; r < rows; ++r) {
                hearth::cpu::dequantize_row(type, weights.data() + size_t(r) * stride,
                                            w.data() + r * k, k);
            }
            Allocation wbuf = vulkan_test::upload(*ctx, weights);
            for (int64_t tokens : {1, 3, 17}) {
                const auto x = vulkan_test::random_floats(rng, size_t(tokens * k));
                Allocation xbuf = vulkan_test::upload(*ctx, x);
                Allocation ybuf(ctx->memory(), size_t(tokens * rows) * sizeof(float));
                ops::matmul(*ctx, type, wbuf.region(), stride, k, rows, xbuf.region(), tokens,
                            ybuf.region());
                const auto y = vulkan_test::download<float>(*ctx, ybuf, size_t(tokens * rows));
                for (int64_t t = 0; t < tokens; ++t) {
                    for (int64_t r = 0; r < rows; ++r) {
                        double dot = 0, mag = 0;
                        for (int64_t i = 0; i < k; ++i) {
                            dot += double(w[size_t(r * k + i)]) * x[size_t(t * k + i)];
                            mag += std::fabs(double(w[size_t(r * k + i)]) * x[size_t(t * k + i)]);
                        }
                        const double got = y[size_t(t * rows + r)];
                        if (!(std::fabs(got - dot) <= 2e-5 * mag + 1e-6)) {
                            QFAIL(qPrintable(QString("rows %1 tokens %2: y[%3][%4] = %5, want %6")
                                                 .arg(rows)
                                                 .arg(tokens)
                                                 .arg(t)
                                                 .arg(r)
                                                 .arg(got)
                                                 .arg(dot)));
                        }
                    }
                }
            }
        }
    }

    // A weight larger than one binding goes in windows of rows (HEARTH_VULKAN_FAULT=
    // small-bindings caps bindings at 64 KiB): the results are those of one binding, for the
    // matmul and for get_rows of the same table.
    void largeWeightsGoInWindows() {
        VK_REQUIRE_CONTEXT(ctx);
        std::mt19937 rng(77);
        for (GgmlType type : {GgmlType::Q8_0, GgmlType::Q6_K, GgmlType::F16}) {
            const int64_t k = is_k_quant(type) ? 256 : 32 * 13;
            const int64_t rows = 1001;
            const size_t stride = hearth::cpu::row_size(type, k);
            QVERIFY(stride * size_t(rows) > (64u << 10));  // several windows
            const auto weights = vulkan_test::random_weights(rng, type, rows, k);
            Allocation wbuf = vulkan_test::upload(*ctx, weights);
            const std::vector<int32_t> ids = {1000, 0, 517, 3, 999};
            Allocation idbuf = vulkan_test::upload(*ctx, ids);
            const std::vector<float> xs[2] = {vulkan_test::random_floats(rng, size_t(k)),
                                              vulkan_test::random_floats(rng, size_t(5 * k))};
            std::vector<std::vector<float>> results;
            for (bool split : {false, true}) {
                if (split) qputenv("HEARTH_VULKAN_FAULT", "small-bindings");
                for (const std::vector<float>& x : xs) {
                    const int64_t tokens = int64_t(x.size()) / k;
                    Allocation xbuf = vulkan_test::upload(*ctx, x);
                    Allocation ybuf(ctx->memory(), size_t(tokens * rows) * sizeof(float));
                    ops::matmul(*ctx, type, wbuf.region(), stride, k, rows, xbuf.region(), tokens,
                                ybuf.region());
                    results.push_back(
                        vulkan_test::download<float>(*ctx, ybuf, size_t(tokens * rows)));
                }
                Allocation out(ctx->memory(), ids.size() * size_t(k) * sizeof(float));
                ops::get_rows(*ctx, type, wbuf.region(), stride, k, idbuf.region(),
                              int64_t(ids.size()), out.region());
                results.push_back(vulkan_test::download<float>(*ctx, out, ids.size() * size_t(k)));
                qunsetenv("HEARTH_VULKAN_FAULT");
            }
            QCOMPARE(results.size(), size_t(6));
            for (size_t i = 0; i < 3; ++i) {
                QVERIFY2(results[i] == results[i + 3],
                         qPrintable(QString("%1: result %2 differs when split")
                                        .arg(hearth::gguf::ggml_type_name(type).data())
                                        .arg(i)));
            }
        }
    }

    void unsupportedTypesAreDeclined() {
        QVERIFY(!ops::weight_type_supported(GgmlType::Q3_K));
        QVERIFY(!ops::weight_type_supported(GgmlType::IQ4_NL));
        VK_REQUIRE_CONTEXT(ctx);
        Allocation buf = vulkan_test::zeros(*ctx, 1024);
        QVERIFY_THROWS_EXCEPTION(hearth::Error, ops::matmul(*ctx, GgmlType::Q3_K, buf.region(), 110,
                                                            256, 1, buf.region(), 1, buf.region()));
        // A k the block format cannot hold is refused, not read past.
        QVERIFY_THROWS_EXCEPTION(hearth::Error, ops::matmul(*ctx, GgmlType::Q4_0, buf.region(), 18,
                                                            40, 1, buf.region(), 1, buf.region()));
    }
};

QTEST_GUILESS_MAIN(TestVulkanMatmul)
#include "test_vulkan_matmul.moc"
