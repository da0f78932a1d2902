// AVX-512 VNNI register-tiled GEMM for the 32-element block types (prefill): one call computes
// kGemmRows weight rows x kGemmTokens tokens with every accumulator in a register, so each
// weight block is unpacked once for all tokens and each activation block loaded once for all
// rows. Two rows share one 512-bit register (row a in the low 256 bits, row b in the high).
//
// Per (row, token) the float operations are exactly those of the single-row vec_dot kernels
// (and of ggml's x86 vec_dot): an 8-lane accumulator gets one fma per block of the block's
// integer lane sums times d_w * d_a, the weight minimum term (Q4_1/Q5_1) is a separate
// sequential fma chain m_w * s_a, and the result is hsum(8 lanes) [+ min term]. Only the
// integer lane sums are formed differently: VNNI multiplies unsigned by signed bytes, so
// signed weights are offset to unsigned (w + k) and k * (sum of the 4 activations of the
// lane) is subtracted, an exact integer identity.
//
// Activations are first packed per block of kGemmTokens tokens (GemmPackedBlock): their
// bytes side by side, scales as floats, and the lane sums times -k.
#include "backend/cpu/dot_x86_common.h"
#include "backend/cpu/kernels_dispatch.h"

// GCC 12 reports its own _mm512_undefined_* placeholders (casts, inserts, permutes) as
// "maybe uninitialized"; every lane this file reads is defined.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace hearth::cpu {
namespace {

constexpr int kR = kGemmRows;
constexpr int kT = kGemmTokens;
static_assert(kR == 4 && kT == 4, "the lane maps below assume a 4 x 4 tile");

struct GemmPackedBlock {
    int8_t qs[kT][kQK];
    int32_t bias[kT][8];  // -k * (sum of activation bytes 4j..4j+3), for signed weights
    float d[kT];
    float s[kT];  // Q8_1's s (d * sum of qs): the weight-minimum term
};
static_assert(sizeof(GemmPackedBlock) == kGemmPackedBlockBytes);

inline __m256i load32(const void* p) {
    return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}

inline __m512i pair(__m256i lo, __m256i hi) {
    return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
}

// ---- activation packing ----------------------------------------------------------------

template <int kOffset>
void pack_q8_0(int64_t n, const void* act, size_t act_stride, void* packed) {
    auto* out = static_cast<GemmPackedBlock*>(packed);
    for (int t = 0; t < kT; ++t) {
        const auto* y = reinterpret_cast<const BlockQ8_0*>(static_cast<const uint8_t*>(act) +
                                                           size_t(t) * act_stride);
        for (int64_t i = 0; i < n / kQK; ++i) {
            std::memcpy(out[i].qs[t], y[i].qs, kQK);
            for (int j = 0; j < 8; ++j) {
                const int8_t* q = y[i].qs + 4 * j;
                out[i].bias[t][j] = -kOffset * (q[0] + q[1] + q[2] + q[3]);
            }
            out[i].d[t] = h2f(y[i].d);
            out[i].s[t] = 0.0f;
        }
    }
}

void pack_q8_1(int64_t n, const void* act, size_t act_stride, void* packed) {
    auto* out = static_cast<GemmPackedBlock*>(packed);
    for (int t = 0; t < kT; ++t) {
        const auto* y = reinterpret_cast<const BlockQ8_1*>(static_cast<const uint8_t*>(act) +
                                                           size_t(t) * act_stride);
        for (int64_t i = 0; i < n / kQK; ++i) {
            std::memcpy(out[i].qs[t], y[i].qs, kQK);
            std::memset(out[i].bias[t], 0, sizeof out[i].bias[t]);
            out[i].d[t] = h2f(y[i].d);
            out[i].s[t] = h2f(y[i].s);
        }
    }
}

// ---- tiles ---------------------------------------------------------------------------------

template <typename Block>
inline void row_pointers(const void* w, size_t stride, const Block* x[kR]) {
    for (int r = 0; r < kR; ++r)
        x[r] = reinterpret_cast<const Block*>(static_cast<const uint8_t*>(w) + r * stride);
}

// out[t * out_stride + r] = hsum of row r's 8 lanes (+ min[r * kT + t]).
inline void store_tile(const __m512 acc_a[kT], const __m512 acc_b[kT], const float* min, float* out,
                       size_t out_stride) {
    for (int t = 0; t < kT; ++t) {
        float* o = out + size_t(t) * out_stride;
        const float v[kR] = {hsum_ps(_mm512_castps512_ps256(acc_a[t])),
                             hsum_ps(_mm512_extractf32x8_ps(acc_a[t], 1)),
                             hsum_ps(_mm512_castps512_ps256(acc_b[t])),
                             hsum_ps(_mm512_extractf32x8_ps(acc_b[t], 1))};
        for (int r = 0; r < kR; ++r)
            o[r] = min ? v[r] + min[r * kT + t] : v[r];
    }
}

// Weights with signed values (Q4_0, Q5_0, Q8_0) against Q8_0. `unsigned_values(block)` gives
// the 32 weights plus kOffset as bytes.
template <typename Block, typename UnsignedFn>
void tile_q8_0(int64_t n, const void* w, size_t stride, const void* packed, float* out,
               size_t out_stride, UnsignedFn&& unsigned_values) {
    const Block* x[kR];
    row_pointers(w, stride, x);
    const auto* p = static_cast<const GemmPackedBlock*>(packed);
    __m512 acc_a[kT], acc_b[kT];
    for (int t = 0; t < kT; ++t)
        acc_a[t] = acc_b[t] = _mm512_setzero_ps();
    const __m512i lo_hi_01 = _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
    const __m512i lo_hi_23 = _mm512_setr_epi32(2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
    for (int64_t i = 0; i < n / kQK; ++i) {
        const __m512i wa = pair(unsigned_values(x[0][i]), unsigned_values(x[1][i]));
        const __m512i wb = pair(unsigned_values(x[2][i]), unsigned_values(x[3][i]));
        const __m128i halves = _mm_setr_epi16(short(x[0][i].d), short(x[1][i].d), short(x[2][i].d),
                                              short(x[3][i].d), 0, 0, 0, 0);
        const __m512 dw = _mm512_castps128_ps512(_mm_cvtph_ps(halves));
        const __m512 dw_a = _mm512_permutexvar_ps(lo_hi_01, dw);
        const __m512 dw_b = _mm512_permutexvar_ps(lo_hi_23, dw);
        const GemmPackedBlock& b = p[i];
        for (int t = 0; t < kT; ++t) {
            const __m512i y = _mm512_broadcast_i64x4(load32(b.qs[t]));
            const __m512i bias = _mm512_broadcast_i64x4(load32(b.bias[t]));
            const __m512 dy = _mm512_set1_ps(b.d[t]);
            const __m512i sa = _mm512_dpbusd_epi32(bias, wa, y);
            const __m512i sb = _mm512_dpbusd_epi32(bias, wb, y);
            acc_a[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sa), _mm512_mul_ps(dw_a, dy), acc_a[t]);
            acc_b[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sb), _mm512_mul_ps(dw_b, dy), acc_b[t]);
        }
    }
    store_tile(acc_a, acc_b, nullptr, out, out_stride);
}

void tile_q4_0(int64_t n, const void* w, size_t stride, const void* pk, float* out, size_t os) {
    tile_q8_0<BlockQ4_0>(n, w, stride, pk, out, os,
                         [](const BlockQ4_0& b) { return unpack_nibbles_32(b.qs); });
}

void tile_q5_0(int64_t n, const void* w, size_t stride, const void* pk, float* out, size_t os) {
    tile_q8_0<BlockQ5_0>(n, w, stride, pk, out, os, [](const BlockQ5_0& b) {
        const __m256i nib = unpack_nibbles_32(b.qs);
        return _mm256_mask_add_epi8(nib, static_cast<__mmask32>(load_u32(b.qh)), nib,
                                    _mm256_set1_epi8(16));
    });
}

void tile_q8_0_w(int64_t n, const void* w, size_t stride, const void* pk, float* out, size_t os) {
    tile_q8_0<BlockQ8_0>(n, w, stride, pk, out, os, [](const BlockQ8_0& b) {
        return _mm256_xor_si256(load32(b.qs), _mm256_set1_epi8(char(0x80)));
    });
}

// Q4_1/Q5_1 against Q8_1.
template <typename Block, bool kFiveBit>
void tile_x_1(int64_t n, const void* w, size_t stride, const void* packed, float* out,
              size_t out_stride) {
    const Block* x[kR];
    row_pointers(w, stride, x);
    const auto* p = static_cast<const GemmPackedBlock*>(packed);
    __m512 acc_a[kT], acc_b[kT];
    for (int t = 0; t < kT; ++t)
        acc_a[t] = acc_b[t] = _mm512_setzero_ps();
    __m512 mins = _mm512_setzero_ps();  // lane r * kT + t
    // Header floats are {d0, m0, d1, m1, d2, m2, d3, m3}.
    const __m512i d_01 = _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2);
    const __m512i d_23 = _mm512_setr_epi32(4, 4, 4, 4, 4, 4, 4, 4, 6, 6, 6, 6, 6, 6, 6, 6);
    const __m512i m_rows = _mm512_setr_epi32(1, 1, 1, 1, 3, 3, 3, 3, 5, 5, 5, 5, 7, 7, 7, 7);
    const __m256i sixteen = _mm256_set1_epi8(16);
    auto values = [&](const Block& b) {
        __m256i q = unpack_nibbles_32(b.qs);
        if constexpr (kFiveBit) {
            q = _mm256_mask_add_epi8(q, static_cast<__mmask32>(load_u32(b.qh)), q, sixteen);
        }
        return q;
    };
    for (int64_t i = 0; i < n / kQK; ++i) {
        const __m512i wa = pair(values(x[0][i]), values(x[1][i]));
        const __m512i wb = pair(values(x[2][i]), values(x[3][i]));
        const __m128i headers =
            _mm_setr_epi32(int(load_u32(&x[0][i].d)), int(load_u32(&x[1][i].d)),
                           int(load_u32(&x[2][i].d)), int(load_u32(&x[3][i].d)));
        const __m512 h = _mm512_castps256_ps512(_mm256_cvtph_ps(headers));
        const __m512 dw_a = _mm512_permutexvar_ps(d_01, h);
        const __m512 dw_b = _mm512_permutexvar_ps(d_23, h);
        const GemmPackedBlock& b = p[i];
        mins = _mm512_fmadd_ps(_mm512_permutexvar_ps(m_rows, h),
                               _mm512_broadcast_f32x4(_mm_loadu_ps(b.s)), mins);
        for (int t = 0; t < kT; ++t) {
            const __m512i y = _mm512_broadcast_i64x4(load32(b.qs[t]));
            const __m512 dy = _mm512_set1_ps(b.d[t]);
            const __m512i sa = _mm512_dpbusd_epi32(_mm512_setzero_si512(), wa, y);
            const __m512i sb = _mm512_dpbusd_epi32(_mm512_setzero_si512(), wb, y);
            acc_a[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sa), _mm512_mul_ps(dw_a, dy), acc_a[t]);
            acc_b[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sb), _mm512_mul_ps(dw_b, dy), acc_b[t]);
        }
    }
    alignas(64) float min_terms[16];
    _mm512_store_ps(min_terms, mins);
    store_tile(acc_a, acc_b, min_terms, out, out_stride);
}

}  // namespace

GemmKernel avx512_gemm(GgmlType type) {
    switch (type) {
        case GgmlType::Q4_0:
            return {pack_q8_0<8>, tile_q4_0};
        case GgmlType::Q5_0:
            return {pack_q8_0<16>, tile_q5_0};
        case GgmlType::Q8_0:
            return {pack_q8_0<128>, tile_q8_0_w};
        case GgmlType::Q4_1:
            return {pack_q8_1, tile_x_1<BlockQ4_1, false>};
        case GgmlType::Q5_1:
            return {pack_q8_1, tile_x_1<BlockQ5_1, true>};
        default:
            return {};
    }
}

}  // namespace hearth::cpu
