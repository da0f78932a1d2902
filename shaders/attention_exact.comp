#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
// attention.comp's interface for an F16 KV cache, computed as the CPU's decode path does
// (backend/cpu/ops_attention.cpp, attend_row_vec, AVX-512 level), so each output equals the
// CPU's to the bit; the CPU takes that path for fewer than 64 query rows (longer prompts go
// to its tiled kernel: TILED below). The next matmul quantizes the result to
// int8, where a last-bit difference can move a value across a rounding step. Per head:
//   q rounded to half; per visible cell in order: score = the F16 dot in dot_f16's order
//   (four 16-lane fma accumulators over steps of 64, combined 0+2, 1+3, then summed by
//   _mm512_reduce_add_ps's tree, the rest of the row in double), times scale; online
//   softmax with the C library's expf (expf_libm.glsl): a larger score rescales the half
//   accumulator by e^(old - new) (rounded to half), else the cell weighs e^(s - max); the
//   accumulator takes fma(v, weight, acc) rounded to half; sum = fma(sum, rescale, weight);
//   out = acc / sum as acc * (1 / sum).
// TILED: the CPU's prefill path for 64 or more query rows (attention_tiled_avx512.cpp),
//   F32 throughout: cells in tiles of 64 aligned to cell 0, each score an fma chain over
//   the head dimension with q unrounded; per tile the maximum moves once (rescale by the C
//   library's expf), the tile's weights from the AVX-512 softmax (exp16.glsl per 16 cells,
//   each group's reduce-add tree summed in double, added to the float sum in double), V
//   accumulated as an fma chain over the cells.
// One invocation per (token, head), walking the cells in order. Needs shaderFloat64; the
// fma steps use fma_exact.glsl (built with FMA_VIA_F64, exact on every float64 device).
// No softcap (the CPU's tanh cannot be reproduced): the host uses attention.comp then.
layout(local_size_x = 8) in;

layout(binding = 0) readonly buffer Q { float q[]; };
layout(binding = 1) readonly buffer KCache { uint k_cache[]; };
layout(binding = 2) readonly buffer VCache { uint v_cache[]; };
layout(binding = 3) writeonly buffer Out { float out_rows[]; };

layout(push_constant) uniform Params {
    uint n_tokens;
    uint n_heads;
    uint n_kv_heads;
    uint head_dim_k;
    uint head_dim_v;
    uint pos0;
    uint window;
    float scale;
    float softcap;
} p;

#include "exact_math.glsl"
#include "expf_libm.glsl"
#include "fma_exact.glsl"
#include "exp16.glsl"
#include "fp16.glsl"

const uint MAX_HEAD_DIM = 256u;
const uint TILE = 64u;  // the CPU's kKvTile (backend/cpu/ops_attention.h)

// _mm512_reduce_add_ps as GCC 12 expands it: 256-bit halves added, then 128-bit halves,
// then lanes {0,1} + {2,3}, then lane 0 + lane 1.
float reduce_add_16(float v[16]) {
    float t3[8];
    [[unroll]] for (uint l = 0u; l < 8u; ++l) {
        precise float s = v[8u + l] + v[l];
        t3[l] = s;
    }
    precise float t6_0 = t3[4] + t3[0], t6_1 = t3[5] + t3[1];
    precise float t6_2 = t3[6] + t3[2], t6_3 = t3[7] + t3[3];
    precise float r = (t6_0 + t6_2) + (t6_1 + t6_3);
    return r;
}

float half_at(uint word, uint element) {
    return unpackHalf2x16(word >> ((element & 1u) * 16u)).x;
}
float k_at(uint element) { return half_at(k_cache[element >> 1], element); }
float v_at(uint element) { return half_at(v_cache[element >> 1], element); }

void main() {
    const uint index = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * 8u +
                       gl_LocalInvocationID.x;
    if (index >= p.n_tokens * p.n_heads) return;
    const uint t = index / p.n_heads, h = index % p.n_heads;
    const uint kv_head = h / (p.n_heads / p.n_kv_heads);
    const uint pos = p.pos0 + t;
    const uint first = p.window > 0u && pos + 1u > p.window ? pos + 1u - p.window : 0u;
    const uint dk = p.head_dim_k, dv = p.head_dim_v;
    const uint k_row = p.n_kv_heads * dk, v_row = p.n_kv_heads * dv;

    float acc[MAX_HEAD_DIM];
    for (uint d = 0u; d < dv; ++d) acc[d] = 0.0;
    float sum = 0.0;
    float max_s = uintBitsToFloat(0xFF800000u);  // -inf
#if defined(TILED)
    const uint qb = (t * p.n_heads + h) * dk;
    for (uint tile = first / TILE * TILE; tile <= pos; tile += TILE) {
        const uint lo = max(tile, first), hi = min(tile + TILE - 1u, pos);
        // Scores: one fma chain over the head dimension per cell (q in F32).
        float dots[TILE];
        float tile_max = uintBitsToFloat(0xFF800000u);
        for (uint j = 0u; j < TILE; ++j) {
            const uint c = tile + j;
            if (c < lo || c > hi) {
                dots[j] = uintBitsToFloat(0xFF800000u);  // invisible: weight 0
                continue;
            }
            const uint kb = c * k_row + kv_head * dk;
            float dot = 0.0;
            for (uint i = 0u; i < dk; ++i) dot = fma_rn(k_at(kb + i), q[qb + i], dot);
            precise float s = dot * p.scale;
            dots[j] = s;
            tile_max = max(tile_max, s);
        }
        if (isinf(tile_max) && tile_max < 0.0) continue;
        const float new_max = max(max_s, tile_max);
        if (new_max > max_s) {
            precise float arg = max_s - new_max;
            const float ms = expf_libm(arg);
            for (uint d = 0u; d < dv; ++d) {
                precise float scaled = acc[d] * ms;
                acc[d] = scaled;
            }
            precise float scaled_sum = sum * ms;
            sum = scaled_sum;
        }
        max_s = new_max;
        // soft_max_avx512: exp16 per 16 cells, each group's _mm512_reduce_add_ps in double.
        double tile_sum = 0.0;
        for (uint g = 0u; g < TILE; g += 16u) {
            float e[16];
            [[unroll]] for (uint l = 0u; l < 16u; ++l) {
                precise float arg = dots[g + l] - new_max;
                e[l] = exp16(arg);
                dots[g + l] = e[l];
            }
            precise double s = tile_sum + double(reduce_add_16(e));
            tile_sum = s;
        }
        precise double total = double(sum) + tile_sum;
        sum = float(total);
        for (uint c = lo; c <= hi; ++c) {
            const uint vb = c * v_row + kv_head * dv;
            const float w = dots[c - tile];
            for (uint d = 0u; d < dv; ++d) acc[d] = fma_rn(v_at(vb + d), w, acc[d]);
        }
    }
#else
    float qh[MAX_HEAD_DIM];
    for (uint d = 0u; d < dk; ++d) qh[d] = round_to_half(q[(t * p.n_heads + h) * dk + d]);
    const uint np = dk & ~63u;
    for (uint c = first; c <= pos; ++c) {
        const uint kb = c * k_row + kv_head * dk;
        // dot_f16 (backend/cpu/dot_avx512.cpp).
        double dot = 0.0;
        if (np > 0u) {
            float lanes[64];
            [[unroll]] for (uint l = 0u; l < 64u; ++l) lanes[l] = 0.0;
            for (uint i = 0u; i < np; i += 64u) {
                [[unroll]] for (uint l = 0u; l < 64u; ++l) {
                    lanes[l] = fma_rn(k_at(kb + i + l), qh[i + l], lanes[l]);
                }
            }
            float b[16];
            [[unroll]] for (uint l = 0u; l < 16u; ++l) {
                precise float v = (lanes[l] + lanes[32u + l]) + (lanes[16u + l] + lanes[48u + l]);
                b[l] = v;
            }
            dot = double(reduce_add_16(b));
        }
        for (uint i = np; i < dk; ++i) {
            precise float prod = k_at(kb + i) * qh[i];
            precise double s = dot + double(prod);
            dot = s;
        }
        precise float s = float(dot) * p.scale;

        float ms = 1.0, vs = 1.0;
        if (s > max_s) {
            const float old = max_s;
            max_s = s;
            precise float arg = old - max_s;
            ms = expf_libm(arg);
            for (uint d = 0u; d < dv; ++d) {
                precise float scaled = acc[d] * ms;
                acc[d] = round_to_half(scaled);
            }
        } else {
            precise float arg = s - max_s;
            vs = expf_libm(arg);
        }
        const uint vb = c * v_row + kv_head * dv;
        for (uint d = 0u; d < dv; ++d) acc[d] = round_to_half(fma_rn(v_at(vb + d), vs, acc[d]));
        sum = fma_rn(sum, ms, vs);
    }
#endif
    const float inv = sum == 0.0 ? 0.0 : div_rn(1.0, sum);
    for (uint d = 0u; d < dv; ++d) {
        precise float o = acc[d] * inv;
        out_rows[(t * p.n_heads + h) * dv + d] = o;
    }
}
