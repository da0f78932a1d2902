#pragma once
// Internal: the prefill (tiled) attention path, blocked for SIMD. ops_attention.cpp holds the
// scalar reference (one query row at a time); this computes the same numbers, bit for bit,
// for a block of query tokens of one KV head: each tile of kKvTile cells is converted to F32
// once and then used by every query row of the block (all heads of the GQA group), instead
// of once per query row.
//
// Per query row the float operations and their order are the reference's (ggml's tiled
// flash attention): each score is an fma chain over the head dimension, the running maximum
// and rescale are updated once per tile, the tile's probabilities and their double sum come
// from vec_math's soft_max over all kKvTile cells (invisible ones -inf), V is accumulated as
// acc = fma(v, p, acc). The file is compiled with -ffp-contract=off so only the explicit
// fmas fuse.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "backend/backend.h"

namespace hearth::cpu {

// Query tokens per block: large enough that a tile's conversion is shared by many rows,
// small enough that the block's accumulators (tokens x group x head_dim_v floats) stay in L2.
inline constexpr int kTiledBlockTokens = 16;

// First cache cell query position p may see (sliding-window layers see the last window).
inline int first_visible_cell(const AttentionParams& params, int p) {
    return params.sliding_window > 0 ? std::max(0, p - params.sliding_window + 1) : 0;
}

// A raw q.k dot product to the score softmax sees. With a softcap ggml folds the cap into
// the scale: cap * tanh(dot * (scale / cap)); both paths must take that order.
inline float finish_score(const AttentionParams& params, float dot) {
    if (params.softcap > 0.0f) {
        const float s = dot * (params.scale / params.softcap);
        return params.softcap * std::tanh(s);
    }
    return dot * params.scale;
}

// Scratch bytes one call of attention_tiled_block_avx512 needs.
size_t attention_tiled_scratch_bytes(const AttentionParams& params);

// Query tokens [t0, t1) (t1 - t0 <= kTiledBlockTokens) of the heads that share `kv_head`,
// over an F16 or F32 cache. q and out as in Backend::attention. scratch is 64-byte aligned.
void attention_tiled_block_avx512(const AttentionParams& params, const Rows& q,
                                  const KvLayerView& cache, const Rows& out, int kv_head, int t0,
                                  int t1, void* scratch);

// Decode path, F16 accumulator of n halves: acc = half(float(acc) * s) and
// acc = half(fma(float(v), s, float(acc))), bit-identical to the scalar loops.
void f16_scale_avx512(uint16_t* acc, float s, int n);
void f16_mad_avx512(uint16_t* acc, const uint16_t* v, float s, int n);

}  // namespace hearth::cpu
