#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
// Activation rows -> the int8 blocks the CPU's matmul dots quantized weights with, bit for
// bit what backend/cpu/quant_activation_avx2.cpp (= the scalar activation quantizers in
// quant_quantize.cpp) writes, in the CPU's byte layouts:
//   ACT_Q8_1: per 32 floats {half d = amax/127; half s = d*sum(q); i8 q[32]}, q = round-half-
//             even(x * (127/amax)); also serves Q8_0 weights (same d and q, s unused).
//   ACT_Q8_K: per 256 floats {float d = 1/iscale; i8 q[256]; i16 bsums[16]} with
//             iscale = -127/max (max: the first element of largest magnitude, signed) and
//             q = min(127, round-half-even(iscale * x)).
// Every float step is one correctly rounded operation on the CPU, so it is one here too:
// products under `precise` (no contraction), divisions through div_rn (Vulkan lets a plain
// division be 2.5 ulp off) and halves through fp16.glsl's integer rounding.
//   x: n_tokens rows of k floats; out: per token row_words words of blocks.
// One invocation per block.
layout(local_size_x = 64) in;

layout(binding = 0) readonly buffer X { float x[]; };
layout(binding = 1) writeonly buffer Out { uint q[]; };

layout(push_constant) uniform Params {
    uint k;
    uint n_tokens;
} p;

#include "exact_math.glsl"
#include "fp16.glsl"

int round_even(float v) { return int(roundEven(v)); }

#if defined(ACT_Q8_1)
const uint BLOCK = 32u;
const uint WORDS = 9u;

void quantize_block(uint src, uint dst) {
    float amax = 0.0;
    for (uint j = 0u; j < BLOCK; ++j) amax = max(amax, abs(x[src + j]));
    const float d = div_rn(amax, 127.0);
    const float id = amax != 0.0 ? div_rn(127.0, amax) : 0.0;
    int sum = 0;
    [[unroll]] for (uint w = 0u; w < 8u; ++w) {
        uint word = 0u;
        [[unroll]] for (uint b = 0u; b < 4u; ++b) {
            precise float scaled = x[src + 4u * w + b] * id;
            const int v = round_even(scaled);
            sum += v;
            word |= (uint(v) & 0xFFu) << (8u * b);
        }
        q[dst + 1u + w] = word;
    }
    precise float s = d * float(sum);
    q[dst] = half_bits_rte(d) | (half_bits_rte(s) << 16);
}

#elif defined(ACT_Q8_K)
const uint BLOCK = 256u;
const uint WORDS = 73u;  // float d, 64 words of q, 8 words of bsums

void quantize_block(uint src, uint dst) {
    float amax = 0.0, max_signed = 0.0;
    for (uint j = 0u; j < BLOCK; ++j) {
        const float v = x[src + j];
        if (amax < abs(v)) {
            amax = abs(v);
            max_signed = v;
        }
    }
    if (amax == 0.0) {
        for (uint w = 0u; w < WORDS; ++w) q[dst + w] = 0u;
        return;
    }
    const float iscale = div_rn(-127.0, max_signed);
    for (uint g = 0u; g < 16u; g += 2u) {
        int sums[2] = {0, 0};
        [[unroll]] for (uint h = 0u; h < 2u; ++h) {
            [[unroll]] for (uint w = 0u; w < 4u; ++w) {
                uint word = 0u;
                [[unroll]] for (uint b = 0u; b < 4u; ++b) {
                    const uint j = 16u * (g + h) + 4u * w + b;
                    precise float scaled = iscale * x[src + j];
                    const int v = min(127, round_even(scaled));
                    sums[h] += v;
                    word |= (uint(v) & 0xFFu) << (8u * b);
                }
                q[dst + 1u + 4u * (g + h) + w] = word;
            }
        }
        q[dst + 65u + g / 2u] = (uint(sums[0]) & 0xFFFFu) | (uint(sums[1]) << 16);
    }
    q[dst] = floatBitsToUint(div_rn(1.0, iscale));
}

#else
#error "define ACT_Q8_1 or ACT_Q8_K"
#endif

void main() {
    const uint blocks_per_row = p.k / BLOCK;
    const uint index = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * 64u +
                       gl_LocalInvocationID.x;
    if (index >= blocks_per_row * p.n_tokens) return;
    const uint t = index / blocks_per_row, b = index % blocks_per_row;
    quantize_block(t * p.k + b * BLOCK, index * WORDS);
}
