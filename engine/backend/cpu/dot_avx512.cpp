// AVX-512 (F/BW/VL/DQ/VNNI) kernels. Zen 4 runs 512-bit ops as two 256-bit halves, so the
// gain here is from VNNI (vpdpbusd: u8 x s8 products summed into int32 in one op, replacing
// maddubs + madd) and from AVX-512BW byte masks (vpmovm2b / masked byte ops for Q5 high
// bits), on 256-bit vectors. Integer results are exact; types not listed fall back to AVX2.
#include "backend/cpu/dot_x86_common.h"
#include "backend/cpu/kernels_dispatch.h"

namespace hearth::cpu {
namespace {

inline __m256i load32(const void* p) {
    return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}

// Signed x * signed y (|y| <= 127) into int32 lanes of acc.
inline __m256i dp_i8_i8(__m256i acc, __m256i x, __m256i y) {
    return _mm256_dpbusd_epi32(acc, _mm256_abs_epi8(x), _mm256_sign_epi8(y, x));
}

// Both halves of a block header at once: lanes {x.d, x.m} * {y.d, y.s} (m/s may be absent).
inline __m128 scales_product(const void* x_halves, const void* y_halves) {
    uint32_t xh, yh;
    std::memcpy(&xh, x_halves, 4);
    std::memcpy(&yh, y_halves, 4);
    const __m128 xf = _mm_cvtph_ps(_mm_cvtsi32_si128(static_cast<int>(xh)));
    const __m128 yf = _mm_cvtph_ps(_mm_cvtsi32_si128(static_cast<int>(yh)));
    return _mm_mul_ps(xf, yf);
}

inline __m256 fma_block(__m256i sumi, __m128 scale, __m256 acc) {
    return _mm256_fmadd_ps(_mm256_cvtepi32_ps(sumi), _mm256_broadcastss_ps(scale), acc);
}

// Two-way unrolled loop over 32-element blocks against Q8_0 activations; `block` returns
// the int32 lane sums of one block.
template <typename Block, typename BlockFn>
float blocks_q8_0(int64_t n, const void* w, const void* a, BlockFn&& block) {
    const auto* x = static_cast<const Block*>(w);
    const auto* y = static_cast<const BlockQ8_0*>(a);
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    const int64_t nb = n / kQK;
    int64_t i = 0;
    for (; i + 1 < nb; i += 2) {
        const __m256i s0 = block(x[i], load32(y[i].qs));
        const __m256i s1 = block(x[i + 1], load32(y[i + 1].qs));
        acc0 = fma_block(s0, scales_product(&x[i].d, &y[i].d), acc0);
        acc1 = fma_block(s1, scales_product(&x[i + 1].d, &y[i + 1].d), acc1);
    }
    if (i < nb)
        acc0 = fma_block(block(x[i], load32(y[i].qs)), scales_product(&x[i].d, &y[i].d), acc0);
    return hsum_ps(_mm256_add_ps(acc0, acc1));
}

float dot_q8_0(int64_t n, const void* w, const void* a) {
    return blocks_q8_0<BlockQ8_0>(n, w, a, [](const BlockQ8_0& x, __m256i y) {
        return dp_i8_i8(_mm256_setzero_si256(), load32(x.qs), y);
    });
}

float dot_q4_0(int64_t n, const void* w, const void* a) {
    return blocks_q8_0<BlockQ4_0>(n, w, a, [](const BlockQ4_0& x, __m256i y) {
        const __m256i q = _mm256_sub_epi8(unpack_nibbles_32(x.qs), _mm256_set1_epi8(8));
        return dp_i8_i8(_mm256_setzero_si256(), q, y);
    });
}

float dot_q5_0(int64_t n, const void* w, const void* a) {
    return blocks_q8_0<BlockQ5_0>(n, w, a, [](const BlockQ5_0& x, __m256i y) {
        uint32_t qh;
        std::memcpy(&qh, x.qh, 4);
        // value = nibble + 16*bit - 16: subtract 16 where the fifth bit is clear.
        const __m256i nib = unpack_nibbles_32(x.qs);
        const __m256i q =
            _mm256_mask_sub_epi8(nib, static_cast<__mmask32>(~qh), nib, _mm256_set1_epi8(16));
        return dp_i8_i8(_mm256_setzero_si256(), q, y);
    });
}

// Q4_1/Q5_1 against Q8_1: unsigned values dot directly; lane 1 of the header product is
// m * s, the minimum's contribution, accumulated in a separate vector.
template <typename Block, bool kFiveBit>
float dot_x_1(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const Block*>(w);
    const auto* y = static_cast<const BlockQ8_1*>(a);
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    __m128 mins = _mm_setzero_ps();
    auto values = [](const Block& b) {
        __m256i q = unpack_nibbles_32(b.qs);
        if constexpr (kFiveBit) {
            uint32_t qh;
            std::memcpy(&qh, b.qh, 4);
            q = _mm256_mask_add_epi8(q, static_cast<__mmask32>(qh), q, _mm256_set1_epi8(16));
        }
        return q;
    };
    const int64_t nb = n / kQK;
    int64_t i = 0;
    for (; i + 1 < nb; i += 2) {
        const __m256i s0 =
            _mm256_dpbusd_epi32(_mm256_setzero_si256(), values(x[i]), load32(y[i].qs));
        const __m256i s1 =
            _mm256_dpbusd_epi32(_mm256_setzero_si256(), values(x[i + 1]), load32(y[i + 1].qs));
        const __m128 p0 = scales_product(&x[i].d, &y[i].d);
        const __m128 p1 = scales_product(&x[i + 1].d, &y[i + 1].d);
        acc0 = fma_block(s0, p0, acc0);
        acc1 = fma_block(s1, p1, acc1);
        mins = _mm_add_ps(mins, _mm_add_ps(p0, p1));
    }
    if (i < nb) {
        const __m256i s0 =
            _mm256_dpbusd_epi32(_mm256_setzero_si256(), values(x[i]), load32(y[i].qs));
        const __m128 p0 = scales_product(&x[i].d, &y[i].d);
        acc0 = fma_block(s0, p0, acc0);
        mins = _mm_add_ps(mins, p0);
    }
    return hsum_ps(_mm256_add_ps(acc0, acc1)) + _mm_cvtss_f32(_mm_movehdup_ps(mins));
}

// Q4_K/Q5_K: dpbusd per 32-element sub-block, then the 6-bit scale multiplies the 8 lane
// sums (vpmulld) — exact, as the scalar sum(scale * sum(q*y)).
template <typename Block, bool kFiveBit>
float dot_qk(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const Block*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(a);
    __m256 acc = _mm256_setzero_ps();
    float min_acc = 0.0f;
    const __m256i low_mask = _mm256_set1_epi8(0x0F);
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        uint8_t sm[16];
        unpack_k4_scales(x[i].scales, sm);
        const int mins = k4_min_term(sm + 8, y[i].bsums);
        __m256i isum = _mm256_setzero_si256();
        [[maybe_unused]] __m256i qh;
        if constexpr (kFiveBit) qh = load32(x[i].qh);
        for (int j = 0; j < 4; ++j) {
            const __m256i v = load32(x[i].qs + 32 * j);
            __m256i lo = _mm256_and_si256(v, low_mask);
            __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low_mask);
            if constexpr (kFiveBit) {
                const __m256i sixteen = _mm256_set1_epi8(16);
                lo = _mm256_mask_add_epi8(
                    lo, _mm256_test_epi8_mask(qh, _mm256_set1_epi8(char(1 << (2 * j)))), lo,
                    sixteen);
                hi = _mm256_mask_add_epi8(
                    hi, _mm256_test_epi8_mask(qh, _mm256_set1_epi8(char(2 << (2 * j)))), hi,
                    sixteen);
            }
            const __m256i plo = _mm256_maddubs_epi16(lo, load32(y[i].qs + 64 * j));
            const __m256i phi = _mm256_maddubs_epi16(hi, load32(y[i].qs + 64 * j + 32));
            isum = _mm256_dpwssd_epi32(isum, plo, _mm256_set1_epi16(sm[2 * j]));
            isum = _mm256_dpwssd_epi32(isum, phi, _mm256_set1_epi16(sm[2 * j + 1]));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(h2f(x[i].d) * y[i].d), _mm256_cvtepi32_ps(isum), acc);
        min_acc += h2f(x[i].dmin) * y[i].d * static_cast<float>(mins);
    }
    return hsum_ps(acc) - min_acc;
}

inline __m256i two_scales(const int8_t* sc) {
    return _mm256_set_m128i(_mm_set1_epi16(sc[1]), _mm_set1_epi16(sc[0]));
}

float dot_q6_k(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const BlockQ6_K*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(a);
    __m256 acc = _mm256_setzero_ps();
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i m30 = _mm256_set1_epi8(0x30);
    const __m256i m6 = _mm256_set1_epi8(0x3F);
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const __m256i sc16 =
            _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x[i].scales)));
        // The -32 offset: 32 * sum(scale_g * bsum_g), subtracted from the int32 lanes.
        __m256i isum =
            _mm256_sub_epi32(_mm256_setzero_si256(),
                             _mm256_slli_epi32(_mm256_madd_epi16(sc16, load32(y[i].bsums)), 5));
        for (int h = 0; h < 2; ++h) {
            const __m256i l0 = load32(x[i].ql + 64 * h);
            const __m256i l1 = load32(x[i].ql + 64 * h + 32);
            const __m256i qh = load32(x[i].qh + 32 * h);
            // Bit-select: bits 4-5 from the shifted high bits, the rest from ql; 0x3F drops ql's
            // high nibble (m6 below).
            const __m256i q1 = _mm256_ternarylogic_epi32(l0, _mm256_slli_epi16(qh, 4), m30, 0xD8);
            const __m256i q2 = _mm256_ternarylogic_epi32(l1, _mm256_slli_epi16(qh, 2), m30, 0xD8);
            const __m256i q3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4),
                                               _mm256_and_si256(qh, m30));
            const __m256i q4 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4),
                                               _mm256_and_si256(_mm256_srli_epi16(qh, 2), m30));
            const int8_t* sc = x[i].scales + 8 * h;
            const int8_t* q8 = y[i].qs + 128 * h;
            isum = _mm256_dpwssd_epi32(
                isum, _mm256_maddubs_epi16(_mm256_and_si256(q1, m6), load32(q8)), two_scales(sc));
            isum = _mm256_dpwssd_epi32(
                isum, _mm256_maddubs_epi16(_mm256_and_si256(q2, m6), load32(q8 + 32)),
                two_scales(sc + 2));
            isum = _mm256_dpwssd_epi32(isum, _mm256_maddubs_epi16(q3, load32(q8 + 64)),
                                       two_scales(sc + 4));
            isum = _mm256_dpwssd_epi32(isum, _mm256_maddubs_epi16(q4, load32(q8 + 96)),
                                       two_scales(sc + 6));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(h2f(x[i].d) * y[i].d), _mm256_cvtepi32_ps(isum), acc);
    }
    return hsum_ps(acc);
}

}  // namespace

VecDotFn avx512_vec_dot(GgmlType type) {
    switch (type) {
        case GgmlType::Q4_0:
            return dot_q4_0;
        case GgmlType::Q4_1:
            return dot_x_1<BlockQ4_1, false>;
        case GgmlType::Q5_0:
            return dot_q5_0;
        case GgmlType::Q5_1:
            return dot_x_1<BlockQ5_1, true>;
        case GgmlType::Q8_0:
            return dot_q8_0;
        case GgmlType::Q4_K:
            return dot_qk<BlockQ4_K, false>;
        case GgmlType::Q5_K:
            return dot_qk<BlockQ5_K, true>;
        case GgmlType::Q6_K:
            return dot_q6_k;
        default:
            return nullptr;
    }
}

QuantizeFn avx512_activation_quantizer(GgmlType) {
    return nullptr;
}

}  // namespace hearth::cpu
