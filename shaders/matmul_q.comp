#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
// y = x W^T for a quantized weight (TYPE_*) against activations already quantized by
// quantize_act.comp, with the CPU's arithmetic: exact integer dot products per block, then
// the per-block float scaling in the order of the CPU's x86 kernels (AVX-512 level,
// backend/cpu/dot_avx512.cpp; its decode-rows, multi-token and GEMM kernels give the same
// bits), so each output equals the CPU's to the bit:
//   32-element formats: eight int32 lane sums per block (lane l = elements 4l..4l+3), one
//     fma per lane per block with d*dy, then hsum_ps's pairing; Q4_1/Q5_1 add the fma chain
//     of m*s. K-quants: Q4_K/Q5_K one fma per super-block for the value and the minimum
//     sums (per 64 elements in the CPU's four-token kernel); Q6_K eight lanes (the layout
//     vpdpwssd leaves them in) or ggml's tiled per-block order the CPU takes at 8+ tokens.
// The order fixes the work split: one invocation owns one row (and TOKENS tokens, the
// weights unpacked once for all of them) and walks its blocks in order. On a CPU driver
// (lavapipe) that is also the fast shape: no cross-lane reduction, and each invocation's
// loads stream through one row.
//   W: n_rows rows at byte r * row_stride of binding 0 (row_stride and blocks 2-aligned)
//   A: per token act_words words of quantize_act.comp blocks; Y: n_tokens x n_rows floats
layout(local_size_x = 32) in;

layout(binding = 0) readonly buffer Weights { uint wq[]; };
layout(binding = 1) readonly buffer Act { uint aq[]; };
layout(binding = 2) writeonly buffer Y { float y[]; };

layout(push_constant) uniform Params {
    uint k;
    uint n_rows;
    uint n_tokens;
    uint row_stride;  // bytes
    uint act_words;   // words per token of quantized activations
    // Tokens below this index take the CPU's other float order, the one its multi-token
    // kernels use: Q6_K's tiled order (all tokens of a matmul of 8 or more), Q4_K's step
    // per 64 elements (the whole groups of four tokens). 0 elsewhere.
    uint alt_order_tokens;
    // Weights too large for one binding come in windows of rows (ops_matmul.cpp): this
    // dispatch's rows are rows row0.. of the output, whose rows are y_rows apart.
    uint row0;
    uint y_rows;
} p;

#ifndef TOKENS
#define TOKENS 1
#endif

#include "fma_exact.glsl"

// dot4(a, b): the sum of the products of the four signed bytes of a and b. Weights and
// activations are both packed that way (weight values fit in int8 in every format), so
// INT_DOT devices do it in one OpSDot (SPV_KHR_integer_dot_product, through
// GL_EXT_spirv_intrinsics since Debian 12's glslang lacks GL_EXT_integer_dot_product),
// others unpack the bytes. Integer results are exact either way.
#if defined(INT_DOT)
#extension GL_EXT_spirv_intrinsics : require
spirv_instruction(extensions = ["SPV_KHR_integer_dot_product"], capabilities = [6019, 6018],
                  id = 4450)  // OpSDot; DotProduct, DotProductInput4x8BitPacked
int sdot_packed(uint a, uint b, spirv_literal int packed_vector_format);
int dot4(uint a, uint b) { return sdot_packed(a, b, 0); }  // 0: PackedVectorFormat4x8Bit
#else
ivec4 s8x4(uint w) {
    return ivec4(bitfieldExtract(int(w), 0, 8), bitfieldExtract(int(w), 8, 8),
                 bitfieldExtract(int(w), 16, 8), bitfieldExtract(int(w), 24, 8));
}
int dot4(uint a, uint b) {
    const ivec4 m = s8x4(a) * s8x4(b);
    return (m.x + m.y) + (m.z + m.w);
}
#endif

// Per byte: v - bias for bytes v, bias < 128 (no borrow crosses a byte).
uint sub_bytes(uint v, uint bias) { return ((v | 0x80808080u) - bias) ^ 0x80808080u; }
// Bits 0..3 of x to bit 0 of bytes 0..3.
uint spread4(uint x) {
    return (x & 1u) | ((x & 2u) << 7) | ((x & 4u) << 14) | ((x & 8u) << 21);
}

// hsum_ps of eight float lanes (backend/cpu/dot_x86_common.h).
float hsum8(float a[8]) {
    precise float r = ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]));
    return r;
}

// Two-aligned weight blocks: `words` holds the aligned words from the block's first byte
// down-rounded; `odd` says the block starts two bytes into its first word.
uint funnel(uint lo, uint hi) { return (lo >> 16) | (hi << 16); }

#if defined(TYPE_Q4_0) || defined(TYPE_Q4_1) || defined(TYPE_Q5_0) || defined(TYPE_Q5_1) || \
    defined(TYPE_Q8_0)
#define SMALL_BLOCKS 1
const uint QK = 32u;
const uint ACT_WORDS = 9u;  // {half d, half s}, 8 words of int8

#if defined(TYPE_Q4_0)
const uint BLOCK_BYTES = 18u;
#elif defined(TYPE_Q4_1)
const uint BLOCK_BYTES = 20u;
#elif defined(TYPE_Q5_0)
const uint BLOCK_BYTES = 22u;
#elif defined(TYPE_Q5_1)
const uint BLOCK_BYTES = 24u;
#else
const uint BLOCK_BYTES = 34u;
#endif
// Words loaded per block: a 4-byte multiple is always aligned (rows are whole blocks); the
// 2-aligned formats load the words that cover the block at either alignment.
const uint SPAN = BLOCK_BYTES % 4u == 0u ? BLOCK_BYTES / 4u : (BLOCK_BYTES + 5u) / 4u;

// Element values as packed signed bytes, q[l] = elements 4l..4l+3 (offset already applied
// for the _0 formats), scale d and min m.
void load_block(uint addr, out uint q[8], out float d, out float m) {
    const uint base = addr >> 2;
    const bool odd = (addr & 2u) != 0u;
    uint w[SPAN];
    [[unroll]] for (uint i = 0u; i < SPAN; ++i) w[i] = wq[base + i];
    // The word at byte offset o (even) of the block.
#if defined(TYPE_Q4_1) || defined(TYPE_Q5_1)
#define WORD_AT(o) w[(o) >> 2]
#else
#define WORD_AT(o) \
    ((((o) & 2u) != 0u) != odd ? funnel(w[(o) >> 2], w[((o) >> 2) + 1u]) \
                               : (odd ? w[((o) + 2u) >> 2] : w[(o) >> 2]))
#endif
    const uint header = WORD_AT(0u);
    d = unpackHalf2x16(header).x;
    m = unpackHalf2x16(header).y;
#if defined(TYPE_Q8_0)
    [[unroll]] for (uint i = 0u; i < 8u; ++i) q[i] = WORD_AT(2u + 4u * i);
#else
#if defined(TYPE_Q4_0)
    const uint QS = 2u;
#elif defined(TYPE_Q4_1)
    const uint QS = 4u;
#elif defined(TYPE_Q5_0)
    const uint QS = 6u;
    const uint qh = WORD_AT(2u);
#else
    const uint QS = 8u;
    const uint qh = WORD_AT(4u);
#endif
    [[unroll]] for (uint i = 0u; i < 4u; ++i) {
        const uint packed = WORD_AT(QS + 4u * i);
        uint lo = packed & 0x0F0F0F0Fu, hi = (packed >> 4) & 0x0F0F0F0Fu;
#if defined(TYPE_Q5_0) || defined(TYPE_Q5_1)
        // Bit j of qh is the fifth bit of element j (elements 4i.. low, 16+4i.. high).
        lo |= spread4((qh >> (4u * i)) & 0xFu) << 4;
        hi |= spread4((qh >> (16u + 4u * i)) & 0xFu) << 4;
#endif
#if defined(TYPE_Q4_0)
        lo = sub_bytes(lo, 0x08080808u);
        hi = sub_bytes(hi, 0x08080808u);
#elif defined(TYPE_Q5_0)
        lo = sub_bytes(lo, 0x10101010u);
        hi = sub_bytes(hi, 0x10101010u);
#endif
        q[i] = lo;
        q[4u + i] = hi;
    }
#endif
#undef WORD_AT
}

void main() {
    const uint row = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * 32u +
                     gl_LocalInvocationID.x;
    if (row >= p.n_rows) return;
    const uint t0 = gl_WorkGroupID.z * TOKENS;
    const uint nt = min(uint(TOKENS), p.n_tokens - t0);
    precise float acc[TOKENS][8];
    precise float mins[TOKENS];
    [[unroll]] for (uint t = 0u; t < TOKENS; ++t) {
        [[unroll]] for (uint l = 0u; l < 8u; ++l) acc[t][l] = 0.0;
        mins[t] = 0.0;
    }
    const uint n_blocks = p.k / QK;
    for (uint i = 0u; i < n_blocks; ++i) {
        uint q[8];
        float d, m;
        load_block(row * p.row_stride + i * BLOCK_BYTES, q, d, m);
        [[unroll]] for (uint t = 0u; t < TOKENS; ++t) {
            if (t >= nt) break;
            const uint a = (t0 + t) * p.act_words + i * ACT_WORDS;
            const vec2 ds = unpackHalf2x16(aq[a]);
            precise float scale = d * ds.x;
            [[unroll]] for (uint l = 0u; l < 8u; ++l) {
                acc[t][l] = fma_rn(float(dot4(q[l], aq[a + 1u + l])), scale, acc[t][l]);
            }
#if defined(TYPE_Q4_1) || defined(TYPE_Q5_1)
            mins[t] = fma_rn(m, ds.y, mins[t]);
#endif
        }
    }
    [[unroll]] for (uint t = 0u; t < TOKENS; ++t) {
        if (t >= nt) break;
        precise float r = hsum8(acc[t]);
#if defined(TYPE_Q4_1) || defined(TYPE_Q5_1)
        r = r + mins[t];
#endif
        y[(t0 + t) * p.y_rows + p.row0 + row] = r;
    }
}

#elif defined(TYPE_Q4_K) || defined(TYPE_Q5_K) || defined(TYPE_Q6_K)
#include "matmul_q_k.glsl"
#else
#error "define one quantized TYPE_*"
#endif
