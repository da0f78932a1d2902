// llama: SmolLM2, TinyLlama, llama2.c "stories" models. RoPE on adjacent pairs, no biases.
#include "model/standard_decoder.h"

namespace hearth::model {

std::unique_ptr<ModelWeights> make_llama(const gguf::GgufFile& file) {
    return std::make_unique<StandardDecoder>(file, RopeLayout::normal, LayerOptions{});
}

}  // namespace hearth::model
