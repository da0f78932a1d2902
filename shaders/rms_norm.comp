#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
// y[r] = x[r] / sqrt(mean(x[r]^2) + eps) * w  (w optional: has_w == 0 ignores binding 1).
// One work group per row. y may be the same memory as x: each lane reads its elements before
// writing them, and the sum is complete (barrier) before any write.
//   default: 64 lanes sum squares, a shared tree reduction combines them.
//   EXACT_F64 (devices with float64): the CPU op's arithmetic (backend/cpu/ops_norm.cpp), so
//     the result is the CPU's to the bit: lane 0 adds the float squares in order in a double,
//     mean = float(sum / n), scale = 1 / sqrt(mean + eps) with correctly rounded root and
//     division, y = (x * scale) * w. The next matmul quantizes its input to int8, where a
//     last-bit difference can move a value across a rounding step.
layout(local_size_x = 64) in;

layout(binding = 0) readonly buffer X { float x[]; };
layout(binding = 1) readonly buffer W { float w[]; };
layout(binding = 2) writeonly buffer Y { float y[]; };

layout(push_constant) uniform Params {
    uint n;  // columns
    uint n_rows;
    float eps;
    uint has_w;
} p;

#include "exact_math.glsl"

shared float partial[64];

void main() {
    const uint row = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
    if (row >= p.n_rows) return;
    const uint lane = gl_LocalInvocationID.x;
    const uint base = row * p.n;
#if defined(EXACT_F64)
    if (lane == 0u) {
        precise double sum = 0.0;
        for (uint i = 0u; i < p.n; ++i) {
            precise float sq = x[base + i] * x[base + i];
            sum += double(sq);
        }
        const float mean = float(sum / double(p.n));
        precise float v = mean + p.eps;
        partial[0] = div_rn(1.0, sqrt_rn(v));
    }
    barrier();
    const float scale = partial[0];
#else
    float sum = 0.0;
    for (uint i = lane; i < p.n; i += 64u) sum += x[base + i] * x[base + i];
    partial[lane] = sum;
    barrier();
    for (uint s = 32u; s > 0u; s >>= 1) {
        if (lane < s) partial[lane] += partial[lane + s];
        barrier();
    }
    const float scale = 1.0 / sqrt(partial[0] / float(p.n) + p.eps);
#endif
    for (uint i = lane; i < p.n; i += 64u) {
        precise float v = x[base + i] * scale;
        precise float out_v = p.has_w != 0u ? v * w[i] : v;
        y[base + i] = out_v;
    }
}
