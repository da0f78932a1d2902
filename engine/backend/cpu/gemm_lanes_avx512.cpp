// AVX-512 VNNI GEMM for the 32-element block types (Q4_0, Q5_0, Q8_0 against Q8_0; Q4_1, Q5_1
// against Q8_1) with one token per 32-bit lane: a tile is kLaneRows weight rows x kLaneTokens
// tokens.
//
// Exactness. ggml's x86 dot for these types (and the single-row kernels here) keeps, per
// (row, token), 8 float lanes: lane j gets, per block, fma(exact sum of elements 4j..4j+3,
// d_w * d_a, lane j); the result is the tree sum ((l0 + l4) + (l2 + l6)) + ((l1 + l5) +
// (l3 + l7)), plus (Q4_1/Q5_1) a separate fma chain of m_w * s_a. Here every one of those 8
// lanes is its own register with the tokens side by side, so each float step is the same
// operation on the same values, and the final tree is eight vertical adds.
//
// Layout. The activations of kLaneTokens tokens are packed per block with bytes 4j..4j+3 of
// token t in lane t of row j, offset by +128 to unsigned so vpdpbusd can multiply them by the
// signed weights broadcast four at a time; the offset's share, -128 * (sum of the 4 weights),
// starts each integer sum. The weights of a panel of rows are unpacked once per matmul into
// signed bytes, those corrections and the float scales (LanePrepared).
#include <type_traits>

#include "backend/cpu/dot_x86_common.h"
#include "backend/cpu/kernels_dispatch.h"

// GCC 12 reports its own _mm512_undefined_* placeholders as "maybe uninitialized"; every lane
// this file reads is defined.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace hearth::cpu {
namespace {

constexpr int kR = kLaneRows;
constexpr int kT = kLaneTokens;
static_assert(kT == 16, "one token per 32-bit lane of a 512-bit register");

struct alignas(64) LanePackedBlock {
    uint32_t q[8][kT];  // q[j][t]: bytes 4j..4j+3 of token t, each + 128
    float d[kT];
    float s[kT];  // Q8_1's s (d * sum of qs): the weight-minimum term
};
static_assert(sizeof(LanePackedBlock) == kLanePackedBlockBytes);

// One row's block, unpacked.
struct LanePrepared {
    int8_t q[kQK];    // signed weights, in element order
    int32_t bias[8];  // -128 * (sum of weights 4j..4j+3)
    float d, m;       // scale and (Q4_1/Q5_1) minimum
};
static_assert(sizeof(LanePrepared) == kLanePreparedBlockBytes);

// ---- activation packing ----------------------------------------------------------------

template <typename Act>
void pack(int64_t n, const void* act, size_t act_stride, void* packed) {
    auto* out = static_cast<LanePackedBlock*>(packed);
    for (int t = 0; t < kT; ++t) {
        const auto* y =
            reinterpret_cast<const Act*>(static_cast<const uint8_t*>(act) + size_t(t) * act_stride);
        for (int64_t i = 0; i < n / kQK; ++i) {
            for (int j = 0; j < 8; ++j)
                out[i].q[j][t] = load_u32(y[i].qs + 4 * j) ^ 0x80808080u;
            out[i].d[t] = h2f(y[i].d);
            if constexpr (std::is_same_v<Act, BlockQ8_1>) {
                out[i].s[t] = h2f(y[i].s);
            } else {
                out[i].s[t] = 0.0f;
            }
        }
    }
}

// ---- weight preparation ----------------------------------------------------------------

inline __m256i load32(const void* p) {
    return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}

// values(block) = the 32 signed weights as bytes, in element order; kHasMin: the block has a
// minimum m after d.
template <typename Block, bool kHasMin, typename ValuesFn>
void prepare(int64_t n, const void* w, size_t row_stride, int rows, void* prepared,
             ValuesFn&& values) {
    auto* out = static_cast<LanePrepared*>(prepared);
    const __m256i ones = _mm256_set1_epi8(1);
    for (int r = 0; r < rows; ++r) {
        const auto* x =
            reinterpret_cast<const Block*>(static_cast<const uint8_t*>(w) + r * row_stride);
        for (int64_t i = 0; i < n / kQK; ++i, ++out) {
            const __m256i q = values(x[i]);
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(out->q), q);
            // Sums of weights 4j..4j+3 (ones are the unsigned operand), times -128.
            const __m256i sums = _mm256_dpbusd_epi32(_mm256_setzero_si256(), ones, q);
            _mm256_storeu_si256(
                reinterpret_cast<__m256i*>(out->bias),
                _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_slli_epi32(sums, 7)));
            out->d = h2f(x[i].d);
            if constexpr (kHasMin) {
                out->m = h2f(x[i].m);
            } else {
                out->m = 0.0f;
            }
        }
    }
}

inline __mmask32 high_bits(const uint8_t* qh) {
    return static_cast<__mmask32>(load_u32(qh));
}

void prepare_q4_0(int64_t n, const void* w, size_t stride, int rows, void* out) {
    prepare<BlockQ4_0, false>(n, w, stride, rows, out, [](const BlockQ4_0& b) {
        return _mm256_sub_epi8(unpack_nibbles_32(b.qs), _mm256_set1_epi8(8));
    });
}

void prepare_q5_0(int64_t n, const void* w, size_t stride, int rows, void* out) {
    prepare<BlockQ5_0, false>(n, w, stride, rows, out, [](const BlockQ5_0& b) {
        const __m256i nib = unpack_nibbles_32(b.qs);  // - 16 where the fifth bit is clear
        return _mm256_mask_sub_epi8(nib, ~high_bits(b.qh), nib, _mm256_set1_epi8(16));
    });
}

void prepare_q8_0(int64_t n, const void* w, size_t stride, int rows, void* out) {
    prepare<BlockQ8_0, false>(n, w, stride, rows, out,
                              [](const BlockQ8_0& b) { return load32(b.qs); });
}

void prepare_q4_1(int64_t n, const void* w, size_t stride, int rows, void* out) {
    prepare<BlockQ4_1, true>(n, w, stride, rows, out,
                             [](const BlockQ4_1& b) { return unpack_nibbles_32(b.qs); });
}

void prepare_q5_1(int64_t n, const void* w, size_t stride, int rows, void* out) {
    prepare<BlockQ5_1, true>(n, w, stride, rows, out, [](const BlockQ5_1& b) {
        const __m256i nib = unpack_nibbles_32(b.qs);
        return _mm256_mask_add_epi8(nib, high_bits(b.qh), nib, _mm256_set1_epi8(16));
    });
}

// ---- tile ----------------------------------------------------------------------------------

template <bool kHasMin>
void tile(int64_t n, const void* w, size_t stride, const void* packed, float* out,
          size_t out_stride) {
    const LanePrepared* x[kR];
    for (int r = 0; r < kR; ++r)
        x[r] = reinterpret_cast<const LanePrepared*>(static_cast<const uint8_t*>(w) + r * stride);
    const auto* p = static_cast<const LanePackedBlock*>(packed);
    __m512 acc[kR][8];
    [[maybe_unused]] __m512 mins[kR];
    for (int r = 0; r < kR; ++r) {
        for (auto& a : acc[r])
            a = _mm512_setzero_ps();
        if constexpr (kHasMin) mins[r] = _mm512_setzero_ps();
    }
    for (int64_t i = 0; i < n / kQK; ++i) {
        const LanePackedBlock& b = p[i];
        const __m512 dy = _mm512_load_ps(b.d);
        __m512 scale[kR];
        for (int r = 0; r < kR; ++r)
            scale[r] = _mm512_mul_ps(_mm512_set1_ps(x[r][i].d), dy);
        for (int j = 0; j < 8; ++j) {
            const __m512i a = _mm512_load_si512(b.q[j]);
            for (int r = 0; r < kR; ++r) {
                const __m512i s =
                    _mm512_dpbusd_epi32(_mm512_set1_epi32(x[r][i].bias[j]), a,
                                        _mm512_set1_epi32(int(load_u32(x[r][i].q + 4 * j))));
                acc[r][j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), scale[r], acc[r][j]);
            }
        }
        if constexpr (kHasMin) {
            const __m512 sy = _mm512_load_ps(b.s);
            for (int r = 0; r < kR; ++r)
                mins[r] = _mm512_fmadd_ps(_mm512_set1_ps(x[r][i].m), sy, mins[r]);
        }
    }
    alignas(64) float lanes[kR][kT];
    for (int r = 0; r < kR; ++r) {
        const __m512* l = acc[r];
        const __m512 sum =
            _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(l[0], l[4]), _mm512_add_ps(l[2], l[6])),
                          _mm512_add_ps(_mm512_add_ps(l[1], l[5]), _mm512_add_ps(l[3], l[7])));
        if constexpr (kHasMin) {
            _mm512_store_ps(lanes[r], _mm512_add_ps(sum, mins[r]));
        } else {
            _mm512_store_ps(lanes[r], sum);
        }
    }
    for (int t = 0; t < kT; ++t)
        for (int r = 0; r < kR; ++r)
            out[size_t(t) * out_stride + r] = lanes[r][t];
}

}  // namespace

GemmKernel avx512_gemm_lanes(GgmlType type) {
    GemmKernel k;
    k.rows = kR;
    k.tokens = kT;
    k.block_elements = kQK;
    k.packed_block_bytes = kLanePackedBlockBytes;
    k.prepared_block_bytes = kLanePreparedBlockBytes;
    k.pack = pack<BlockQ8_0>;
    k.tile = tile<false>;
    switch (type) {
        case GgmlType::Q4_0:
            k.prepare = prepare_q4_0;
            return k;
        case GgmlType::Q5_0:
            k.prepare = prepare_q5_0;
            return k;
        case GgmlType::Q8_0:
            k.prepare = prepare_q8_0;
            return k;
        case GgmlType::Q4_1:
            k.prepare = prepare_q4_1;
            break;
        case GgmlType::Q5_1:
            k.prepare = prepare_q5_1;
            break;
        default:
            return {};
    }
    k.pack = pack<BlockQ8_1>;
    k.tile = tile<true>;
    return k;
}

}  // namespace hearth::cpu
