#version 450
// Causal attention of query rows over one layer of the KV cache (grouped-query heads),
// numerically stable and tiled: keys are visited 64 at a time with an online softmax that
// keeps the running maximum m, the running sum l and the output accumulator, rescaling both
// by e^(m_old - m_new) when a tile raises the maximum. Nothing grows with the context.
//   q:   n_tokens x (n_heads * head_dim_k) floats; token t sits at pos0 + t
//   k/v: cache cells 0 .., cell c = position c, n_kv_heads * head_dim_{k,v} elements each,
//        KV_F16 (two halves per word) or KV_F32
//   out: n_tokens x (n_heads * head_dim_v) floats
// Score s = q.k * scale, then softcap * tanh(s / softcap) when softcap > 0. A key at p' is
// visible from p when p' <= p and (window == 0 or p - p' < window).
// One work group per (token, head); lane j scores key j of the tile, and lane d owns output
// dimensions d, d + 64, ... (head_dim_v <= 256).
layout(local_size_x = 64) in;

layout(binding = 0) readonly buffer Q { float q[]; };
layout(binding = 1) readonly buffer KCache { uint k_cache[]; };
layout(binding = 2) readonly buffer VCache { uint v_cache[]; };
layout(binding = 3) writeonly buffer Out { float out_rows[]; };

layout(push_constant) uniform Params {
    uint n_tokens;
    uint n_heads;
    uint n_kv_heads;
    uint head_dim_k;
    uint head_dim_v;
    uint pos0;
    uint window;
    float scale;
    float softcap;
} p;

const uint LANES = 64u;
const uint MAX_HEAD_DIM = 256u;
const uint OUT_PER_LANE = MAX_HEAD_DIM / LANES;

shared float q_head[MAX_HEAD_DIM];
shared float probs[LANES];
shared float reduce_buf[LANES];

#if defined(KV_F16)
float k_at(uint element) {
    return unpackHalf2x16(k_cache[element >> 1] >> ((element & 1u) * 16u)).x;
}
float v_at(uint element) {
    return unpackHalf2x16(v_cache[element >> 1] >> ((element & 1u) * 16u)).x;
}
#elif defined(KV_F32)
float k_at(uint element) { return uintBitsToFloat(k_cache[element]); }
float v_at(uint element) { return uintBitsToFloat(v_cache[element]); }
#else
#error "define KV_F16 or KV_F32"
#endif

// Tree reduction over the 64 lanes; every lane gets the result. Called in uniform flow.
float reduce_max(float value) {
    const uint lane = gl_LocalInvocationID.x;
    reduce_buf[lane] = value;
    barrier();
    for (uint s = LANES / 2u; s > 0u; s >>= 1) {
        if (lane < s) reduce_buf[lane] = max(reduce_buf[lane], reduce_buf[lane + s]);
        barrier();
    }
    const float result = reduce_buf[0];
    barrier();
    return result;
}

float reduce_sum(float value) {
    const uint lane = gl_LocalInvocationID.x;
    reduce_buf[lane] = value;
    barrier();
    for (uint s = LANES / 2u; s > 0u; s >>= 1) {
        if (lane < s) reduce_buf[lane] += reduce_buf[lane + s];
        barrier();
    }
    const float result = reduce_buf[0];
    barrier();
    return result;
}

void main() {
    const uint group = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
    if (group >= p.n_tokens * p.n_heads) return;
    const uint lane = gl_LocalInvocationID.x;
    const uint t = group / p.n_heads, head = group % p.n_heads;
    const uint kv_head = head / (p.n_heads / p.n_kv_heads);
    const uint pos = p.pos0 + t;
    const uint first = (p.window > 0u && pos + 1u > p.window) ? pos + 1u - p.window : 0u;
    const uint end = pos + 1u;  // keys first .. pos
    const uint k_row = p.n_kv_heads * p.head_dim_k, v_row = p.n_kv_heads * p.head_dim_v;

    const uint q_base = (t * p.n_heads + head) * p.head_dim_k;
    for (uint d = lane; d < p.head_dim_k; d += LANES) q_head[d] = q[q_base + d];
    barrier();

    float m = -1.0e30;  // running maximum (finite, so e^(m - m_new) is 0, never NaN)
    float l = 0.0;      // running sum of e^(s - m)
    float acc[OUT_PER_LANE];
    for (uint o = 0u; o < OUT_PER_LANE; ++o) acc[o] = 0.0;

    for (uint j0 = first; j0 < end; j0 += LANES) {
        const uint j = j0 + lane;
        float s = -1.0e30;
        if (j < end) {
            const uint k_base = j * k_row + kv_head * p.head_dim_k;
            float dot = 0.0;
            for (uint d = 0u; d < p.head_dim_k; ++d) dot += q_head[d] * k_at(k_base + d);
            s = dot * p.scale;
            if (p.softcap > 0.0) s = p.softcap * tanh(s / p.softcap);
        }
        const float m_new = max(m, reduce_max(s));
        const float weight = j < end ? exp(s - m_new) : 0.0;
        probs[lane] = weight;
        const float correction = exp(m - m_new);
        l = l * correction + reduce_sum(weight);  // reduce_sum's barriers publish probs
        const uint n_tile = min(LANES, end - j0);
        for (uint o = 0u; o < OUT_PER_LANE; ++o) {
            const uint d = lane + o * LANES;
            if (d >= p.head_dim_v) break;
            float sum = acc[o] * correction;
            for (uint jj = 0u; jj < n_tile; ++jj) {
                sum += probs[jj] * v_at((j0 + jj) * v_row + kv_head * p.head_dim_v + d);
            }
            acc[o] = sum;
        }
        m = m_new;
        barrier();  // probs is rewritten by the next tile
    }

    const uint out_base = (t * p.n_heads + head) * p.head_dim_v;
    for (uint o = 0u; o < OUT_PER_LANE; ++o) {
        const uint d = lane + o * LANES;
        if (d < p.head_dim_v) out_rows[out_base + d] = acc[o] / l;
    }
}
