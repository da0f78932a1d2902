#pragma once
// The pre-norm decoder that llama, qwen2 and qwen3 share:
//   x = embd[tokens]
//   per layer:  x += Wo attn(rms_norm(x) ...);  x += down(silu(gate(h)) * up(h)), h = rms_norm(x)
//   logits = output(rms_norm(x))
// The architecture files say what differs (RoPE layout, QKV biases, QK-norm).
#include <vector>

#include "model/attention_block.h"
#include "model/layer_weights.h"
#include "model/model_weights.h"

namespace hearth::model {

class StandardDecoder final : public ModelWeights {
public:
    StandardDecoder(const gguf::GgufFile& file, RopeLayout rope_layout,
                    const LayerOptions& options);

    void forward(Backend& backend, const std::vector<KvLayerView>& kv, const ForwardBatch& batch,
                 Scratch& scratch, float* logits) const override;

private:
    GlobalWeights global_;
    std::vector<LayerWeights> layers_;
};

}  // namespace hearth::model
