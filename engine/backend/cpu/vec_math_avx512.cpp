// AVX-512 level of vec_math.h: ggml's 16-lane exp (vscalefps for 2^n), SiLU and softmax sum.
#include <immintrin.h>

#include <cmath>

#include "backend/cpu/vec_math.h"

namespace hearth::cpu {
namespace {

// GCC 12's _mm512_reduce_add_ps starts from _mm512_undefined_ps(), which
// -W(maybe-)uninitialized flags inside the intrinsic headers (the masked scalef and the
// andnot below avoid the same in _mm512_scalef_ps and _mm512_abs_ps).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

__m512 exp16(__m512 x) {
    const __m512 shifter = _mm512_set1_ps(0x1.8p23f);
    const __m512 z = _mm512_fmadd_ps(x, _mm512_set1_ps(0x1.715476p+0f), shifter);
    const __m512 n = _mm512_sub_ps(z, shifter);
    const __m512 b = _mm512_fnmadd_ps(n, _mm512_set1_ps(0x1.7f7d1cp-20f),
                                      _mm512_fnmadd_ps(n, _mm512_set1_ps(0x1.62e4p-1f), x));
    const __m512 u = _mm512_mul_ps(b, b);
    const __m512 hi =
        _mm512_fmadd_ps(_mm512_set1_ps(0x1.0e4020p-7f), b, _mm512_set1_ps(0x1.573e2ep-5f));
    const __m512 mid =
        _mm512_fmadd_ps(_mm512_set1_ps(0x1.555e66p-3f), b, _mm512_set1_ps(0x1.fffdb6p-2f));
    const __m512 lo = _mm512_fmadd_ps(_mm512_set1_ps(0x1.ffffecp-1f), b, _mm512_set1_ps(1.0f));
    const __m512 j = _mm512_fmadd_ps(_mm512_fmadd_ps(hi, u, mid), u, lo);
    const __m512 result = _mm512_mask_scalef_ps(j, __mmask16(0xFFFF), j, n);
    const __m512 abs_n = _mm512_andnot_ps(_mm512_set1_ps(-0.0f), n);
    const __mmask16 huge = _mm512_cmp_ps_mask(abs_n, _mm512_set1_ps(192), _CMP_GT_OQ);
    if (huge == 0) return result;
    // |n| > 192: 0 for large negative inputs, +inf for large positive ones.
    const __mmask16 negative = _mm512_cmp_ps_mask(n, _mm512_setzero_ps(), _CMP_LE_OQ);
    const __m512 limit =
        _mm512_mask_blend_ps(negative, _mm512_set1_ps(INFINITY), _mm512_setzero_ps());
    return _mm512_mask_blend_ps(huge, result, limit);
}

__m512 silu16(__m512 x) {
    const __m512 e = exp16(_mm512_sub_ps(_mm512_setzero_ps(), x));
    return _mm512_div_ps(x, _mm512_add_ps(_mm512_set1_ps(1.0f), e));
}

}  // namespace

void swiglu_avx512(float* gate, const float* up, int64_t n) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512 g = silu16(_mm512_loadu_ps(gate + i));
        _mm512_storeu_ps(gate + i, _mm512_mul_ps(g, _mm512_loadu_ps(up + i)));
    }
    for (; i < n; ++i) {
        const float x = gate[i];
        gate[i] = x / (1.0f + std::exp(-x)) * up[i];
    }
}

double soft_max_avx512(float* y, const float* x, int64_t n, float max) {
    double sum = 0.0;
    int64_t i = 0;
    const __m512 vmax = _mm512_set1_ps(max);
    for (; i + 16 <= n; i += 16) {
        const __m512 v = exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i), vmax));
        _mm512_storeu_ps(y + i, v);
        sum += double(_mm512_reduce_add_ps(v));  // the compiler's halving tree, as ggml
    }
    for (; i < n; ++i) {
        const float v = std::exp(x[i] - max);
        sum += double(v);
        y[i] = v;
    }
    return sum;
}

#pragma GCC diagnostic pop

}  // namespace hearth::cpu
