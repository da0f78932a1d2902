#version 450
#extension GL_GOOGLE_include_directive : require
// Gated activations of the feed-forward block, in place on `gate` (n floats):
//   SILU_GATE: g = g / (1 + e^-g) * u
//   GELU_GATE: g = gelu_tanh(g) * u, evaluated as the CPU op does: the input rounded to
//              half, GELU in float, the result rounded to half; 0 below -10, identity above 10.
layout(local_size_x = 64) in;

layout(binding = 0) buffer Gate { float g[]; };
layout(binding = 1) readonly buffer Up { float u[]; };

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
    float v;
    if (x <= -10.0) {
        v = 0.0;
    } else if (x >= 10.0) {
        v = x;
    } else {
        const float h = round_to_half(x);
        v = round_to_half(0.5 * h * (1.0 + tanh(0.7978845608 * h * (1.0 + 0.044715 * h * h))));
    }
    g[i] = v * u[i];
#else
#error "define SILU_GATE or GELU_GATE"
#endif
}
