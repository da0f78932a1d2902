#pragma once
// Attention of a batch of query rows over the KV cache, mirroring the two paths of ggml's
// CPU flash attention (which llama.cpp enables by default on the CPU), so logits agree:
//
//  * fewer than kTiledMinRows query rows (decode, short prompts): Q is converted to the
//    K cache's vec-dot type (F16), each score is one vec_dot, and an online softmax keeps
//    the running sum of V in F16 (V in F16) or F32 (otherwise), rescaled on a new maximum;
//  * kTiledMinRows or more rows with an F16/F32 cache: everything in F32, keys visited in
//    tiles of kKvTile cells with the running maximum updated once per tile.
#include "backend/backend.h"
#include "backend/cpu/cpu_features.h"

namespace hearth::cpu {

class ThreadPool;

inline constexpr int kTiledMinRows = 64;
inline constexpr int kKvTile = 64;

// Threaded over (token, head) pairs, or (token block, KV head) for the tiled path with
// AVX-512 (attention_tiled.h; same numbers, each tile converted once per block).
void attention(ThreadPool& pool, const AttentionParams& params, const Rows& q,
               const KvLayerView& cache, const Rows& out);
// As attention() with the kernels of `level` (tests compare each level with scalar; the
// one-row path's score dot is the active level's vec_dot whatever `level` says).
void attention_at_level(ThreadPool& pool, SimdLevel level, const AttentionParams& params,
                        const Rows& q, const KvLayerView& cache, const Rows& out);

// Converts k/v rows into cache cells pos0.. (F32 copy, F16 or Q8_0 rows per token).
void kv_store(const KvLayerView& cache, int pos0, const Rows& k, const Rows& v);

}  // namespace hearth::cpu
