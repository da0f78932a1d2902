#version 450
#extension GL_GOOGLE_include_directive : require
// Copies K and V rows (tokens) into cells pos0.. of one KV cache layer, converting to the
// cache type: KV_F16 (two halves per 32-bit word, rounded to nearest even exactly as the
// CPU does) or KV_F32. One invocation per output word; K words first, then V words.
//   k: n_tokens x k_cols floats -> k_cache cell (pos0 + t), k_cols elements per cell
//   v: n_tokens x v_cols floats -> v_cache cell (pos0 + t), v_cols elements per cell
layout(local_size_x = 64) in;

layout(binding = 0) readonly buffer K { float k[]; };
layout(binding = 1) readonly buffer V { float v[]; };
layout(binding = 2) buffer KCache { uint k_cache[]; };
layout(binding = 3) buffer VCache { uint v_cache[]; };

layout(push_constant) uniform Params {
    uint n_tokens;
    uint k_cols;
    uint v_cols;
    uint pos0;
} p;

#include "fp16.glsl"

#if defined(KV_F16)
const uint PER_WORD = 2u;
#elif defined(KV_F32)
const uint PER_WORD = 1u;
#else
#error "define KV_F16 or KV_F32"
#endif

uint pack_word(float a, float b) {
#if defined(KV_F16)
    return half_bits_rte(a) | (half_bits_rte(b) << 16);
#else
    return floatBitsToUint(a);
#endif
}

void main() {
    const uint index = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * 64u +
                       gl_LocalInvocationID.x;
    const uint k_words = p.k_cols / PER_WORD, v_words = p.v_cols / PER_WORD;
    const uint k_total = p.n_tokens * k_words;
    if (index < k_total) {
        const uint t = index / k_words, w = index % k_words;
        const uint src = t * p.k_cols + w * PER_WORD;
        k_cache[(p.pos0 + t) * k_words + w] =
            pack_word(k[src], PER_WORD == 2u ? k[src + PER_WORD - 1u] : 0.0);
    } else if (index < k_total + p.n_tokens * v_words) {
        const uint j = index - k_total;
        const uint t = j / v_words, w = j % v_words;
        const uint src = t * p.v_cols + w * PER_WORD;
        v_cache[(p.pos0 + t) * v_words + w] =
            pack_word(v[src], PER_WORD == 2u ? v[src + PER_WORD - 1u] : 0.0);
    }
}
