#version 450
#extension GL_GOOGLE_include_directive : require
// Rotary position embedding in place. x: n_tokens rows of n_heads * head_dim floats.
// table: per token n_rot floats, {cos, sin} of pair i's angle at 2i, 2i+1, computed on the
// host by the CPU op's own code (std::cos/std::sin, which a shader cannot reproduce to the
// bit). neox != 0 pairs (i, i + n_rot/2), else (2i, 2i+1). As the CPU op (ggml's native
// build contracts it so): a = fma(x0, c, -(x1 s)), b = fma(x0, s, x1 c).
layout(local_size_x = 64) in;

layout(binding = 0) buffer X { float x[]; };
layout(binding = 1) readonly buffer Table { float table[]; };

layout(push_constant) uniform Params {
    uint n_tokens;
    uint n_heads;
    uint head_dim;
    uint n_rot;
    uint neox;
} p;

#include "fma_exact.glsl"

void main() {
    const uint half_rot = p.n_rot / 2u;
    const uint index = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * 64u +
                       gl_LocalInvocationID.x;
    if (index >= p.n_tokens * p.n_heads * half_rot) return;
    const uint i = index % half_rot;
    const uint head = (index / half_rot) % p.n_heads;
    const uint t = index / (half_rot * p.n_heads);

    const float c = table[t * p.n_rot + 2u * i], s = table[t * p.n_rot + 2u * i + 1u];
    const uint base = (t * p.n_heads + head) * p.head_dim;
    const uint a = p.neox != 0u ? base + i : base + 2u * i;
    const uint b = p.neox != 0u ? a + half_rot : a + 1u;
    const float x0 = x[a], x1 = x[b];
    precise float x1s = x1 * s;
    precise float x1c = x1 * c;
    x[a] = fma_rn(x0, c, -x1s);
    x[b] = fma_rn(x0, s, x1c);
}
