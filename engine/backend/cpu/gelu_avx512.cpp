// AVX-512 GELU gate (ops_activation.h): the same F16 table lookup as the scalar loop, 16
// elements at a time. vcvtps2ph with round-to-nearest-even gives fp32_to_fp16's bits, and a
// 32-bit gather at 2-byte scale reads table[h] in its low half (the table has one spare
// entry, so the gather of the last entry stays inside it).
#include <immintrin.h>

#include "backend/cpu/ops_activation.h"

// GCC 12 reports its own _mm512_undefined_* placeholders as "maybe uninitialized"; every lane
// this file reads is defined.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace hearth::cpu {

int64_t gelu_gate_avx512(float* gate, const float* up, int64_t n, const uint16_t* table) {
    const __m512 lo = _mm512_set1_ps(-10.0f);
    const __m512 hi = _mm512_set1_ps(10.0f);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512 x = _mm512_loadu_ps(gate + i);
        const __m512 u = _mm512_loadu_ps(up + i);
        const __m256i h = _mm512_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        const __m512i g = _mm512_i32gather_epi32(_mm512_cvtepu16_epi32(h), table, 2);
        __m512 y = _mm512_mul_ps(_mm512_cvtph_ps(_mm512_cvtepi32_epi16(g)), u);
        y = _mm512_mask_mul_ps(y, _mm512_cmp_ps_mask(x, hi, _CMP_GE_OQ), x, u);
        y = _mm512_mask_mov_ps(y, _mm512_cmp_ps_mask(x, lo, _CMP_LE_OQ), _mm512_setzero_ps());
        _mm512_storeu_ps(gate + i, y);
    }
    return i;
}

}  // namespace hearth::cpu
