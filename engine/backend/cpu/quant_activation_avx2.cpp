// AVX2 activation quantizers, bit-identical to the scalar ones in quant_quantize.cpp
// (same float products, vroundps ties-to-even = the scalar round_half_even, same pack).
#include "backend/cpu/dot_x86_common.h"
#include "backend/cpu/kernels_dispatch.h"

namespace hearth::cpu {
namespace {

inline float max_abs_32(const float* x, __m256 v[4]) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 m = _mm256_setzero_ps();
    for (int k = 0; k < 4; ++k) {
        v[k] = _mm256_loadu_ps(x + 8 * k);
        m = _mm256_max_ps(m, _mm256_andnot_ps(sign, v[k]));
    }
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// Rounds v*mul to int32 lanes (ties to even).
inline __m256i round_scaled(__m256 v, __m256 mul) {
    return _mm256_cvtps_epi32(
        _mm256_round_ps(_mm256_mul_ps(v, mul), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

// Four vectors of 8 int32 -> 32 int8 in element order.
inline __m256i pack_32(__m256i i0, __m256i i1, __m256i i2, __m256i i3) {
    const __m256i a = _mm256_packs_epi32(i0, i1);
    const __m256i b = _mm256_packs_epi32(i2, i3);
    const __m256i c = _mm256_packs_epi16(a, b);
    return _mm256_permutevar8x32_epi32(c, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

template <bool kWithSum>
void q8_blocks(const float* x, void* out, int64_t n) {
    for (int64_t i = 0; i < n / kQK; ++i, x += kQK) {
        __m256 v[4];
        const float amax = max_abs_32(x, v);
        const float d = amax / 127.0f;
        const __m256 mul = _mm256_set1_ps(amax != 0.0f ? 127.0f / amax : 0.0f);
        const __m256i i0 = round_scaled(v[0], mul), i1 = round_scaled(v[1], mul);
        const __m256i i2 = round_scaled(v[2], mul), i3 = round_scaled(v[3], mul);
        const __m256i packed = pack_32(i0, i1, i2, i3);
        if constexpr (kWithSum) {
            auto* y = static_cast<BlockQ8_1*>(out) + i;
            y->d = fp32_to_fp16(d);
            const int sum =
                hsum_epi32(_mm256_add_epi32(_mm256_add_epi32(i0, i1), _mm256_add_epi32(i2, i3)));
            y->s = fp32_to_fp16(d * static_cast<float>(sum));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(y->qs), packed);
        } else {
            auto* y = static_cast<BlockQ8_0*>(out) + i;
            y->d = fp32_to_fp16(d);
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(y->qs), packed);
        }
    }
}

void q8_0(const float* x, void* out, int64_t n) {
    q8_blocks<false>(x, out, n);
}
void q8_1(const float* x, void* out, int64_t n) {
    q8_blocks<true>(x, out, n);
}

void q8_k(const float* x, void* out, int64_t n) {
    auto* y = static_cast<BlockQ8_K*>(out);
    const __m256 sign = _mm256_set1_ps(-0.0f);
    for (int64_t i = 0; i < n / kQK_K; ++i, x += kQK_K) {
        __m256 m = _mm256_setzero_ps();
        for (int k = 0; k < kQK_K; k += 8) {
            m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_loadu_ps(x + k)));
        }
        __m128 s = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
        s = _mm_max_ps(s, _mm_movehl_ps(s, s));
        s = _mm_max_ss(s, _mm_movehdup_ps(s));
        const float amax = _mm_cvtss_f32(s);
        if (amax == 0.0f) {
            std::memset(&y[i], 0, sizeof y[i]);
            continue;
        }
        int first = 0;  // the first element of largest magnitude decides the sign
        while (std::fabs(x[first]) != amax)
            ++first;
        const float iscale = -127.0f / x[first];
        const __m256 mul = _mm256_set1_ps(iscale);
        const __m256i cap = _mm256_set1_epi32(127);
        for (int k = 0; k < kQK_K; k += 32) {
            __m256i q[4];
            for (int j = 0; j < 4; ++j) {
                q[j] = _mm256_min_epi32(round_scaled(_mm256_loadu_ps(x + k + 8 * j), mul), cap);
            }
            y[i].bsums[k / 16] = static_cast<int16_t>(hsum_epi32(_mm256_add_epi32(q[0], q[1])));
            y[i].bsums[k / 16 + 1] = static_cast<int16_t>(hsum_epi32(_mm256_add_epi32(q[2], q[3])));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(y[i].qs + k),
                                pack_32(q[0], q[1], q[2], q[3]));
        }
        y[i].d = 1.0f / iscale;
    }
}

void f16(const float* x, void* out, int64_t n) {
    auto* h = static_cast<uint16_t*>(out);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(h + i),
                         _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
    }
    for (; i < n; ++i)
        h[i] = fp32_to_fp16(x[i]);
}

}  // namespace

QuantizeFn avx2_activation_quantizer(GgmlType type) {
    switch (type) {
        case GgmlType::Q8_0:
            return q8_0;
        case GgmlType::Q8_1:
            return q8_1;
        case GgmlType::Q8_K:
            return q8_k;
        case GgmlType::F16:
            return f16;
        default:
            return nullptr;
    }
}

}  // namespace hearth::cpu
