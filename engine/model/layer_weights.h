#pragma once
// Per-layer weights of a pre-norm transformer decoder under llama.cpp's GGUF tensor names
// (blk.N.attn_q.weight, ...), and the lookups that check their shapes and types.
#include <string>

#include "backend/backend.h"
#include "model/hparams.h"

namespace hearth::gguf {
class GgufFile;
}

namespace hearth::model {

struct LayerWeights {
    VectorTensor attn_norm;
    WeightTensor wq, wk, wv, wo;
    VectorTensor bq, bk, bv;      // qwen2
    VectorTensor q_norm, k_norm;  // per-head RMS norm (qwen3, gemma3)
    VectorTensor post_attn_norm;  // gemma3
    VectorTensor ffn_norm;
    WeightTensor gate, up, down;
    VectorTensor post_ffn_norm;  // gemma3
};

// Weights shared by every layer: embedding, final norm, output (tied to the embedding when
// the file has no output.weight).
struct GlobalWeights {
    WeightTensor token_embd;  // rows = n_vocab, cols = n_embd
    VectorTensor output_norm;
    WeightTensor output;
};

enum class Need { required, optional };

// A 2-D weight with `cols` x `rows` (ggml ne0 x ne1) in a type the CPU backend computes.
WeightTensor find_weight(const gguf::GgufFile& file, const std::string& name, int64_t cols,
                         int64_t rows, Need need = Need::required);
// A 1-D F32 tensor of n elements.
VectorTensor find_vector(const gguf::GgufFile& file, const std::string& name, int64_t n,
                         Need need = Need::required);

GlobalWeights load_global_weights(const gguf::GgufFile& file, Hparams& hp);

struct LayerOptions {
    bool qkv_bias = false;
    bool qk_norm = false;
    bool post_norms = false;
};
LayerWeights load_layer_weights(const gguf::GgufFile& file, const Hparams& hp, int layer,
                                const LayerOptions& options);

}  // namespace hearth::model
