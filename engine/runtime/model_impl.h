#pragma once
// What a loaded Model holds (engine.h keeps it opaque). Shared read-only by its sessions.
#include <memory>
#include <optional>

#include "gguf/gguf_file.h"
#include "model/model_weights.h"
#include "runtime/compute_device.h"
#include "runtime/engine.h"
#include "template/chat_template.h"
#include "tokenizer/tokenizer.h"

namespace hearth {

struct Model::Impl {
    std::unique_ptr<gguf::GgufFile> file;  // the mapping the weights point into
    std::unique_ptr<ModelWeights> weights;
    std::unique_ptr<Tokenizer> tokenizer;
    std::optional<ChatTemplate> chat_template;  // none: ChatML fallback
    ModelInfo info;
    int n_threads = 1;
    std::unique_ptr<ComputeDevice> device;  // after weights: holds device copies of them
};

}  // namespace hearth
