// ggml's vector exp, SiLU and softmax sum (vec_math.h), the GELU gate's vector table lookup,
// RoPE's vector rotation,
// and the tiled-order K-quant dots:
// every SIMD level bit-identical to its scalar lane emulation on odd lengths and on the
// inputs where the exp polynomial switches branches (large |x|, -inf, underflow to
// subnormals, overflow to +inf); the emulations close to std::exp.
#include <QtTest>
#include <cmath>
#include <cstring>

#include "backend/cpu/fp16.h"
#include "backend/cpu/kernels_dispatch.h"
#include "backend/cpu/ops_activation.h"
#include "backend/cpu/ops_rope.h"
#include "backend/cpu/vec_math.h"
#include "kernel_test_util.h"

using namespace hearth::cpu;
using namespace kernel_test;

namespace {

bool same_bits(float a, float b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

// Normal values plus the branch points of the exp polynomial.
std::vector<float> exp_inputs(std::mt19937& rng, int64_t n) {
    std::vector<float> x = random_floats(rng, n, 8.0f);
    const float special[] = {0.0f,    -0.0f,   -INFINITY, -87.5f,  -88.9f, -100.0f, -103.9f,
                             -104.5f, -130.0f, -150.0f,   88.0f,   88.5f,  89.0f,   100.0f,
                             -1e-30f, 1e-30f,  -0.5f,     0.6931f, 126.9f, -126.9f};
    for (size_t i = 0; i < std::size(special) && i < x.size(); ++i)
        x[i * 7 % x.size()] = special[i];
    return x;
}

std::vector<SimdLevel> levels_present() {
    std::vector<SimdLevel> levels{SimdLevel::scalar};
    if (detected_simd_level() >= SimdLevel::avx2) levels.push_back(SimdLevel::avx2);
    if (detected_simd_level() >= SimdLevel::avx512) levels.push_back(SimdLevel::avx512);
    return levels;
}

// What a level computes, element by element: its lanes for the whole vectors, expf() for the
// n % width tail.
int vector_width(SimdLevel level) {
    return level == SimdLevel::avx512 ? 16 : level == SimdLevel::avx2 ? 8 : 0;
}

float expected_exp(SimdLevel level, int64_t i, int64_t n, float x) {
    const int64_t width = vector_width(level);
    if (width == 0 || i >= n / width * width) return std::exp(x);
    return level == SimdLevel::avx512 ? vector_exp_lane_avx512(x) : vector_exp_lane_avx2(x);
}

}  // namespace

class TestVecMath : public QObject {
    Q_OBJECT

private slots:
    void laneEmulationsAreCloseToExp() {
        for (float x = -87.0f; x < 88.0f; x += 0.173f) {
            const double want = std::exp(double(x));
            QVERIFY(std::abs(vector_exp_lane_avx512(x) - want) <= 3e-7 * want);
            QVERIFY(std::abs(vector_exp_lane_avx2(x) - want) <= 3e-7 * want);
        }
        QCOMPARE(vector_exp_lane_avx512(-INFINITY), 0.0f);
        QCOMPARE(vector_exp_lane_avx2(-INFINITY), 0.0f);
        QVERIFY(std::isinf(vector_exp_lane_avx512(200.0f)));
        QVERIFY(std::isinf(vector_exp_lane_avx2(200.0f)));
        QVERIFY(vector_exp_lane_avx512(-95.0f) > 0.0f);  // subnormal, not flushed
    }

    void swigluMatchesLaneEmulation() {
        std::mt19937 rng(5);
        for (SimdLevel level : levels_present()) {
            for (int64_t n : {1, 7, 8, 15, 16, 17, 33, 1543}) {
                const auto gate = exp_inputs(rng, n);
                const auto up = random_floats(rng, n);
                std::vector<float> got = gate;
                swiglu_fn(level)(got.data(), up.data(), n);
                for (int64_t i = 0; i < n; ++i) {
                    const float x = gate[size_t(i)];
                    const float want = x / (1.0f + expected_exp(level, i, n, -x)) * up[size_t(i)];
                    QVERIFY2(same_bits(got[size_t(i)], want),
                             qPrintable(QString("%1 n=%2 i=%3 x=%4: %5 vs %6")
                                            .arg(simd_level_name(level))
                                            .arg(n)
                                            .arg(i)
                                            .arg(x)
                                            .arg(got[size_t(i)])
                                            .arg(want)));
                }
            }
        }
    }

    void softMaxMatchesLaneEmulation() {
        std::mt19937 rng(6);
        for (SimdLevel level : levels_present()) {
            const int width = vector_width(level);
            for (int64_t n : {1, 5, 16, 17, 64, 71}) {
                auto x = exp_inputs(rng, n);
                const float max = 3.0f;
                std::vector<float> y(static_cast<size_t>(n));
                const double sum = soft_max_fn(level)(y.data(), x.data(), n, max);
                double want_sum = 0.0;
                const int64_t vectors_end = width ? n / width * width : 0;
                for (int64_t b = 0; b < vectors_end; b += width) {
                    float v[16];
                    for (int l = 0; l < width; ++l)
                        v[l] = expected_exp(level, b + l, n, x[size_t(b + l)] - max);
                    // ggml's reduction trees: halves, then pairs (0,2)(1,3), then 0+1.
                    float h[8];
                    for (int l = 0; l < width / 2; ++l)
                        h[l] = v[l + width / 2] + v[l];
                    if (width == 16) {
                        for (int l = 0; l < 4; ++l)
                            h[l] = h[l + 4] + h[l];
                    }
                    want_sum += double((h[0] + h[2]) + (h[1] + h[3]));
                }
                for (int64_t i = vectors_end; i < n; ++i)
                    want_sum += double(std::exp(x[size_t(i)] - max));
                for (int64_t i = 0; i < n; ++i) {
                    QVERIFY(same_bits(y[size_t(i)], expected_exp(level, i, n, x[size_t(i)] - max)));
                }
                QCOMPARE(sum, want_sum);
            }
        }
    }

    void tiledOrderDotsMatchScalar() {
        std::mt19937 rng(7);
        const GgmlType t = GgmlType::Q6_K;
        for (int64_t blocks : {1, 3, 13}) {
            const int64_t n = 256 * blocks;
            const auto w = random_row(rng, t, n);
            std::vector<std::vector<uint8_t>> acts;
            for (int k = 0; k < kMultiTokens; ++k) {
                const auto x = random_floats(rng, n);
                acts.emplace_back(row_size(GgmlType::Q8_K, n));
                scalar_activation_quantizer(GgmlType::Q8_K)(x.data(), acts.back().data(), n);
            }
            const VecDotFn reference = scalar_vec_dot_tiled(t);
            QVERIFY(reference);
            const VecDotFn dot = vec_dot_tiled_fn(detected_simd_level(), t);
            const VecDotMultiFn multi = vec_dot_multi_tiled_fn(detected_simd_level(), t);
            std::vector<uint8_t> packed;
            for (const auto& a : acts)
                packed.insert(packed.end(), a.begin(), a.end());
            float multi_out[kMultiTokens] = {};
            if (multi) multi(n, w.data(), packed.data(), acts[0].size(), multi_out, 1);
            for (int k = 0; k < kMultiTokens; ++k) {
                const float want = reference(n, w.data(), acts[size_t(k)].data());
                QVERIFY(same_bits(dot(n, w.data(), acts[size_t(k)].data()), want));
                if (multi) QVERIFY(same_bits(multi_out[k], want));
            }
        }
    }

    // gelu_gate's AVX-512 part (used for whole vectors of 16) gives the scalar loop's bits
    // (which gelu_gate runs for fewer than 16 elements) on every F16 value, the values half
    // way between two of them (the rounding ties), the +-10 cut-offs and random floats.
    void geluGateVectorsMatchScalarLoop() {
        if (detected_simd_level() < SimdLevel::avx512) return;  // nothing else to compare
        std::vector<float> x;
        for (uint32_t h = 0; h < 65536; ++h) {
            const float v = fp16_to_fp32(uint16_t(h));
            if (std::isnan(v)) continue;
            x.push_back(v);
            if (h < 65535 && !std::isinf(v)) x.push_back(std::nextafter(v, 0.0f) * 1.0f);
        }
        for (uint32_t h = 0; h + 1 < 0x7c00; h += 97) {  // ties between neighbouring halves
            const float a = fp16_to_fp32(uint16_t(h)), b = fp16_to_fp32(uint16_t(h + 1));
            x.push_back(a + (b - a) * 0.5f);
            x.push_back(-(a + (b - a) * 0.5f));
        }
        for (float v : {-10.0f, 10.0f, std::nextafter(-10.0f, 0.0f), std::nextafter(10.0f, 0.0f),
                        -10.0001f, 10.0001f, -INFINITY, INFINITY})
            x.push_back(v);
        std::mt19937 rng(11);
        const auto more = random_floats(rng, 4099, 12.0f);
        x.insert(x.end(), more.begin(), more.end());
        const auto up = random_floats(rng, int64_t(x.size()), 3.0f);

        std::vector<float> vec = x, one = x;
        gelu_gate(vec.data(), up.data(), int64_t(vec.size()));
        for (size_t i = 0; i < one.size(); ++i)
            gelu_gate(&one[i], &up[i], 1);  // fewer than 16: the scalar loop
        int compared = 0;
        for (size_t i = 0; i < x.size(); ++i) {
            QVERIFY2(same_bits(vec[i], one[i]), qPrintable(QString("x=%1 up=%2: %3 vs %4")
                                                               .arg(double(x[i]), 0, 'g', 9)
                                                               .arg(double(up[i]), 0, 'g', 9)
                                                               .arg(double(vec[i]), 0, 'g', 9)
                                                               .arg(double(one[i]), 0, 'g', 9)));
            ++compared;
        }
        QVERIFY(compared > 130000);
    }

    // rope_rows (AVX-512 for the neox layout) gives the scalar loop's bits: full and partial
    // rotation (pairs off the 16-lane grid), several heads and positions, both layouts.
    void ropeMatchesScalarLoop() {
        std::mt19937 rng(5);
        int compared = 0;
        for (hearth::RopeLayout layout : {hearth::RopeLayout::neox, hearth::RopeLayout::normal}) {
            for (const auto& [head_dim, n_rot] : {std::pair{256, 256}, {64, 40}, {128, 96}}) {
                hearth::RopeParams params;
                params.layout = layout;
                params.n_rot = n_rot;
                params.freq_base = 1000000.0f;
                const int n_heads = 3, tokens = 5, pos0 = 1021;
                const auto x = random_floats(rng, int64_t(tokens) * n_heads * head_dim, 4.0f);
                std::vector<float> got = x, want = x;
                rope_rows(got.data(), tokens, n_heads, head_dim, pos0, params);
                rope_rows_scalar(want.data(), tokens, n_heads, head_dim, pos0, params);
                for (size_t i = 0; i < x.size(); ++i) {
                    QVERIFY2(same_bits(got[i], want[i]),
                             qPrintable(QString("head_dim %1 n_rot %2 element %3: %4 vs %5")
                                            .arg(head_dim)
                                            .arg(n_rot)
                                            .arg(i)
                                            .arg(double(got[i]), 0, 'g', 9)
                                            .arg(double(want[i]), 0, 'g', 9)));
                }
                QVERIFY(got != x);  // it did rotate
                ++compared;
            }
        }
        QCOMPARE(compared, 6);
    }
};

QTEST_GUILESS_MAIN(TestVecMath)
#include "test_vec_math.moc"
