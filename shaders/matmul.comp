#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
// y = x W^T against a ggml-format weight (TYPE_* from dequant.glsl).
//   W: n_rows rows of k elements, row r at byte r * row_stride of binding 0
//   x: n_tokens rows of k floats; y: n_tokens rows of n_rows floats
// A work group computes ROWS output rows for a tile of TOKENS tokens, LANES invocations per
// row. Each invocation takes 32-element chunks of its row in turn: a chunk lies inside one
// quant block (or K-quant sub-block), so once the chunk's loop is unrolled the block's scale
// and packed words are loaded once, not per element. Each weight is dequantized once and
// used for every token of the tile. The LANES partial sums of a row meet in shared memory
// in log2(LANES) steps. Groups are spread over x and y (commands.h: split_groups), token
// tiles over z.
layout(local_size_x = 64) in;

layout(binding = 0) readonly buffer Weights { uint wq[]; };
layout(binding = 1) readonly buffer X { float x[]; };
layout(binding = 2) writeonly buffer Y { float y[]; };

layout(push_constant) uniform Params {
    uint k;
    uint n_rows;
    uint n_tokens;
    uint row_stride;  // bytes
    uint row0;        // a window of a larger weight: output rows row0.., y_rows apart
    uint y_rows;
} p;

#include "dequant.glsl"

const uint LANES = 8u;   // invocations per row
const uint ROWS = 8u;    // rows per group (LANES * ROWS = local size)
const uint TOKENS = 8u;  // kTokensPerGroup in ops_matmul.cpp
const uint CHUNK = 32u;
shared float partial[ROWS][TOKENS][LANES];

void main() {
    const uint group = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
    const uint r = gl_LocalInvocationID.x / LANES;
    const uint lane = gl_LocalInvocationID.x % LANES;
    const uint row = group * ROWS + r;
    const bool in_range = row < p.n_rows;  // not uniform: every invocation reaches the barriers
    const uint t0 = gl_WorkGroupID.z * TOKENS;
    const uint nt = min(TOKENS, p.n_tokens - t0);

    float acc[TOKENS];
    [[unroll]] for (uint t = 0u; t < TOKENS; ++t) acc[t] = 0.0;
    if (in_range) {
        const uint base = row * p.row_stride;
        const uint n_chunks = (p.k + CHUNK - 1u) / CHUNK;
        for (uint c = lane; c < n_chunks; c += LANES) {
            const uint i0 = c * CHUNK;
            if (nt == 1u && i0 + CHUNK <= p.k) {
                // Decode: one token, a whole chunk.
                const uint xb = t0 * p.k + i0;
                float s = 0.0;
                [[unroll]] for (uint j = 0u; j < CHUNK; ++j) s += dequant(base, i0 + j) * x[xb + j];
                acc[0] += s;
            } else {
                const uint n = min(CHUNK, p.k - i0);
                for (uint j = 0u; j < n; ++j) {
                    const float w = dequant(base, i0 + j);
                    [[unroll]] for (uint t = 0u; t < TOKENS; ++t) {
                        if (t < nt) acc[t] += w * x[(t0 + t) * p.k + i0 + j];
                    }
                }
            }
        }
    }
    [[unroll]] for (uint t = 0u; t < TOKENS; ++t) partial[r][t][lane] = acc[t];
    barrier();
    for (uint s = LANES / 2u; s > 0u; s >>= 1) {
        if (lane < s) {
            [[unroll]] for (uint t = 0u; t < TOKENS; ++t) partial[r][t][lane] += partial[r][t][lane + s];
        }
        barrier();
    }
    if (in_range && lane < nt) y[(t0 + lane) * p.y_rows + p.row0 + row] = partial[r][lane][0];
}
