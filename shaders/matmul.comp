#version 450
#extension GL_GOOGLE_include_directive : require
// y = x W^T against a ggml-format weight (TYPE_* from dequant.glsl).
//   W: n_rows rows of k elements, row r at byte r * row_stride of binding 0
//   x: n_tokens rows of k floats; y: n_tokens rows of n_rows floats
// One work group per (output row, tile of TOKENS tokens): each weight element is dequantized
// once and used for every token of the tile; 64 lanes stride over k and meet in a shared
// tree reduction. Rows are spread over x and y (commands.h: split_groups), tiles over z.
layout(local_size_x = 64) in;

layout(binding = 0) readonly buffer Weights { uint wq[]; };
layout(binding = 1) readonly buffer X { float x[]; };
layout(binding = 2) writeonly buffer Y { float y[]; };

layout(push_constant) uniform Params {
    uint k;
    uint n_rows;
    uint n_tokens;
    uint row_stride;  // bytes
} p;

#include "dequant.glsl"

const uint LANES = 64u;
const uint TOKENS = 8u;
shared float partial[TOKENS][LANES];

void main() {
    const uint row = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
    if (row >= p.n_rows) return;  // uniform over the group
    const uint lane = gl_LocalInvocationID.x;
    const uint t0 = gl_WorkGroupID.z * TOKENS;
    const uint nt = min(TOKENS, p.n_tokens - t0);
    const uint base = row * p.row_stride;

    float acc[TOKENS];
    for (uint t = 0u; t < TOKENS; ++t) acc[t] = 0.0;
    for (uint i = lane; i < p.k; i += LANES) {
        const float w = dequant(base, i);
        for (uint t = 0u; t < nt; ++t) acc[t] += w * x[(t0 + t) * p.k + i];
    }
    for (uint t = 0u; t < TOKENS; ++t) partial[t][lane] = acc[t];
    barrier();
    for (uint s = LANES / 2u; s > 0u; s >>= 1) {
        if (lane < s) {
            for (uint t = 0u; t < nt; ++t) partial[t][lane] += partial[t][lane + s];
        }
        barrier();
    }
    if (lane < nt) y[(t0 + lane) * p.n_rows + row] = partial[lane][0];
}
