#version 450
#extension GL_GOOGLE_include_directive : require
// Gated activations of the feed-forward block, in place on `gate` (n floats):
//   SILU_GATE: g = g / (1 + e^-g) * u
//   GELU_GATE: g = gelu_tanh(g) * u as the CPU op: the input rounded to half, looked up in
//              the CPU's F16 GELU table; 0 below -10, identity above 10.
layout(local_size_x = 64) in;

layout(binding = 0) buffer Gate { float g[]; };
layout(binding = 1) readonly buffer Up { float u[]; };
#if defined(GELU_GATE)
// GELU of every F16 value as F16 bits, two per word: the CPU op's own table (uploaded by
// ops_elementwise.cpp), so the result is the CPU's to the bit.
layout(binding = 2) readonly buffer Table { uint gelu_table[]; };
#endif

layout(push_constant) uniform Params { uint n; } p;

#include "exact_math.glsl"
#include "fma_exact.glsl"
#include "exp16.glsl"
#include "fp16.glsl"

void main() {
    const uint i = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * 64u +
                   gl_LocalInvocationID.x;
    if (i >= p.n) return;
    const float x = g[i];
#if defined(SILU_GATE)
    precise float e = exp16(-x);
    precise float out_v = div_rn(x, 1.0 + e) * u[i];
    g[i] = out_v;
#elif defined(GELU_GATE)
    if (x <= -10.0) {
        g[i] = 0.0;  // +0 whatever the sign of u, as the CPU op
    } else if (x >= 10.0) {
        precise float v = x * u[i];
        g[i] = v;
    } else {
        const uint h = half_bits_rte(x);
        const uint bits = (gelu_table[h >> 1] >> ((h & 1u) * 16u)) & 0xFFFFu;
        precise float v = unpackHalf2x16(bits).x * u[i];
        g[i] = v;
    }
#else
#error "define SILU_GATE or GELU_GATE"
#endif
}
