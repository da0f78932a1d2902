// AVX-512 VNNI register-tiled GEMM for Q4_K and Q6_K weights against Q8_K activations
// (prefill): one tile computes kKRows weight rows x kKTokens tokens with one token per 32-bit
// lane, so every float step of the single-token kernels becomes one 16-lane instruction.
//
// Layout. The activations of kKTokens tokens are packed per 256-element block with each
// token's bytes 4g..4g+3 in lane t of row g (KPackedBlock), offset by +128 to unsigned so
// that vpdpbusd can multiply them by the signed weight bytes, broadcast four at a time. The
// weights of a panel of rows are unpacked once per matmul (prepare_*) into plain bytes plus
// their scales, the exact integer correction for the +128 offset, and the float scales; a
// tile then reads them with broadcast loads.
//
// Exactness. Integer sums are exact whatever their grouping; the float steps per (row, token)
// are exactly those of the kernels this replaces (dot_multi_avx512.cpp):
//  - Q4_K (llama.cpp repacks Q4_K on x86): per 64 elements, acc = fma(isum, d * yd, acc)
//    and min_acc = fma(mins, dmin * yd, min_acc); result acc - min_acc.
//  - Q6_K in the tiled order (kTiledMinTokens or more tokens, which a kKTokens group always
//    is): per block, acc = fma(isum * d, yd, acc).
#include "backend/cpu/dot_x86_common.h"
#include "backend/cpu/kernels_dispatch.h"

// GCC 12 reports its own _mm512_undefined_* placeholders as "maybe uninitialized"; every lane
// this file reads is defined.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace hearth::cpu {
namespace {

constexpr int kR = kKGemmRows;
constexpr int kT = kKGemmTokens;
static_assert(kT == 16, "one token per 32-bit lane of a 512-bit register");
static_assert(kT >= kTiledMinTokens, "the Q6_K tile follows the tiled order");

struct alignas(64) KPackedBlock {
    uint32_t q[kQK_K / 4][kT];  // q[g][t]: bytes 4g..4g+3 of token t, each + 128
    int32_t bsum_pairs[4][kT];  // per 64 elements: int16 pair (sum of 32, sum of next 32)
    float d[kT];
};
static_assert(sizeof(KPackedBlock) == kKGemmPackedBlockBytes);

// One row's Q4_K block, unpacked.
struct alignas(64) Q4KPrepared {
    uint8_t q[kQK_K];     // 0..15, in element order
    int32_t scale[8];     // per 32 elements
    int32_t min_pair[4];  // per 64 elements: int16 pair (min of the first 32, of the second)
    int32_t bias[4];      // per 64 elements: -128 * sum(scale * weights), the offset's share
    float d, dmin;
};
// One row's Q6_K block, unpacked.
struct alignas(64) Q6KPrepared {
    int8_t q[kQK_K];    // -32..31, in element order
    int32_t scale[16];  // per 16 elements
    int32_t bias;       // -128 * sum(scale * weights)
    float d;
};
static_assert(sizeof(Q4KPrepared) == kKGemmPreparedBlockBytes);
static_assert(sizeof(Q6KPrepared) == kKGemmPreparedBlockBytes);

// ---- activation packing ----------------------------------------------------------------

void pack_q8_k(int64_t n, const void* act, size_t act_stride, void* packed) {
    auto* out = static_cast<KPackedBlock*>(packed);
    for (int t = 0; t < kT; ++t) {
        const auto* y = reinterpret_cast<const BlockQ8_K*>(static_cast<const uint8_t*>(act) +
                                                           size_t(t) * act_stride);
        for (int64_t i = 0; i < n / kQK_K; ++i) {
            for (int g = 0; g < kQK_K / 4; ++g)
                out[i].q[g][t] = load_u32(y[i].qs + 4 * g) ^ 0x80808080u;
            for (int j = 0; j < 4; ++j) {
                const int16_t* bs = y[i].bsums + 4 * j;
                const auto lo = uint16_t(bs[0] + bs[1]);
                const auto hi = uint16_t(bs[2] + bs[3]);
                out[i].bsum_pairs[j][t] = int32_t(lo | uint32_t(hi) << 16);
            }
            out[i].d[t] = y[i].d;
        }
    }
}

// ---- weight preparation ----------------------------------------------------------------

void prepare_q4_k(int64_t n, const void* w, size_t row_stride, int rows, void* prepared) {
    auto* out = static_cast<Q4KPrepared*>(prepared);
    for (int r = 0; r < rows; ++r) {
        const auto* x =
            reinterpret_cast<const BlockQ4_K*>(static_cast<const uint8_t*>(w) + r * row_stride);
        for (int64_t i = 0; i < n / kQK_K; ++i, ++out) {
            for (int j = 0; j < 4; ++j) {
                for (int l = 0; l < 32; ++l) {
                    out->q[64 * j + l] = x[i].qs[32 * j + l] & 0x0F;
                    out->q[64 * j + 32 + l] = x[i].qs[32 * j + l] >> 4;
                }
            }
            uint8_t sc[8], m[8];
            for (int s = 0; s < 8; ++s)
                k4_scale_min(s, x[i].scales, sc[s], m[s]);
            int weighted[8];
            for (int s = 0; s < 8; ++s) {
                int sum = 0;
                for (int l = 0; l < 32; ++l)
                    sum += out->q[32 * s + l];
                weighted[s] = sc[s] * sum;
                out->scale[s] = sc[s];
            }
            for (int j = 0; j < 4; ++j) {
                out->min_pair[j] = int32_t(m[2 * j] | uint32_t(m[2 * j + 1]) << 16);
                out->bias[j] = -128 * (weighted[2 * j] + weighted[2 * j + 1]);
            }
            out->d = h2f(x[i].d);
            out->dmin = h2f(x[i].dmin);
        }
    }
}

void prepare_q6_k(int64_t n, const void* w, size_t row_stride, int rows, void* prepared) {
    auto* out = static_cast<Q6KPrepared*>(prepared);
    for (int r = 0; r < rows; ++r) {
        const auto* x =
            reinterpret_cast<const BlockQ6_K*>(static_cast<const uint8_t*>(w) + r * row_stride);
        for (int64_t i = 0; i < n / kQK_K; ++i, ++out) {
            for (int h = 0; h < 2; ++h) {
                const uint8_t* ql = x[i].ql + 64 * h;
                const uint8_t* qh = x[i].qh + 32 * h;
                int8_t* q = out->q + 128 * h;
                for (int l = 0; l < 32; ++l) {
                    q[l] = int8_t(((ql[l] & 0xF) | ((qh[l] & 3) << 4)) - 32);
                    q[l + 32] = int8_t(((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32);
                    q[l + 64] = int8_t(((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32);
                    q[l + 96] = int8_t(((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32);
                }
            }
            int weighted = 0;
            for (int g = 0; g < 16; ++g) {
                int sum = 0;
                for (int l = 0; l < 16; ++l)
                    sum += out->q[16 * g + l];
                weighted += x[i].scales[g] * sum;
                out->scale[g] = x[i].scales[g];
            }
            out->bias = -128 * weighted;
            out->d = h2f(x[i].d);
        }
    }
}

// ---- tiles ---------------------------------------------------------------------------------

template <typename Prepared>
inline void row_pointers(const void* w, size_t stride, const Prepared* x[kR]) {
    for (int r = 0; r < kR; ++r)
        x[r] = reinterpret_cast<const Prepared*>(static_cast<const uint8_t*>(w) + r * stride);
}

// out[t * out_stride + r] = lane t of v[r].
inline void store_tile(const __m512 v[kR], float* out, size_t out_stride) {
    alignas(64) float lanes[kR][kT];
    for (int r = 0; r < kR; ++r)
        _mm512_store_ps(lanes[r], v[r]);
    for (int t = 0; t < kT; ++t)
        for (int r = 0; r < kR; ++r)
            out[size_t(t) * out_stride + r] = lanes[r][t];
}

// Sum over 4 * kGroups elements (starting at group g0 of the packed block) of weight *
// (activation + 128), per token lane.
template <int kGroups>
inline __m512i offset_dot(const __m512i a[kGroups], const void* weights) {
    __m512i s = _mm512_setzero_si512();
    for (int g = 0; g < kGroups; ++g) {
        s = _mm512_dpbusd_epi32(
            s, a[g], _mm512_set1_epi32(int(load_u32(static_cast<const int8_t*>(weights) + 4 * g))));
    }
    return s;
}

void tile_q4_k(int64_t n, const void* w, size_t stride, const void* packed, float* out,
               size_t out_stride) {
    const Q4KPrepared* x[kR];
    row_pointers(w, stride, x);
    const auto* p = static_cast<const KPackedBlock*>(packed);
    __m512 acc[kR], min_acc[kR];
    for (int r = 0; r < kR; ++r)
        acc[r] = min_acc[r] = _mm512_setzero_ps();
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const KPackedBlock& b = p[i];
        const __m512 yd = _mm512_load_ps(b.d);
        for (int j = 0; j < 4; ++j) {
            __m512i isum[kR];
            for (int r = 0; r < kR; ++r)
                isum[r] = _mm512_set1_epi32(x[r][i].bias[j]);
            for (int h = 0; h < 2; ++h) {
                const int sub = 2 * j + h;
                __m512i a[8];
                for (int g = 0; g < 8; ++g)
                    a[g] = _mm512_load_si512(b.q[8 * sub + g]);
                for (int r = 0; r < kR; ++r) {
                    const __m512i s = offset_dot<8>(a, x[r][i].q + 32 * sub);
                    isum[r] = _mm512_add_epi32(
                        isum[r], _mm512_mullo_epi32(s, _mm512_set1_epi32(x[r][i].scale[sub])));
                }
            }
            const __m512i bsum_pairs = _mm512_load_si512(b.bsum_pairs[j]);
            for (int r = 0; r < kR; ++r) {
                const __m512 dy = _mm512_mul_ps(_mm512_set1_ps(x[r][i].d), yd);
                const __m512 my = _mm512_mul_ps(_mm512_set1_ps(x[r][i].dmin), yd);
                const __m512i mins = _mm512_dpwssd_epi32(_mm512_setzero_si512(), bsum_pairs,
                                                         _mm512_set1_epi32(x[r][i].min_pair[j]));
                acc[r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum[r]), dy, acc[r]);
                min_acc[r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(mins), my, min_acc[r]);
            }
        }
    }
    for (int r = 0; r < kR; ++r)
        acc[r] = _mm512_sub_ps(acc[r], min_acc[r]);
    store_tile(acc, out, out_stride);
}

void tile_q6_k(int64_t n, const void* w, size_t stride, const void* packed, float* out,
               size_t out_stride) {
    const Q6KPrepared* x[kR];
    row_pointers(w, stride, x);
    const auto* p = static_cast<const KPackedBlock*>(packed);
    __m512 acc[kR];
    for (auto& a : acc)
        a = _mm512_setzero_ps();
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const KPackedBlock& b = p[i];
        __m512i isum[kR];
        for (int r = 0; r < kR; ++r)
            isum[r] = _mm512_set1_epi32(x[r][i].bias);
        for (int g = 0; g < 16; ++g) {
            __m512i a[4];
            for (int k = 0; k < 4; ++k)
                a[k] = _mm512_load_si512(b.q[4 * g + k]);
            for (int r = 0; r < kR; ++r) {
                const __m512i s = offset_dot<4>(a, x[r][i].q + 16 * g);
                isum[r] = _mm512_add_epi32(
                    isum[r], _mm512_mullo_epi32(s, _mm512_set1_epi32(x[r][i].scale[g])));
            }
        }
        const __m512 yd = _mm512_load_ps(b.d);
        for (int r = 0; r < kR; ++r) {
            const __m512 scaled =
                _mm512_mul_ps(_mm512_cvtepi32_ps(isum[r]), _mm512_set1_ps(x[r][i].d));
            acc[r] = _mm512_fmadd_ps(scaled, yd, acc[r]);
        }
    }
    store_tile(acc, out, out_stride);
}

}  // namespace

GemmKernel avx512_gemm_kquant(GgmlType type) {
    GemmKernel k;
    k.pack = pack_q8_k;
    k.rows = kR;
    k.tokens = kT;
    k.block_elements = kQK_K;
    k.packed_block_bytes = kKGemmPackedBlockBytes;
    k.prepared_block_bytes = kKGemmPreparedBlockBytes;
    switch (type) {
        case GgmlType::Q4_K:
            k.prepare = prepare_q4_k;
            k.tile = tile_q4_k;
            return k;
        case GgmlType::Q6_K:
            k.prepare = prepare_q6_k;
            k.tile = tile_q6_k;
            return k;
        default:
            return {};
    }
}

}  // namespace hearth::cpu
