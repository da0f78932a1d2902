// AVX2 + FMA + F16C kernels (this file is compiled with -mavx2 -mfma -mf16c and only
// called when cpuid reports them). Integer parts are exact; only the float summation
// order differs from dot_scalar.cpp.
#include "backend/cpu/dot_x86_common.h"
#include "backend/cpu/kernels_dispatch.h"

namespace hearth::cpu {
namespace {

template <typename Block, typename BlockFn>
float blockwise(int64_t n, const void* w, const void* a, BlockFn&& block_dot) {
    const auto* x = static_cast<const Block*>(w);
    const auto* y = static_cast<const BlockQ8_0*>(a);
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    const int64_t nb = n / kQK;
    int64_t i = 0;
    for (; i + 1 < nb; i += 2) {
        acc0 = block_dot(x[i], y[i], acc0);
        acc1 = block_dot(x[i + 1], y[i + 1], acc1);
    }
    if (i < nb) acc0 = block_dot(x[i], y[i], acc0);
    return hsum_ps(_mm256_add_ps(acc0, acc1));
}

// acc += sumi * (x.d * y.d); both headers start with the half d, followed by more block
// bytes, so the 32-bit header loads stay inside the blocks.
template <typename Block, typename Act>
inline __m256 scaled(__m256i sumi, const Block& x, const Act& y, __m256 acc) {
    const __m128 d = _mm_mul_ss(load_half_pair(&x.d), load_half_pair(&y.d));
    return _mm256_fmadd_ps(_mm256_cvtepi32_ps(sumi), _mm256_broadcastss_ps(d), acc);
}

inline __m256i load32(const void* p) {
    return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}

float dot_q4_0(int64_t n, const void* w, const void* a) {
    return blockwise<BlockQ4_0>(n, w, a, [](const BlockQ4_0& x, const BlockQ8_0& y, __m256 acc) {
        const __m256i q = _mm256_sub_epi8(unpack_nibbles_32(x.qs), _mm256_set1_epi8(8));
        return scaled(dot_i8_i8_avx2(q, load32(y.qs)), x, y, acc);
    });
}

float dot_q5_0(int64_t n, const void* w, const void* a) {
    return blockwise<BlockQ5_0>(n, w, a, [](const BlockQ5_0& x, const BlockQ8_0& y, __m256 acc) {
        uint32_t qh;
        std::memcpy(&qh, x.qh, 4);
        const __m256i high = _mm256_and_si256(expand_bits_32(qh), _mm256_set1_epi8(0x10));
        const __m256i q =
            _mm256_sub_epi8(_mm256_or_si256(unpack_nibbles_32(x.qs), high), _mm256_set1_epi8(16));
        return scaled(dot_i8_i8_avx2(q, load32(y.qs)), x, y, acc);
    });
}

float dot_q8_0(int64_t n, const void* w, const void* a) {
    return blockwise<BlockQ8_0>(n, w, a, [](const BlockQ8_0& x, const BlockQ8_0& y, __m256 acc) {
        return scaled(dot_i8_i8_avx2(load32(x.qs), load32(y.qs)), x, y, acc);
    });
}

// Q4_1/Q5_1: the minimum contributes m * s per block (s = d_y * sum(q_y), stored in Q8_1).
template <typename Block, bool kFiveBit>
float dot_x_1(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const Block*>(w);
    const auto* y = static_cast<const BlockQ8_1*>(a);
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    __m128 mins = _mm_setzero_ps();
    const int64_t nb = n / kQK;
    auto one = [&](int64_t i, __m256 acc) {
        __m256i q = unpack_nibbles_32(x[i].qs);
        if constexpr (kFiveBit) {
            uint32_t qh;
            std::memcpy(&qh, x[i].qh, 4);
            q = _mm256_or_si256(q, _mm256_and_si256(expand_bits_32(qh), _mm256_set1_epi8(0x10)));
        }
        // Lanes {d_x * d_y, m * s}: lane 0 scales the block, lane 1 is the minimum's share.
        const __m128 p = _mm_mul_ps(load_half_pair(&x[i].d), load_half_pair(&y[i].d));
        mins = _mm_add_ps(mins, p);
        const __m256i sumi = dot_u8_i8_avx2(q, load32(y[i].qs));
        return _mm256_fmadd_ps(_mm256_cvtepi32_ps(sumi), _mm256_broadcastss_ps(p), acc);
    };
    int64_t i = 0;
    for (; i + 1 < nb; i += 2) {
        acc0 = one(i, acc0);
        acc1 = one(i + 1, acc1);
    }
    if (i < nb) acc0 = one(i, acc0);
    return hsum_ps(_mm256_add_ps(acc0, acc1)) + _mm_cvtss_f32(_mm_movehdup_ps(mins));
}

// Q4_K/Q5_K: per 64 elements one 32-byte load of nibbles feeds two sub-blocks; the 6-bit
// scale multiplies the int16 pair sums (madd), the mins go through Q8_K's bsums.
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
                const __m256i one = _mm256_set1_epi8(1);
                const __m256i b0 = _mm256_and_si256(_mm256_srli_epi16(qh, 2 * j), one);
                const __m256i b1 = _mm256_and_si256(_mm256_srli_epi16(qh, 2 * j + 1), one);
                lo = _mm256_or_si256(lo, _mm256_slli_epi16(b0, 4));
                hi = _mm256_or_si256(hi, _mm256_slli_epi16(b1, 4));
            }
            const __m256i plo = _mm256_maddubs_epi16(lo, load32(y[i].qs + 64 * j));
            const __m256i phi = _mm256_maddubs_epi16(hi, load32(y[i].qs + 64 * j + 32));
            isum = _mm256_add_epi32(isum, _mm256_madd_epi16(plo, _mm256_set1_epi16(sm[2 * j])));
            isum = _mm256_add_epi32(isum, _mm256_madd_epi16(phi, _mm256_set1_epi16(sm[2 * j + 1])));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(h2f(x[i].d) * y[i].d), _mm256_cvtepi32_ps(isum), acc);
        min_acc += h2f(x[i].dmin) * y[i].d * static_cast<float>(mins);
    }
    return hsum_ps(acc) - min_acc;
}

inline __m256i two_scales(const int8_t* sc) {
    return _mm256_set_m128i(_mm_set1_epi16(sc[1]), _mm_set1_epi16(sc[0]));
}

// Q6_K: 6-bit unsigned values 0..63 dotted directly; the -32 offset is folded in once per
// super-block as 32 * sum(scale_g * bsum_g).
float dot_q6_k(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const BlockQ6_K*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(a);
    float sum = 0.0f;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i m30 = _mm256_set1_epi8(0x30);
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const __m256i sc16 =
            _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x[i].scales)));
        const __m256i bs = load32(y[i].bsums);
        const int offset = 32 * hsum_epi32(_mm256_madd_epi16(sc16, bs));
        __m256i isum = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const __m256i l0 = load32(x[i].ql + 64 * h);
            const __m256i l1 = load32(x[i].ql + 64 * h + 32);
            const __m256i qh = load32(x[i].qh + 32 * h);
            const __m256i q1 = _mm256_or_si256(_mm256_and_si256(l0, m4),
                                               _mm256_and_si256(_mm256_slli_epi16(qh, 4), m30));
            const __m256i q2 = _mm256_or_si256(_mm256_and_si256(l1, m4),
                                               _mm256_and_si256(_mm256_slli_epi16(qh, 2), m30));
            const __m256i q3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4),
                                               _mm256_and_si256(qh, m30));
            const __m256i q4 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4),
                                               _mm256_and_si256(_mm256_srli_epi16(qh, 2), m30));
            const int8_t* sc = x[i].scales + 8 * h;
            const int8_t* q8 = y[i].qs + 128 * h;
            isum = _mm256_add_epi32(
                isum, _mm256_madd_epi16(_mm256_maddubs_epi16(q1, load32(q8)), two_scales(sc)));
            isum = _mm256_add_epi32(
                isum,
                _mm256_madd_epi16(_mm256_maddubs_epi16(q2, load32(q8 + 32)), two_scales(sc + 2)));
            isum = _mm256_add_epi32(
                isum,
                _mm256_madd_epi16(_mm256_maddubs_epi16(q3, load32(q8 + 64)), two_scales(sc + 4)));
            isum = _mm256_add_epi32(
                isum,
                _mm256_madd_epi16(_mm256_maddubs_epi16(q4, load32(q8 + 96)), two_scales(sc + 6)));
        }
        const int total = hsum_epi32(isum) - offset;
        sum += h2f(x[i].d) * y[i].d * static_cast<float>(total);
    }
    return sum;
}

float dot_f32(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const float*>(w);
    const auto* y = static_cast<const float*>(a);
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(),
                     _mm256_setzero_ps()};
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int k = 0; k < 4; ++k) {
            acc[k] = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 8 * k), _mm256_loadu_ps(y + i + 8 * k),
                                     acc[k]);
        }
    }
    for (; i + 8 <= n; i += 8) {
        acc[0] = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), acc[0]);
    }
    float sum =
        hsum_ps(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3])));
    for (; i < n; ++i)
        sum += x[i] * y[i];
    return sum;
}

inline __m256 load_f16(const uint16_t* p) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

inline __m256 load_bf16(const uint16_t* p) {
    const __m256i v = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    return _mm256_castsi256_ps(_mm256_slli_epi32(v, 16));
}

template <bool kBrain>
float dot_half(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const uint16_t*>(w);
    const auto* y = static_cast<const uint16_t*>(a);
    auto load = [](const uint16_t* p) { return kBrain ? load_bf16(p) : load_f16(p); };
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(),
                     _mm256_setzero_ps()};
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int k = 0; k < 4; ++k) {
            acc[k] = _mm256_fmadd_ps(load(x + i + 8 * k), load(y + i + 8 * k), acc[k]);
        }
    }
    for (; i + 8 <= n; i += 8)
        acc[0] = _mm256_fmadd_ps(load(x + i), load(y + i), acc[0]);
    float sum =
        hsum_ps(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3])));
    for (; i < n; ++i) {
        sum += kBrain ? bf16_to_fp32(x[i]) * bf16_to_fp32(y[i]) : h2f(x[i]) * h2f(y[i]);
    }
    return sum;
}

}  // namespace

VecDotFn avx2_vec_dot(GgmlType type) {
    switch (type) {
        case GgmlType::F32:
            return dot_f32;
        case GgmlType::F16:
            return dot_half<false>;
        case GgmlType::BF16:
            return dot_half<true>;
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

}  // namespace hearth::cpu
