// AVX-512 VNNI kernels that dot one weight row with kMultiTokens activation rows at once
// (prefill). Unpacking a weight block (nibbles, high bits, K-quant scales) is the larger
// part of a single dot; here it is done once and reused for every token. Integer parts are
// exact, so each result equals the single-token kernel up to float summation order.
#include "backend/cpu/dot_x86_common.h"
#include "backend/cpu/kernels_dispatch.h"

namespace hearth::cpu {
namespace {

constexpr int kT = kMultiTokens;

inline __m256i load32(const void* p) {
    return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}

template <typename Act>
inline const Act* act_row(const void* act, size_t stride, int t) {
    return reinterpret_cast<const Act*>(static_cast<const uint8_t*>(act) + t * stride);
}

inline void store(const __m256 acc[kT], float* out, size_t out_stride) {
    for (int t = 0; t < kT; ++t)
        out[t * out_stride] = hsum_ps(acc[t]);
}

// Weights with signed values against Q8_0 (Q4_0, Q5_0, Q8_0). `values(block)` returns the
// 32 signed weights of a block.
template <typename Block, typename ValuesFn>
void multi_q8_0(int64_t n, const void* w, const void* act, size_t act_stride, float* out,
                size_t out_stride, ValuesFn&& values) {
    const auto* x = static_cast<const Block*>(w);
    const BlockQ8_0* y[kT];
    for (int t = 0; t < kT; ++t)
        y[t] = act_row<BlockQ8_0>(act, act_stride, t);
    __m256 acc[kT];
    for (auto& a : acc)
        a = _mm256_setzero_ps();
    for (int64_t i = 0; i < n / kQK; ++i) {
        const __m256i q = values(x[i]);
        const __m256i aq = _mm256_abs_epi8(q);
        const __m128 xd = load_half_pair(&x[i].d);
        for (int t = 0; t < kT; ++t) {
            const __m256i s = _mm256_dpbusd_epi32(_mm256_setzero_si256(), aq,
                                                  _mm256_sign_epi8(load32(y[t][i].qs), q));
            const __m128 d = _mm_mul_ss(xd, load_half_pair(&y[t][i].d));
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_broadcastss_ps(d), acc[t]);
        }
    }
    store(acc, out, out_stride);
}

void multi_q8_0_w(int64_t n, const void* w, const void* a, size_t as, float* out, size_t os) {
    multi_q8_0<BlockQ8_0>(n, w, a, as, out, os, [](const BlockQ8_0& b) { return load32(b.qs); });
}

void multi_q4_0(int64_t n, const void* w, const void* a, size_t as, float* out, size_t os) {
    multi_q8_0<BlockQ4_0>(n, w, a, as, out, os, [](const BlockQ4_0& b) {
        return _mm256_sub_epi8(unpack_nibbles_32(b.qs), _mm256_set1_epi8(8));
    });
}

void multi_q5_0(int64_t n, const void* w, const void* a, size_t as, float* out, size_t os) {
    multi_q8_0<BlockQ5_0>(n, w, a, as, out, os, [](const BlockQ5_0& b) {
        uint32_t qh;
        std::memcpy(&qh, b.qh, 4);
        const __m256i nib = unpack_nibbles_32(b.qs);
        return _mm256_mask_sub_epi8(nib, static_cast<__mmask32>(~qh), nib, _mm256_set1_epi8(16));
    });
}

// Q4_1/Q5_1 against Q8_1.
template <typename Block, bool kFiveBit>
void multi_x_1(int64_t n, const void* w, const void* act, size_t act_stride, float* out,
               size_t out_stride) {
    const auto* x = static_cast<const Block*>(w);
    const BlockQ8_1* y[kT];
    for (int t = 0; t < kT; ++t)
        y[t] = act_row<BlockQ8_1>(act, act_stride, t);
    __m256 acc[kT];
    __m128 mins[kT];
    for (int t = 0; t < kT; ++t) {
        acc[t] = _mm256_setzero_ps();
        mins[t] = _mm_setzero_ps();
    }
    for (int64_t i = 0; i < n / kQK; ++i) {
        __m256i q = unpack_nibbles_32(x[i].qs);
        if constexpr (kFiveBit) {
            uint32_t qh;
            std::memcpy(&qh, x[i].qh, 4);
            q = _mm256_mask_add_epi8(q, static_cast<__mmask32>(qh), q, _mm256_set1_epi8(16));
        }
        const __m128 xdm = load_half_pair(&x[i].d);
        for (int t = 0; t < kT; ++t) {
            const __m256i s = _mm256_dpbusd_epi32(_mm256_setzero_si256(), q, load32(y[t][i].qs));
            const __m128 yds = load_half_pair(&y[t][i].d);
            const __m128 p = _mm_mul_ps(xdm, yds);  // lane 0: d*dy
            acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_broadcastss_ps(p), acc[t]);
            mins[t] = _mm_fmadd_ps(xdm, yds, mins[t]);  // lane 1: fma(m, s, mins), as ggml
        }
    }
    for (int t = 0; t < kT; ++t) {
        out[t * out_stride] = hsum_ps(acc[t]) + _mm_cvtss_f32(_mm_movehdup_ps(mins[t]));
    }
}

// Q4_K/Q5_K against Q8_K. The float accumulation follows what llama.cpp runs for a group of
// four tokens: Q4_K matrices are repacked on x86 and its gemm adds one fma per 64 elements
// (two sub-blocks) of exact integer sums; Q5_K is not repacked and takes vec_dot's one fma
// per block, as the single-token dot does.
template <typename Block, bool kFiveBit>
void multi_qk(int64_t n, const void* w, const void* act, size_t act_stride, float* out,
              size_t out_stride) {
    constexpr bool kPer64 = !kFiveBit;
    const auto* x = static_cast<const Block*>(w);
    const BlockQ8_K* y[kT];
    for (int t = 0; t < kT; ++t)
        y[t] = act_row<BlockQ8_K>(act, act_stride, t);
    float acc[kT] = {};
    float min_acc[kT] = {};
    const __m256i low_mask = _mm256_set1_epi8(0x0F);
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        uint8_t sm[16];
        unpack_k4_scales(x[i].scales, sm);
        const float d = h2f(x[i].d);
        const float dmin = h2f(x[i].dmin);
        __m256i isum[kT];
        for (auto& s : isum)
            s = _mm256_setzero_si256();
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
            const __m256i s_lo = _mm256_set1_epi16(sm[2 * j]);
            const __m256i s_hi = _mm256_set1_epi16(sm[2 * j + 1]);
            for (int t = 0; t < kT; ++t) {
                const int8_t* q8 = y[t][i].qs + 64 * j;
                isum[t] = _mm256_dpwssd_epi32(isum[t], _mm256_maddubs_epi16(lo, load32(q8)), s_lo);
                isum[t] =
                    _mm256_dpwssd_epi32(isum[t], _mm256_maddubs_epi16(hi, load32(q8 + 32)), s_hi);
            }
            if constexpr (kPer64) {
                for (int t = 0; t < kT; ++t) {
                    const int16_t* bs = y[t][i].bsums + 4 * j;
                    const int mins =
                        sm[8 + 2 * j] * (bs[0] + bs[1]) + sm[9 + 2 * j] * (bs[2] + bs[3]);
                    const float yd = y[t][i].d;
                    acc[t] = std::fma(static_cast<float>(hsum_epi32(isum[t])), d * yd, acc[t]);
                    min_acc[t] = std::fma(static_cast<float>(mins), dmin * yd, min_acc[t]);
                    isum[t] = _mm256_setzero_si256();
                }
            }
        }
        if constexpr (!kPer64) {
            for (int t = 0; t < kT; ++t) {
                const float yd = y[t][i].d;
                acc[t] = std::fma(static_cast<float>(hsum_epi32(isum[t])), d * yd, acc[t]);
                min_acc[t] = std::fma(static_cast<float>(k4_min_term(sm + 8, y[t][i].bsums)),
                                      dmin * yd, min_acc[t]);
            }
        }
    }
    for (int t = 0; t < kT; ++t)
        out[t * out_stride] = acc[t] - min_acc[t];
}

inline __m256i two_scales(const int8_t* sc) {
    return _mm256_set_m128i(_mm_set1_epi16(sc[1]), _mm_set1_epi16(sc[0]));
}

// kTiledOrder: one float step per block, as ggml's tiled K-quant matmul (kernels_dispatch.h).
template <bool kTiledOrder>
void multi_q6_k(int64_t n, const void* w, const void* act, size_t act_stride, float* out,
                size_t out_stride) {
    const auto* x = static_cast<const BlockQ6_K*>(w);
    const BlockQ8_K* y[kT];
    for (int t = 0; t < kT; ++t)
        y[t] = act_row<BlockQ8_K>(act, act_stride, t);
    __m256 acc[kT];
    for (auto& a : acc)
        a = _mm256_setzero_ps();
    float block_acc[kT] = {};
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i m30 = _mm256_set1_epi8(0x30);
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const __m256i sc16 =
            _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x[i].scales)));
        __m256i isum[kT];
        for (int t = 0; t < kT; ++t) {
            // The -32 offset: 32 * sum(scale_g * bsum_g), subtracted up front.
            isum[t] = _mm256_sub_epi32(
                _mm256_setzero_si256(),
                _mm256_slli_epi32(_mm256_madd_epi16(sc16, load32(y[t][i].bsums)), 5));
        }
        for (int h = 0; h < 2; ++h) {
            const __m256i l0 = load32(x[i].ql + 64 * h);
            const __m256i l1 = load32(x[i].ql + 64 * h + 32);
            const __m256i qh = load32(x[i].qh + 32 * h);
            const __m256i q[4] = {_mm256_or_si256(_mm256_and_si256(l0, m4),
                                                  _mm256_and_si256(_mm256_slli_epi16(qh, 4), m30)),
                                  _mm256_or_si256(_mm256_and_si256(l1, m4),
                                                  _mm256_and_si256(_mm256_slli_epi16(qh, 2), m30)),
                                  _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4),
                                                  _mm256_and_si256(qh, m30)),
                                  _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4),
                                                  _mm256_and_si256(_mm256_srli_epi16(qh, 2), m30))};
            const int8_t* sc = x[i].scales + 8 * h;
            const __m256i s[4] = {two_scales(sc), two_scales(sc + 2), two_scales(sc + 4),
                                  two_scales(sc + 6)};
            for (int t = 0; t < kT; ++t) {
                const int8_t* q8 = y[t][i].qs + 128 * h;
                for (int k = 0; k < 4; ++k) {
                    isum[t] = _mm256_dpwssd_epi32(
                        isum[t], _mm256_maddubs_epi16(q[k], load32(q8 + 32 * k)), s[k]);
                }
            }
        }
        const float d = h2f(x[i].d);
        for (int t = 0; t < kT; ++t) {
            if constexpr (kTiledOrder) {
                block_acc[t] =
                    std::fma(static_cast<float>(hsum_epi32(isum[t])) * d, y[t][i].d, block_acc[t]);
            } else {
                acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * y[t][i].d), _mm256_cvtepi32_ps(isum[t]),
                                         acc[t]);
            }
        }
    }
    if constexpr (kTiledOrder) {
        for (int t = 0; t < kT; ++t)
            out[t * out_stride] = block_acc[t];
    } else {
        store(acc, out, out_stride);
    }
}

}  // namespace

VecDotMultiFn avx512_vec_dot_multi(GgmlType type) {
    switch (type) {
        case GgmlType::Q4_0:
            return multi_q4_0;
        case GgmlType::Q4_1:
            return multi_x_1<BlockQ4_1, false>;
        case GgmlType::Q5_0:
            return multi_q5_0;
        case GgmlType::Q5_1:
            return multi_x_1<BlockQ5_1, true>;
        case GgmlType::Q8_0:
            return multi_q8_0_w;
        case GgmlType::Q4_K:
            return multi_qk<BlockQ4_K, false>;
        case GgmlType::Q5_K:
            return multi_qk<BlockQ5_K, true>;
        case GgmlType::Q6_K:
            return multi_q6_k<false>;
        default:
            return nullptr;
    }
}

VecDotMultiFn avx512_vec_dot_multi_tiled(GgmlType type) {
    return type == GgmlType::Q6_K ? multi_q6_k<true> : nullptr;
}

}  // namespace hearth::cpu
