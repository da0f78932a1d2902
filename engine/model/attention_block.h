#pragma once
// The self-attention half of a decoder layer, shared by the architectures:
//   q, k, v = h Wq (+bq), h Wk (+bk), h Wv (+bv)       tokens x heads*head_dim
//   [per-head RMS norm of q and k]  -> RoPE(q, k)  -> [q *= q_scale]
//   K/V appended to the cache at pos0..  ->  attention over the cache  ->  out = attn Wo
#include "backend/backend.h"
#include "model/hparams.h"
#include "model/layer_weights.h"
#include "model/model_weights.h"

namespace hearth::model {

struct AttentionConfig {
    RopeParams rope;
    int sliding_window = 0;
    float q_scale = 0.0f;   // != 0: multiply q by this before attention (gemma)
    float kq_scale = 1.0f;  // scale inside the softmax (llama: 1/sqrt(head_dim))
    float softcap = 0.0f;
};

// Scratch slots used: kFirstAttentionSlot .. kFirstAttentionSlot + 3.
inline constexpr size_t kFirstAttentionSlot = 8;

// h: tokens x n_embd (normed input); out: tokens x n_embd.
void self_attention(Backend& backend, const Hparams& hp, const LayerWeights& layer,
                    const AttentionConfig& config, const KvLayerView& kv, int pos0, const Rows& h,
                    Scratch& scratch, const Rows& out);

// Keeps only the last row of each of `rows` (moved to row 0): the final layer's FFN and the
// output head need only the token whose logits are wanted.
void keep_last_row(Backend& backend, std::initializer_list<Rows*> rows);

// norm(x) -> output head -> logits (x.rows x n_vocab), optional final soft-cap.
void output_head(Backend& backend, const Hparams& hp, VectorTensor output_norm,
                 const WeightTensor& output, const Rows& x, Scratch& scratch, float* logits);

}  // namespace hearth::model
