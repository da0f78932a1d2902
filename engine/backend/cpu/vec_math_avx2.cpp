// AVX2 level of vec_math.h: ggml's 8-lane exp (2^n assembled in the exponent bits, a
// two-factor scale for |n| > 126), SiLU and softmax sum.
#include <immintrin.h>

#include <cmath>

#include "backend/cpu/vec_math.h"

namespace hearth::cpu {
namespace {

__m256 exp8(__m256 x) {
    const __m256 shifter = _mm256_set1_ps(0x1.8p23f);
    const __m256 z = _mm256_fmadd_ps(x, _mm256_set1_ps(0x1.715476p+0f), shifter);
    const __m256 n = _mm256_sub_ps(z, shifter);
    const __m256 b = _mm256_fnmadd_ps(n, _mm256_set1_ps(0x1.7f7d1cp-20f),
                                      _mm256_fnmadd_ps(n, _mm256_set1_ps(0x1.62e4p-1f), x));
    const __m256i e = _mm256_slli_epi32(_mm256_castps_si256(z), 23);
    const __m256 k =
        _mm256_castsi256_ps(_mm256_add_epi32(e, _mm256_castps_si256(_mm256_set1_ps(1.0f))));
    const __m256 abs_n = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), n);
    const __m256 big = _mm256_cmp_ps(abs_n, _mm256_set1_ps(126), _CMP_GT_OQ);
    const __m256 u = _mm256_mul_ps(b, b);
    const __m256 hi =
        _mm256_fmadd_ps(_mm256_set1_ps(0x1.0e4020p-7f), b, _mm256_set1_ps(0x1.573e2ep-5f));
    const __m256 mid =
        _mm256_fmadd_ps(_mm256_set1_ps(0x1.555e66p-3f), b, _mm256_set1_ps(0x1.fffdb6p-2f));
    const __m256 lo = _mm256_mul_ps(_mm256_set1_ps(0x1.ffffecp-1f), b);
    const __m256 j = _mm256_fmadd_ps(_mm256_fmadd_ps(hi, u, mid), u, lo);
    const __m256 normal = _mm256_fmadd_ps(k, j, k);
    if (_mm256_movemask_ps(big) == 0) return normal;
    // 2^n = s1 * s2 with both factors representable.
    const __m256i g =
        _mm256_and_si256(_mm256_castps_si256(_mm256_cmp_ps(n, _mm256_setzero_ps(), _CMP_LE_OQ)),
                         _mm256_set1_epi32(int(0x82000000u)));
    const __m256 s1 = _mm256_castsi256_ps(_mm256_add_epi32(g, _mm256_set1_epi32(0x7f000000)));
    const __m256 s2 = _mm256_castsi256_ps(_mm256_sub_epi32(e, g));
    const __m256 huge = _mm256_cmp_ps(abs_n, _mm256_set1_ps(192), _CMP_GT_OQ);
    const __m256 scaled = _mm256_mul_ps(_mm256_fmadd_ps(s2, j, s2), s1);
    const __m256 large = _mm256_blendv_ps(scaled, _mm256_mul_ps(s1, s1), huge);
    return _mm256_blendv_ps(normal, large, big);
}

__m256 silu8(__m256 x) {
    const __m256 e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), x));
    return _mm256_div_ps(x, _mm256_add_ps(_mm256_set1_ps(1.0f), e));
}

}  // namespace

void swiglu_avx2(float* gate, const float* up, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 g = silu8(_mm256_loadu_ps(gate + i));
        _mm256_storeu_ps(gate + i, _mm256_mul_ps(g, _mm256_loadu_ps(up + i)));
    }
    for (; i < n; ++i) {
        const float x = gate[i];
        gate[i] = x / (1.0f + std::exp(-x)) * up[i];
    }
}

double soft_max_avx2(float* y, const float* x, int64_t n, float max) {
    double sum = 0.0;
    int64_t i = 0;
    const __m256 vmax = _mm256_set1_ps(max);
    for (; i + 8 <= n; i += 8) {
        const __m256 v = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), vmax));
        _mm256_storeu_ps(y + i, v);
        // (lane i + lane i+4) for i < 4, then pairs (0,2) (1,3), then those two: ggml's order.
        __m128 s = _mm_add_ps(_mm256_extractf128_ps(v, 1), _mm256_castps256_ps128(v));
        s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        s = _mm_add_ss(s, _mm_movehdup_ps(s));
        sum += double(_mm_cvtss_f32(s));
    }
    for (; i < n; ++i) {
        const float v = std::exp(x[i] - max);
        sum += double(v);
        y[i] = v;
    }
    return sum;
}

}  // namespace hearth::cpu
