// AVX-512 versions of the decode attention's F16 accumulator updates (attention_tiled.h).
// Each element goes through exactly the scalar reference's steps: half -> float (exact), one
// multiply or one fma in float, float -> half rounding to nearest even (vcvtps2ph imm 0,
// which fp16.h's scalar converter equals bit for bit).
#include <immintrin.h>

#include "backend/cpu/attention_tiled.h"

// GCC 12 reports its own _mm512_undefined_* placeholders inside the conversion intrinsics
// as uninitialized; every lane this file reads is defined.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace hearth::cpu {
namespace {

constexpr int kRound = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;

inline __m512 load_half(const uint16_t* p) {
    return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}

inline __m512 load_half_masked(const uint16_t* p, __mmask16 m) {
    return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, p));
}

inline __mmask16 tail_mask(int n) {
    return static_cast<__mmask16>((1u << n) - 1);
}

}  // namespace

void f16_scale_avx512(uint16_t* acc, float s, int n) {
    const __m512 vs = _mm512_set1_ps(s);
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256i h = _mm512_cvtps_ph(_mm512_mul_ps(load_half(acc + i), vs), kRound);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(acc + i), h);
    }
    if (i < n) {
        const __mmask16 m = tail_mask(n - i);
        const __m256i h = _mm512_cvtps_ph(_mm512_mul_ps(load_half_masked(acc + i, m), vs), kRound);
        _mm256_mask_storeu_epi16(acc + i, m, h);
    }
}

void f16_mad_avx512(uint16_t* acc, const uint16_t* v, float s, int n) {
    const __m512 vs = _mm512_set1_ps(s);
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512 r = _mm512_fmadd_ps(load_half(v + i), vs, load_half(acc + i));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(acc + i), _mm512_cvtps_ph(r, kRound));
    }
    if (i < n) {
        const __mmask16 m = tail_mask(n - i);
        const __m512 r =
            _mm512_fmadd_ps(load_half_masked(v + i, m), vs, load_half_masked(acc + i, m));
        _mm256_mask_storeu_epi16(acc + i, m, _mm512_cvtps_ph(r, kRound));
    }
}

}  // namespace hearth::cpu
