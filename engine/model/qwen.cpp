// qwen2 (QKV biases) and qwen3 (per-head RMS norm of q and k); both rotate halves (neox).
#include "model/standard_decoder.h"

namespace hearth::model {

std::unique_ptr<ModelWeights> make_qwen2(const gguf::GgufFile& file) {
    LayerOptions options;
    options.qkv_bias = true;
    return std::make_unique<StandardDecoder>(file, RopeLayout::neox, options);
}

std::unique_ptr<ModelWeights> make_qwen3(const gguf::GgufFile& file) {
    LayerOptions options;
    options.qk_norm = true;
    return std::make_unique<StandardDecoder>(file, RopeLayout::neox, options);
}

}  // namespace hearth::model
