#pragma once
// Hyperparameters every decoder architecture reads from GGUF metadata ("{arch}.…" keys).
#include <string>
#include <vector>

#include "backend/backend.h"

namespace hearth::gguf {
class GgufFile;
}

namespace hearth::model {

struct Hparams {
    std::string arch;  // general.architecture
    int n_layers = 0;
    int n_embd = 0;
    int n_heads = 0;
    int n_kv_heads = 0;
    int head_dim_k = 0;  // {arch}.attention.key_length, default n_embd / n_heads
    int head_dim_v = 0;  // {arch}.attention.value_length, default head_dim_k
    int n_vocab = 0;     // rows of token_embd.weight
    int context_length = 0;
    float rms_eps = 1e-5f;
    RopeParams rope;  // rope.dimension_count (default head_dim_k), freq_base, scaling
    float rope_base_swa =
        10000.0f;                // freq base of sliding-window layers ({arch}.rope.freq_base_swa)
    int sliding_window = 0;      // 0 = none
    std::vector<bool> is_swa;    // per layer, when sliding_window > 0
    float attn_softcap = 0.0f;   // {arch}.attn_logit_softcapping
    float final_softcap = 0.0f;  // {arch}.final_logit_softcapping

    // Reads the common keys; throws Error(format) naming a missing required key.
    static Hparams read(const gguf::GgufFile& file, RopeLayout layout);
};

}  // namespace hearth::model
