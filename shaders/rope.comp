#version 450
// Rotary position embedding in place. x: n_tokens rows of n_heads * head_dim floats; token t
// sits at pos0 + t. Pair i (< n_rot / 2) of each head rotates by
// theta_i = freq_scale * pos * theta_scale^i, theta_scale = base^(-2 / n_rot) computed on
// the host in float; the power is taken by repeated multiplication as the CPU op does, so
// the angles agree to the last bit. neox != 0 pairs (i, i + n_rot/2), else (2i, 2i+1).
layout(local_size_x = 64) in;

layout(binding = 0) buffer X { float x[]; };

layout(push_constant) uniform Params {
    uint n_tokens;
    uint n_heads;
    uint head_dim;
    uint n_rot;
    int pos0;
    float theta_scale;
    float freq_scale;
    uint neox;
} p;

void main() {
    const uint half_rot = p.n_rot / 2u;
    const uint index = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * 64u +
                       gl_LocalInvocationID.x;
    if (index >= p.n_tokens * p.n_heads * half_rot) return;
    const uint i = index % half_rot;
    const uint head = (index / half_rot) % p.n_heads;
    const uint t = index / (half_rot * p.n_heads);

    float theta = float(p.pos0 + int(t));
    for (uint j = 0u; j < i; ++j) theta *= p.theta_scale;
    const float angle = p.freq_scale * theta;
    const float c = cos(angle), s = sin(angle);

    const uint base = (t * p.n_heads + head) * p.head_dim;
    const uint a = p.neox != 0u ? base + i : base + 2u * i;
    const uint b = p.neox != 0u ? a + half_rot : a + 1u;
    const float x0 = x[a], x1 = x[b];
    x[a] = x0 * c - x1 * s;
    x[b] = x0 * s + x1 * c;
}
