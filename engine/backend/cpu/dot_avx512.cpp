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

// Loop over 32-element blocks against Q8_0 activations; `block` returns the int32 lane sums
// of one block. One accumulator and one fma per block, then hsum_ps: the same float
// operations as ggml's x86 vec_dot, so results are bit-identical to llama.cpp's.
template <typename Block, typename BlockFn>
float blocks_q8_0(int64_t n, const void* w, const void* a, BlockFn&& block) {
    const auto* x = static_cast<const Block*>(w);
    const auto* y = static_cast<const BlockQ8_0*>(a);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / kQK; ++i)
        acc = fma_block(block(x[i], load32(y[i].qs)), scales_product(&x[i].d, &y[i].d), acc);
    return hsum_ps(acc);
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

// Q4_1/Q5_1 against Q8_1: unsigned values dot directly. As ggml's x86 kernel: one vector
// accumulator of d*dy * sum(q*y), and the minimum's contribution m * s accumulated by a
// scalar fma chain (lane 1 of the header fma), added after the horizontal sum.
template <typename Block, bool kFiveBit>
float dot_x_1(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const Block*>(w);
    const auto* y = static_cast<const BlockQ8_1*>(a);
    __m256 acc = _mm256_setzero_ps();
    __m128 mins = _mm_setzero_ps();
    for (int64_t i = 0; i < n / kQK; ++i) {
        __m256i q = unpack_nibbles_32(x[i].qs);
        if constexpr (kFiveBit) {
            uint32_t qh;
            std::memcpy(&qh, x[i].qh, 4);
            q = _mm256_mask_add_epi8(q, static_cast<__mmask32>(qh), q, _mm256_set1_epi8(16));
        }
        const __m256i s = _mm256_dpbusd_epi32(_mm256_setzero_si256(), q, load32(y[i].qs));
        const __m128 xdm = load_half_pair(&x[i].d);  // {d, m}
        const __m128 yds = load_half_pair(&y[i].d);  // {dy, s}
        acc = fma_block(s, _mm_mul_ps(xdm, yds), acc);
        mins = _mm_fmadd_ps(xdm, yds, mins);
    }
    return hsum_ps(acc) + _mm_cvtss_f32(_mm_movehdup_ps(mins));
}

// Q4_K/Q5_K: maddubs per 32-element sub-block, weighted by the 6-bit scales into int32
// lanes (vpdpwssd) -- exact, as the scalar sum(scale * sum(q*y)).
template <typename Block, bool kFiveBit>
float dot_qk(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const Block*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(a);
    float acc = 0.0f;
    float min_acc = 0.0f;
    const __m256i low_mask = _mm256_set1_epi8(0x0F);
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        prefetch_stream<sizeof(Block)>(x + i);
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
        // Float part in the order of ggml's repacked Q4_K kernels (what llama.cpp runs on
        // x86 for Q4_K matrices with a multiple of 8 rows, i.e. all real ones): the block's
        // exact integer sums, one fma each into the value and minimum accumulators.
        const float yd = y[i].d;
        acc = std::fma(static_cast<float>(hsum_epi32(isum)), h2f(x[i].d) * yd, acc);
        min_acc = std::fma(static_cast<float>(mins), h2f(x[i].dmin) * yd, min_acc);
    }
    return acc - min_acc;
}

inline __m256i two_scales(const int8_t* sc) {
    return _mm256_set_m128i(_mm_set1_epi16(sc[1]), _mm_set1_epi16(sc[0]));
}

// kTiledOrder: one float step per block, as ggml's tiled K-quant matmul (kernels_dispatch.h).
template <bool kTiledOrder>
float dot_q6_k(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const BlockQ6_K*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(a);
    __m256 acc = _mm256_setzero_ps();
    float block_acc = 0.0f;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i m30 = _mm256_set1_epi8(0x30);
    const __m256i m6 = _mm256_set1_epi8(0x3F);
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        prefetch_stream<sizeof(BlockQ6_K)>(x + i);
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
        if constexpr (kTiledOrder) {
            block_acc =
                std::fma(static_cast<float>(hsum_epi32(isum)) * h2f(x[i].d), y[i].d, block_acc);
        } else {
            acc = _mm256_fmadd_ps(_mm256_set1_ps(h2f(x[i].d) * y[i].d), _mm256_cvtepi32_ps(isum),
                                  acc);
        }
    }
    return kTiledOrder ? block_acc : hsum_ps(acc);
}

// F16 x F16 as ggml_vec_dot_f16 on AVX-512: four 16-lane fma accumulators over steps of 64,
// combined (0+2, 1+3, then 0+1) and reduced by _mm512_reduce_add_ps; the tail adds products
// in double. Bit-identical to it, which matters for the attention scores.
// (GCC 12 flags the _mm256_undefined inside its own avx512fintrin.h helpers; a false positive.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
float dot_f16(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const uint16_t*>(w);
    const auto* y = static_cast<const uint16_t*>(a);
    const int64_t np = n & ~int64_t(63);
    double sum = 0.0;
    if (np > 0) {
        __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(),
                         _mm512_setzero_ps()};
        for (int64_t i = 0; i < np; i += 64) {
            for (int j = 0; j < 4; ++j) {
                const __m512 xv = _mm512_cvtph_ps(
                    _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i + 16 * j)));
                const __m512 yv = _mm512_cvtph_ps(
                    _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y + i + 16 * j)));
                acc[j] = _mm512_fmadd_ps(xv, yv, acc[j]);
            }
        }
        acc[0] = _mm512_add_ps(acc[0], acc[2]);
        acc[1] = _mm512_add_ps(acc[1], acc[3]);
        acc[0] = _mm512_add_ps(acc[0], acc[1]);
        sum = double(_mm512_reduce_add_ps(acc[0]));
    }
    for (int64_t i = np; i < n; ++i)
        sum += double(h2f(x[i]) * h2f(y[i]));
    return float(sum);
}
#pragma GCC diagnostic pop

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
            return dot_q6_k<false>;
        case GgmlType::F16:
            return dot_f16;
        default:
            return nullptr;
    }
}

VecDotFn avx512_vec_dot_tiled(GgmlType type) {
    return type == GgmlType::Q6_K ? dot_q6_k<true> : nullptr;
}

QuantizeFn avx512_activation_quantizer(GgmlType) {
    return nullptr;
}

}  // namespace hearth::cpu
