// AVX-512 rotation of the neox RoPE layout (pairs (i, i + n_rot / 2), so 16 pairs are two
// contiguous loads): the same operations as the scalar loop in ops_rope.cpp lane by lane,
// a' = fma(x0, cos, -(x1 * sin)) and b' = fma(x0, sin, x1 * cos), so bit-identical to it.
#include <immintrin.h>

#include "backend/cpu/ops_rope.h"

// GCC 12 reports its own _mm512_undefined_* placeholders as "maybe uninitialized"; every lane
// this file reads is defined.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace hearth::cpu {

int rope_neox_head_avx512(float* head, const float* cos_sin, int n_rot) {
    const int half = n_rot / 2;
    // cos_sin holds (cos, sin) pairs; split 16 of them into two registers.
    const __m512i even =
        _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd =
        _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    int i = 0;
    for (; i + 16 <= half; i += 16) {
        const __m512 lo = _mm512_loadu_ps(cos_sin + 2 * i);
        const __m512 hi = _mm512_loadu_ps(cos_sin + 2 * i + 16);
        const __m512 c = _mm512_permutex2var_ps(lo, even, hi);
        const __m512 s = _mm512_permutex2var_ps(lo, odd, hi);
        const __m512 x0 = _mm512_loadu_ps(head + i);
        const __m512 x1 = _mm512_loadu_ps(head + i + half);
        _mm512_storeu_ps(head + i, _mm512_fmsub_ps(x0, c, _mm512_mul_ps(x1, s)));
        _mm512_storeu_ps(head + i + half, _mm512_fmadd_ps(x0, s, _mm512_mul_ps(x1, c)));
    }
    return i;
}

}  // namespace hearth::cpu
