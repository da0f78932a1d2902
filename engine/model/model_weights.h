#pragma once
// A model architecture: its hyperparameters, views of its weights (inside the GGUF mapping,
// never copied) and its forward pass written as backend ops. One file per architecture
// (llama.cpp, qwen.cpp, gemma3.cpp); load() picks one by general.architecture.
#include <cstdint>
#include <memory>
#include <vector>

#include "backend/backend.h"
#include "model/hparams.h"

namespace hearth {

namespace gguf {
class GgufFile;
}

// Tokens t = 0..n_tokens-1 at positions pos0 + t, appended to a KV cache that already holds
// positions 0..pos0-1.
struct ForwardBatch {
    const int32_t* tokens = nullptr;
    int n_tokens = 0;
    int pos0 = 0;
    bool all_logits = false;  // false: logits of the last token only
};

// Activation buffers reused across forward calls (grown on demand). Slot i is one buffer.
class Scratch {
public:
    Rows get(size_t slot, int64_t rows, int64_t cols);

private:
    std::vector<std::vector<float>> slots_;
};

class ModelWeights {
public:
    virtual ~ModelWeights() = default;
    const model::Hparams& hparams() const { return hp_; }

    // Writes n_vocab logits (all_logits: n_tokens * n_vocab) and the batch's K/V into `kv`
    // (one view per layer).
    virtual void forward(Backend& backend, const std::vector<KvLayerView>& kv,
                         const ForwardBatch& batch, Scratch& scratch, float* logits) const = 0;

    // Throws Error(unsupported, "unknown architecture 'x'") or Error(format/unsupported) for
    // missing tensors and types no backend computes.
    static std::unique_ptr<ModelWeights> load(const gguf::GgufFile& file);

protected:
    explicit ModelWeights(model::Hparams hp) : hp_(std::move(hp)) {}
    model::Hparams hp_;
};

namespace model {
// Architecture constructors (one per file).
std::unique_ptr<ModelWeights> make_llama(const gguf::GgufFile& file);
std::unique_ptr<ModelWeights> make_qwen2(const gguf::GgufFile& file);
std::unique_ptr<ModelWeights> make_qwen3(const gguf::GgufFile& file);
std::unique_ptr<ModelWeights> make_gemma3(const gguf::GgufFile& file);
}  // namespace model

}  // namespace hearth
