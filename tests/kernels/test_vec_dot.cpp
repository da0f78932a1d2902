// vec_dot and the activation quantizers: the scalar reference against dequantized math,
// and every SIMD level against the scalar reference on odd shapes (1, 3 and 13 blocks).
#include <QtTest>
#include <cmath>

#include "kernel_test_util.h"

using namespace hearth::cpu;
using namespace kernel_test;

namespace {

std::vector<SimdLevel> simd_levels_present() {
    std::vector<SimdLevel> levels;
    if (detected_simd_level() >= SimdLevel::avx2) levels.push_back(SimdLevel::avx2);
    if (detected_simd_level() >= SimdLevel::avx512) levels.push_back(SimdLevel::avx512);
    return levels;
}

std::vector<uint8_t> activation_row(GgmlType wtype, const std::vector<float>& x) {
    const GgmlType at = vec_dot_type(wtype);
    std::vector<uint8_t> a(row_size(at, static_cast<int64_t>(x.size())));
    scalar_activation_quantizer(at)(x.data(), a.data(), static_cast<int64_t>(x.size()));
    return a;
}

// The packed activations and prepared weights are read with aligned loads, as matmul's
// 64-byte aligned scratch allows.
void* aligned64(std::vector<uint8_t>& buffer) {
    const auto at = reinterpret_cast<uintptr_t>(buffer.data());
    return buffer.data() + ((64 - at % 64) % 64);
}

}  // namespace

class TestVecDot : public QObject {
    Q_OBJECT

private slots:
    void scalarMatchesDequantizedMath() {
        std::mt19937 rng(1234);
        for (GgmlType t : weight_types()) {
            const int64_t block = block_shape(vec_dot_type(t)).elements;
            for (int64_t blocks : {1, 3, 13}) {
                const int64_t n = std::max<int64_t>(block, 32) * blocks;
                const auto w = random_row(rng, t, n);
                const auto x = random_floats(rng, n);
                const auto a = activation_row(t, x);
                std::vector<float> wf(n), af(n);
                dequantize_row(t, w.data(), wf.data(), n);
                dequantize_row(vec_dot_type(t), a.data(), af.data(), n);
                double expected = 0.0, mag = 0.0;
                for (int64_t i = 0; i < n; ++i) {
                    expected += static_cast<double>(wf[i]) * af[i];
                    mag += std::abs(static_cast<double>(wf[i]) * af[i]);
                }
                const float got = scalar_vec_dot(t)(n, w.data(), a.data());
                // Q4_1/Q5_1 fold the minimum through Q8_1's half-precision s = d*sum(q).
                const bool uses_s = t == GgmlType::Q4_1 || t == GgmlType::Q5_1;
                const double tol = (uses_s ? 2e-3 : 2e-5) * mag + 1e-6;
                QVERIFY2(std::abs(got - expected) <= tol,
                         qPrintable(QString("%1 n=%2 got %3 want %4")
                                        .arg(type_name(t))
                                        .arg(n)
                                        .arg(got)
                                        .arg(expected)));
            }
        }
    }

    void simdMatchesScalar() {
        QVERIFY(!simd_levels_present().empty() || detected_simd_level() == SimdLevel::scalar);
        std::mt19937 rng(99);
        for (SimdLevel level : simd_levels_present()) {
            for (GgmlType t : weight_types()) {
                const int64_t block = block_shape(vec_dot_type(t)).elements;
                for (int64_t blocks : {1, 3, 13}) {
                    const int64_t n = std::max<int64_t>(block, 32) * blocks;
                    for (int rep = 0; rep < 4; ++rep) {
                        const auto w = random_row(rng, t, n);
                        const auto a = activation_row(t, random_floats(rng, n));
                        const float want = scalar_vec_dot(t)(n, w.data(), a.data());
                        const float got = vec_dot_fn(level, t)(n, w.data(), a.data());
                        const double mag = dot_magnitude(t, w.data(), vec_dot_type(t), a.data(), n);
                        QVERIFY2(std::abs(got - want) <= 1e-5 * mag + 1e-7,
                                 qPrintable(QString("%1 %2 n=%3 got %4 want %5")
                                                .arg(simd_level_name(level))
                                                .arg(type_name(t))
                                                .arg(n)
                                                .arg(got)
                                                .arg(want)));
                    }
                }
            }
        }
    }

    void multiTokenKernelsMatchSingleDots() {
        std::mt19937 rng(31);
        int checked = 0;
        for (SimdLevel level : simd_levels_present()) {
            for (GgmlType t : weight_types()) {
                const VecDotMultiFn multi = vec_dot_multi_fn(level, t);
                if (!multi) continue;
                const GgmlType at = vec_dot_type(t);
                for (int64_t blocks : {1, 3, 13}) {
                    const int64_t n = std::max<int64_t>(block_shape(at).elements, 32) * blocks;
                    const auto w = random_row(rng, t, n);
                    const size_t stride = row_size(at, n) + 8;  // padded rows
                    std::vector<uint8_t> acts(stride * kMultiTokens);
                    for (int k = 0; k < kMultiTokens; ++k) {
                        const auto a = activation_row(t, random_floats(rng, n));
                        std::copy(a.begin(), a.end(), acts.begin() + k * stride);
                    }
                    float out[2 * kMultiTokens];
                    std::fill(std::begin(out), std::end(out), -7.0f);
                    multi(n, w.data(), acts.data(), stride, out, 2);
                    for (int k = 0; k < kMultiTokens; ++k) {
                        const void* a = acts.data() + k * stride;
                        const float want = scalar_vec_dot(t)(n, w.data(), a);
                        const double mag = dot_magnitude(t, w.data(), at, a, n);
                        QVERIFY2(std::abs(out[2 * k] - want) <= 1e-5 * mag + 1e-7,
                                 qPrintable(QString("%1 n=%2 token %3: %4 vs %5")
                                                .arg(type_name(t))
                                                .arg(n)
                                                .arg(k)
                                                .arg(out[2 * k])
                                                .arg(want)));
                        QCOMPARE(out[2 * k + 1], -7.0f);  // out_stride respected
                    }
                    ++checked;
                }
            }
        }
        if (detected_simd_level() == SimdLevel::avx512) QVERIFY(checked >= 8 * 3);
    }

    void multiRowKernelsMatchSingleDots() {
        std::mt19937 rng(32);
        int checked = 0;
        for (SimdLevel level : simd_levels_present()) {
            for (GgmlType t : weight_types()) {
                const VecDotRowsFn rows = vec_dot_rows_fn(level, t);
                if (!rows) continue;
                const GgmlType at = vec_dot_type(t);
                for (int64_t blocks : {1, 3, 13}) {
                    const int64_t n = 32 * blocks;
                    const size_t stride = row_size(t, n) + 6;  // padded, unaligned rows
                    std::vector<uint8_t> w(stride * kMultiRows);
                    for (int r = 0; r < kMultiRows; ++r) {
                        const auto row = random_row(rng, t, n);
                        std::copy(row.begin(), row.end(), w.begin() + r * stride);
                    }
                    const auto a = activation_row(t, random_floats(rng, n));
                    float out[kMultiRows + 1];
                    out[kMultiRows] = -7.0f;
                    rows(n, w.data(), stride, a.data(), out);
                    QCOMPARE(out[kMultiRows], -7.0f);
                    for (int r = 0; r < kMultiRows; ++r) {
                        const void* wr = w.data() + r * stride;
                        const float want = scalar_vec_dot(t)(n, wr, a.data());
                        const double mag = dot_magnitude(t, wr, at, a.data(), n);
                        QVERIFY2(std::abs(out[r] - want) <= 1e-5 * mag + 1e-7,
                                 qPrintable(QString("%1 n=%2 row %3: %4 vs %5")
                                                .arg(type_name(t))
                                                .arg(n)
                                                .arg(r)
                                                .arg(out[r])
                                                .arg(want)));
                    }
                    ++checked;
                }
            }
        }
        if (detected_simd_level() == SimdLevel::avx512) QVERIFY(checked >= 5 * 3);
    }

    // The GEMM tiles give exactly the bits of the kernels matmul uses without them, for every
    // row and token of the tile: the same level's single-row dot (the one decode uses) for the
    // 32-element types, the multi-token kernel in matmul's order for that many tokens for the
    // K-quants (the tiled order for Q6_K).
    void gemmTilesAreBitIdenticalToTheKernelsTheyReplace() {
        std::mt19937 rng(33);
        int checked = 0, kquants = 0;
        for (SimdLevel level : simd_levels_present()) {
            for (GgmlType t : weight_types()) {
                for (int64_t tokens : {kGemmTokens, kLaneTokens}) {
                    const GemmKernel gemm = gemm_fn(level, t, tokens);
                    if (!gemm || gemm.tokens != tokens) continue;  // each tile once
                    const GgmlType at = vec_dot_type(t);
                    const bool tiled = gemm.tokens >= kTiledMinTokens && vec_dot_tiled_fn(level, t);
                    VecDotMultiFn multi = vec_dot_multi_fn(level, t);
                    if (tiled) multi = vec_dot_multi_tiled_fn(level, t);
                    const bool kquant = gemm.block_elements == 256;
                    QVERIFY(!kquant || (multi && gemm.tokens % kMultiTokens == 0));
                    for (int64_t blocks : {1, 3, 13}) {
                        const int64_t n = gemm.block_elements * blocks;
                        const size_t w_stride = row_size(t, n) + 6;  // padded, unaligned rows
                        std::vector<uint8_t> w(w_stride * size_t(gemm.rows));
                        for (int r = 0; r < gemm.rows; ++r) {
                            const auto row = random_row(rng, t, n);
                            std::copy(row.begin(), row.end(), w.begin() + r * w_stride);
                        }
                        const size_t a_stride =
                            row_size(at, n) + 4;  // padded, aligned as the blocks need
                        std::vector<uint8_t> acts(a_stride * size_t(gemm.tokens));
                        for (int k = 0; k < gemm.tokens; ++k) {
                            // Extreme rows too: constant activations stress the unsigned offsets
                            // (-3 quantizes to -127 or -128 everywhere, 5 to +127).
                            auto x = random_floats(rng, n);
                            if (k == 1) std::fill(x.begin(), x.end(), -3.0f);
                            if (k == 2) std::fill(x.begin(), x.end(), 5.0f);
                            const auto a = activation_row(t, x);
                            std::copy(a.begin(), a.end(), acts.begin() + k * a_stride);
                        }
                        std::vector<uint8_t> packed(size_t(blocks) * gemm.packed_block_bytes + 64);
                        void* packed_at = aligned64(packed);
                        gemm.pack(n, acts.data(), a_stride, packed_at);
                        const uint8_t* tile_rows = w.data();
                        size_t tile_stride = w_stride;
                        std::vector<uint8_t> prepared;
                        if (gemm.prepare) {
                            tile_stride = size_t(blocks) * gemm.prepared_block_bytes;
                            prepared.resize(tile_stride * size_t(gemm.rows) + 64);
                            auto* at_ = static_cast<uint8_t*>(aligned64(prepared));
                            gemm.prepare(n, w.data(), w_stride, gemm.rows, at_);
                            tile_rows = at_;
                        }
                        const size_t out_stride = size_t(gemm.rows) + 3;
                        std::vector<float> out(out_stride * size_t(gemm.tokens), -7.0f);
                        gemm.tile(n, tile_rows, tile_stride, packed_at, out.data(), out_stride);
                        std::vector<float> want(out_stride * size_t(gemm.tokens), -7.0f);
                        for (int r = 0; r < gemm.rows; ++r) {
                            for (int k = 0; k < gemm.tokens; ++k) {
                                if (kquant) {
                                    if (k % kMultiTokens == 0) {
                                        multi(n, w.data() + r * w_stride,
                                              acts.data() + k * a_stride, a_stride,
                                              want.data() + k * out_stride + r, out_stride);
                                    }
                                } else {
                                    want[k * out_stride + r] = vec_dot_fn(level, t)(
                                        n, w.data() + r * w_stride, acts.data() + k * a_stride);
                                }
                            }
                        }
                        for (int k = 0; k < gemm.tokens; ++k) {
                            for (int r = 0; r < gemm.rows; ++r) {
                                const float got = out[k * out_stride + r];
                                const float ref = want[k * out_stride + r];
                                QVERIFY2(std::memcmp(&got, &ref, sizeof got) == 0,
                                         qPrintable(QString("%1 n=%2 row %3 token %4: %5 vs %6")
                                                        .arg(type_name(t))
                                                        .arg(n)
                                                        .arg(r)
                                                        .arg(k)
                                                        .arg(double(got), 0, 'g', 9)
                                                        .arg(double(ref), 0, 'g', 9)));
                            }
                            QCOMPARE(out[k * out_stride + gemm.rows], -7.0f);  // stride respected
                        }
                        ++checked;
                        kquants += kquant;
                    }
                }
            }
        }
        if (detected_simd_level() == SimdLevel::avx512) {
            QVERIFY(checked >= 12 * 3);  // 4 x 4 tiles of 5 types, token-per-lane of 7
            QCOMPARE(kquants, 2 * 3);    // Q4_K and Q6_K
        }
    }

    // Integer-only paths (Q8_0 x Q8_0 per block) must agree exactly for one block.
    void simdSingleBlockQ8IsExact() {
        std::mt19937 rng(5);
        for (SimdLevel level : simd_levels_present()) {
            const auto w = random_row(rng, GgmlType::Q8_0, 32);
            const auto a = activation_row(GgmlType::Q8_0, random_floats(rng, 32));
            QCOMPARE(vec_dot_fn(level, GgmlType::Q8_0)(32, w.data(), a.data()),
                     scalar_vec_dot(GgmlType::Q8_0)(32, w.data(), a.data()));
        }
    }

    void activationQuantizersAreBitIdenticalAcrossLevels() {
        std::mt19937 rng(77);
        for (GgmlType at : {GgmlType::Q8_0, GgmlType::Q8_1, GgmlType::Q8_K, GgmlType::F16,
                            GgmlType::BF16, GgmlType::F32}) {
            for (int64_t n : {256, 768, 3328}) {
                auto x = random_floats(rng, n, 3.0f);
                x[5] = 0.0f;
                std::fill(x.begin() + 32, x.begin() + 64, 0.0f);  // an all-zero block
                std::vector<uint8_t> want(row_size(at, n)), got(row_size(at, n));
                scalar_activation_quantizer(at)(x.data(), want.data(), n);
                for (SimdLevel level : simd_levels_present()) {
                    std::fill(got.begin(), got.end(), 0xAB);
                    activation_quantizer_fn(level, at)(x.data(), got.data(), n);
                    QVERIFY2(want == got, qPrintable(QString("%1 %2 n=%3")
                                                         .arg(simd_level_name(level))
                                                         .arg(type_name(at))
                                                         .arg(n)));
                }
            }
        }
    }

    // The backend quantizer rounds ties to even with multiplier 127/amax; the reference
    // (model files, gguf-py) rounds ties away from zero with 1/(amax/127).
    void activationRoundingFollowsLlamaCppBackend() {
        std::vector<float> x(32, 0.0f);
        x[0] = 127.0f;  // amax 127: multiplier exactly 1, so x is the pre-rounding value
        x[1] = 2.5f;
        x[2] = 3.5f;
        x[3] = -2.5f;
        BlockQ8_0 backend{}, reference{};
        quantize_row_activation(GgmlType::Q8_0, x.data(), &backend, 32);
        quantize_row(GgmlType::Q8_0, x.data(), &reference, 32);
        QCOMPARE(int(backend.qs[1]), 2);
        QCOMPARE(int(backend.qs[2]), 4);
        QCOMPARE(int(backend.qs[3]), -2);
        QCOMPARE(int(reference.qs[1]), 3);
        QCOMPARE(int(reference.qs[2]), 4);
        QCOMPARE(int(reference.qs[3]), -3);
        QCOMPARE(fp16_to_fp32(backend.d), 1.0f);

        BlockQ8_1 b1{};
        quantize_row_activation(GgmlType::Q8_1, x.data(), &b1, 32);
        QCOMPARE(fp16_to_fp32(b1.s), float(127 + 2 + 4 - 2));
    }

    void q8kKeepsBlockSumsAndSign() {
        std::mt19937 rng(3);
        auto x = random_floats(rng, 512);
        x[17] = -40.0f;  // the extreme always maps to -127; d carries its sign flipped
        x[300] = 40.0f;
        BlockQ8_K q[2];
        quantize_row(GgmlType::Q8_K, x.data(), q, 512);
        QCOMPARE(int(q[0].qs[17]), -127);
        QVERIFY(q[0].d > 0.0f);
        QCOMPARE(int(q[1].qs[300 - 256]), -127);
        QVERIFY(q[1].d < 0.0f);
        for (const auto& b : q) {
            for (int g = 0; g < 16; ++g) {
                int s = 0;
                for (int l = 0; l < 16; ++l)
                    s += b.qs[16 * g + l];
                QCOMPARE(int(b.bsums[g]), s);
            }
        }
    }

    void halfConversionsRoundToNearestEven() {
        QCOMPARE(fp32_to_fp16(1.0f), uint16_t(0x3c00));
        QCOMPARE(fp32_to_fp16(65504.0f), uint16_t(0x7bff));
        QCOMPARE(fp32_to_fp16(65520.0f), uint16_t(0x7c00));
        QCOMPARE(fp32_to_fp16(-0.0f), uint16_t(0x8000));
        QCOMPARE(fp32_to_fp16(0x1p-24f), uint16_t(0x0001));
        QCOMPARE(fp32_to_fp16(0x1p-25f), uint16_t(0x0000));           // tie to even (0)
        QCOMPARE(fp32_to_fp16(0x1.8p-24f), uint16_t(0x0002));         // tie to even (2)
        QCOMPARE(fp32_to_fp16(1.0f + 0x1p-11f), uint16_t(0x3c00));    // tie to even
        QCOMPARE(fp32_to_fp16(1.0f + 0x1.8p-10f), uint16_t(0x3c02));  // tie to even
        for (uint32_t h = 0; h < 0x7c00; ++h) {
            QCOMPARE(fp32_to_fp16(fp16_to_fp32(uint16_t(h))), uint16_t(h));
        }
        QCOMPARE(fp32_to_bf16(1.0f + 0x1p-8f), uint16_t(0x3f80));
        QCOMPARE(fp32_to_bf16(1.0f + 0x1.8p-7f), uint16_t(0x3f82));
        QCOMPARE(bf16_to_fp32(0x3f80), 1.0f);
    }

    void rejectsBadArguments() {
        float x[32] = {};
        uint8_t out[64];
        QVERIFY_THROWS_EXCEPTION(hearth::Error, quantize_row(GgmlType::Q8_0, x, out, 31));
        QVERIFY_THROWS_EXCEPTION(hearth::Error, row_size(GgmlType::Q4_K, 100));
        QVERIFY_THROWS_EXCEPTION(hearth::Error, vec_dot_type(GgmlType::IQ2_XXS));
        QVERIFY(!supports_weight_type(GgmlType::IQ2_XXS));
        QVERIFY(supports_weight_type(GgmlType::Q6_K));
        QCOMPARE(row_size(GgmlType::Q4_1, 576), size_t(18 * 20));
    }
};

QTEST_GUILESS_MAIN(TestVecDot)
#include "test_vec_dot.moc"
