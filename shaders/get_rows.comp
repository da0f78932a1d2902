#version 450
#extension GL_GOOGLE_include_directive : require
// Embedding lookup: out[r] = dequantized row ids[r] of a ggml-format table (TYPE_*).
//   table: rows at byte id * row_stride of binding 0; ids: n_ids int32; out: n_ids x k floats
// One invocation per output element.
layout(local_size_x = 64) in;

layout(binding = 0) readonly buffer Table { uint wq[]; };
layout(binding = 1) readonly buffer Ids { int ids[]; };
layout(binding = 2) writeonly buffer Out { float out_rows[]; };

layout(push_constant) uniform Params {
    uint k;
    uint n_ids;
    uint row_stride;
    // The table may come in windows of rows (a binding has a size limit): this dispatch
    // holds rows first_row .. first_row + window_rows and fills only the ids among them.
    uint first_row;
    uint window_rows;
} p;

#include "dequant.glsl"

void main() {
    const uint index = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * 64u +
                       gl_LocalInvocationID.x;
    if (index >= p.k * p.n_ids) return;
    const uint r = index / p.k, i = index % p.k;
    const uint id = uint(ids[r]);
    if (id < p.first_row || id - p.first_row >= p.window_rows) return;
    out_rows[index] = dequant((id - p.first_row) * p.row_stride, i);
}
