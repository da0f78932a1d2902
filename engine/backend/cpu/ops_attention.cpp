#include "backend/cpu/ops_attention.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>

#include "backend/cpu/attention_tiled.h"
#include "backend/cpu/fp16.h"
#include "backend/cpu/kernels.h"
#include "backend/cpu/kernels_dispatch.h"
#include "backend/cpu/thread_pool.h"
#include "backend/cpu/vec_math.h"

namespace hearth::cpu {
namespace {

struct HeadTask {
    const float* q;    // head_dim_k floats
    const uint8_t* k;  // cache K base, offset to this kv head
    const uint8_t* v;  // cache V base, offset to this kv head
    float* out;        // head_dim_v floats
    int first;         // visible cells [first, last]
    int last;
};

void f16_scale_scalar(uint16_t* acc, float s, int n) {
    for (int i = 0; i < n; ++i) {
        acc[i] = fp32_to_fp16(fp16_to_fp32(acc[i]) * s);
    }
}

void f16_mad_scalar(uint16_t* acc, const uint16_t* v, float s, int n) {
    for (int i = 0; i < n; ++i) {
        // fma, as ggml's vec_mad_f16 (SIMD fma; its scalar tail is contracted too).
        acc[i] = fp32_to_fp16(std::fma(fp16_to_fp32(v[i]), s, fp16_to_fp32(acc[i])));
    }
}

// The decode path's per-cell kernels at one SIMD level.
struct VecKernels {
    VecDotFn dot;  // K row . converted q
    void (*f16_scale)(uint16_t* acc, float s, int n);
    void (*f16_mad)(uint16_t* acc, const uint16_t* v, float s, int n);
};

// The score dot is always the active level's vec_dot (as every matmul's), so `level` only
// chooses how the accumulator is updated and tests can compare those alone.
VecKernels vec_kernels(SimdLevel level, GgmlType cache_type) {
    static const SimdLevel active = active_simd_level();
    const VecDotFn dot = vec_dot_fn(active, cache_type);
    if (level == SimdLevel::avx512) return {dot, f16_scale_avx512, f16_mad_avx512};
    return {dot, f16_scale_scalar, f16_mad_scalar};
}

// Decode path: one score per cell, online softmax, F16 accumulator for an F16 cache.
void attend_row_vec(const AttentionParams& params, const KvLayerView& cache, const HeadTask& t,
                    const VecKernels& kernels, void* scratch) {
    const int dk = params.head_dim_k;
    const int dv = params.head_dim_v;
    const GgmlType q_type = vec_dot_type(cache.type);
    // scratch: [q converted: dk*4 bytes][acc32: dv floats][acc16: dv halves][v32: dv floats]
    auto* q_conv = static_cast<uint8_t*>(scratch);
    auto* acc32 = reinterpret_cast<float*>(q_conv + size_t(dk) * 4);
    auto* acc16 = reinterpret_cast<uint16_t*>(acc32 + dv);
    auto* v32 = reinterpret_cast<float*>(acc16 + dv + (dv & 1));
    quantize_row_activation(q_type, t.q, q_conv, dk);
    const bool half_acc = cache.type == GgmlType::F16;
    std::fill(acc32, acc32 + dv, 0.0f);
    std::fill(acc16, acc16 + dv, uint16_t(0));

    float sum = 0.0f;
    float max = -INFINITY;
    for (int c = t.first; c <= t.last; ++c) {
        const float s =
            finish_score(params, kernels.dot(dk, t.k + size_t(c) * cache.k_row_bytes, q_conv));
        float ms = 1.0f;  // rescale of what was accumulated so far
        float vs = 1.0f;  // weight of this cell, exp(s - max)
        if (s > max) {
            const float old = max;
            max = s;
            ms = std::exp(old - max);
            if (half_acc) {
                kernels.f16_scale(acc16, ms, dv);
            } else {
                for (int i = 0; i < dv; ++i) {
                    acc32[i] *= ms;
                }
            }
        } else {
            vs = std::exp(s - max);
        }
        const uint8_t* v_row = t.v + size_t(c) * cache.v_row_bytes;
        if (half_acc) {
            kernels.f16_mad(acc16, reinterpret_cast<const uint16_t*>(v_row), vs, dv);
        } else {
            dequantize_row(cache.type, v_row, v32, dv);
            for (int i = 0; i < dv; ++i) {
                acc32[i] += v32[i] * vs;
            }
        }
        sum = std::fma(sum, ms, vs);  // ggml's S*ms + vs, which GCC contracts to an fma
    }
    if (half_acc) {
        for (int i = 0; i < dv; ++i) {
            acc32[i] = fp16_to_fp32(acc16[i]);
        }
    }
    const float inv = sum == 0.0f ? 0.0f : 1.0f / sum;
    for (int i = 0; i < dv; ++i) {
        t.out[i] = acc32[i] * inv;
    }
}

// Prefill path, as ggml's tiled flash attention: F32 throughout, keys in tiles of kKvTile
// cells aligned to cell 0. Each score is an fma chain over the head dimension; per tile the
// running maximum moves once, the tile's exp(s - max) come from ggml's vector softmax
// (vec_math.h, invisible cells -inf so they weigh 0) and their double sum is added to the
// float running sum in double; V is accumulated as an fma chain over the cells.
void attend_row_tiled(const AttentionParams& params, const KvLayerView& cache, const HeadTask& t,
                      void* scratch) {
    const int dk = params.head_dim_k;
    const int dv = params.head_dim_v;
    // scratch: [k32: dk floats][v32: dv floats][scores: kKvTile floats][acc: dv floats]
    auto* k32 = static_cast<float*>(scratch);
    float* v32 = k32 + dk;
    float* scores = v32 + dv;
    float* acc = scores + kKvTile;
    std::fill(acc, acc + dv, 0.0f);

    float sum = 0.0f;
    float max = -INFINITY;
    const int tile_begin = (t.first / kKvTile) * kKvTile;
    for (int tile = tile_begin; tile <= t.last; tile += kKvTile) {
        const int lo = std::max(tile, t.first);
        const int hi = std::min(tile + kKvTile - 1, t.last);
        std::fill(scores, scores + kKvTile, -INFINITY);
        float tile_max = -INFINITY;
        for (int c = lo; c <= hi; ++c) {
            dequantize_row(cache.type, t.k + size_t(c) * cache.k_row_bytes, k32, dk);
            float dot = 0.0f;
            for (int i = 0; i < dk; ++i) {
                dot = std::fma(k32[i], t.q[i], dot);
            }
            const float s = finish_score(params, dot);
            scores[c - tile] = s;
            tile_max = std::max(tile_max, s);
        }
        if (tile_max == -INFINITY) {
            continue;
        }
        const float new_max = std::max(max, tile_max);
        if (new_max > max) {
            const float ms = std::exp(max - new_max);
            for (int i = 0; i < dv; ++i) {
                acc[i] *= ms;
            }
            sum *= ms;
        }
        max = new_max;
        sum = float(double(sum) + soft_max(scores, scores, kKvTile, max));
        for (int c = lo; c <= hi; ++c) {
            const float p = scores[c - tile];
            dequantize_row(cache.type, t.v + size_t(c) * cache.v_row_bytes, v32, dv);
            for (int i = 0; i < dv; ++i) {
                acc[i] = std::fma(v32[i], p, acc[i]);
            }
        }
    }
    const float inv = sum == 0.0f ? 0.0f : 1.0f / sum;
    for (int i = 0; i < dv; ++i) {
        t.out[i] = acc[i] * inv;
    }
}

}  // namespace

void attention(ThreadPool& pool, const AttentionParams& params, const Rows& q,
               const KvLayerView& cache, const Rows& out) {
    static const SimdLevel level = active_simd_level();
    attention_at_level(pool, level, params, q, cache, out);
}

void attention_at_level(ThreadPool& pool, SimdLevel level, const AttentionParams& params,
                        const Rows& q, const KvLayerView& cache, const Rows& out) {
    const int n_tokens = int(q.rows);
    const int n_heads = params.n_heads;
    const int group = n_heads / params.n_kv_heads;
    const bool tiled =
        n_tokens >= kTiledMinRows && (cache.type == GgmlType::F16 || cache.type == GgmlType::F32);

    if (tiled && level == SimdLevel::avx512) {
        // Tasks are (token block, KV head); the last blocks see the most cells, so they are
        // handed out first and the threads finish on short tasks.
        const int n_blocks = (n_tokens + kTiledBlockTokens - 1) / kTiledBlockTokens;
        const int n_tasks = n_blocks * params.n_kv_heads;
        const size_t scratch_bytes = attention_tiled_scratch_bytes(params);
        std::atomic<int> next_task{pool.size()};
        pool.run([&](int thread_index, int) {
            void* scratch = pool.scratch(thread_index, scratch_bytes);
            for (int task = thread_index; task < n_tasks;
                 task = next_task.fetch_add(1, std::memory_order_relaxed)) {
                const int block = n_blocks - 1 - task / params.n_kv_heads;
                const int t0 = block * kTiledBlockTokens;
                const int t1 = std::min(n_tokens, t0 + kTiledBlockTokens);
                attention_tiled_block_avx512(params, q, cache, out, task % params.n_kv_heads, t0,
                                             t1, scratch);
            }
        });
        return;
    }

    const size_t k_head_bytes = row_size(cache.type, params.head_dim_k);
    const size_t v_head_bytes = row_size(cache.type, params.head_dim_v);
    const size_t scratch_bytes =
        size_t(params.head_dim_k) * 4 + size_t(params.head_dim_v) * 12 + kKvTile * 4 + 64;
    const int n_tasks = n_tokens * n_heads;
    const VecKernels kernels = vec_kernels(level, cache.type);

    pool.run([&](int thread_index, int n_threads) {
        void* scratch = pool.scratch(thread_index, scratch_bytes);
        for (int task = thread_index; task < n_tasks; task += n_threads) {
            const int t = task / n_heads;
            const int h = task % n_heads;
            const int kv_head = h / group;
            const int p = params.pos0 + t;
            HeadTask head{q.row(t) + int64_t(h) * params.head_dim_k,
                          static_cast<const uint8_t*>(cache.k) + size_t(kv_head) * k_head_bytes,
                          static_cast<const uint8_t*>(cache.v) + size_t(kv_head) * v_head_bytes,
                          out.row(t) + int64_t(h) * params.head_dim_v,
                          first_visible_cell(params, p),
                          p};
            if (tiled) {
                attend_row_tiled(params, cache, head, scratch);
            } else {
                attend_row_vec(params, cache, head, kernels, scratch);
            }
        }
    });
}

void kv_store(const KvLayerView& cache, int pos0, const Rows& k, const Rows& v) {
    for (int64_t t = 0; t < k.rows; ++t) {
        auto* k_dst = static_cast<uint8_t*>(cache.k) + size_t(pos0 + t) * cache.k_row_bytes;
        auto* v_dst = static_cast<uint8_t*>(cache.v) + size_t(pos0 + t) * cache.v_row_bytes;
        quantize_row_activation(cache.type, k.row(t), k_dst, k.cols);
        quantize_row_activation(cache.type, v.row(t), v_dst, v.cols);
    }
}

}  // namespace hearth::cpu
