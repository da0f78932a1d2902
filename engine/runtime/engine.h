#pragma once
// The engine's public API: load a model, open a session on it, generate.
//
//   auto model = hearth::Model::load("smollm2.gguf", {.n_threads = 2});
//   hearth::Session session(model, {.n_ctx = 4096});
//   auto stats = session.generate(request, [](std::string_view piece) { ... }, cancel);
//
// Errors are hearth::Error exceptions (core/error.h). Pieces handed to the callback are
// always complete UTF-8. A session keeps its KV cache between generate() calls and reuses
// the longest common token prefix, so continuing a conversation evaluates only new tokens.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/generation.h"

namespace hearth {

namespace gguf {
class GgufFile;
}
class Tokenizer;
class ModelWeights;  // architecture-specific, see model/

struct ModelInfo {
    std::string name;          // general.name or the file stem
    std::string architecture;  // general.architecture
    std::string file_type;     // dominant tensor type, e.g. "Q4_1"
    uint64_t n_params = 0;
    uint64_t file_size = 0;
    int context_length = 0;  // trained context
    int n_layers = 0, n_embd = 0, n_heads = 0, n_kv_heads = 0, n_vocab = 0;
    bool has_chat_template = false;
};

enum class KvCacheType { f16, q8_0, f32 };

// Where a model computes (see LoadOptions::device).
struct DeviceStatus {
    std::string backend = "cpu";  // "vulkan" or "cpu"
    std::string name = "CPU";     // the device's name
    // Why the model computes on the CPU although a GPU was asked for or chosen (no Vulkan
    // driver, no such device, the model does not fit, device lost, ...); empty otherwise.
    std::string fallback;
};

struct LoadOptions {
    int n_threads = 0;  // 0 = physical cores
    // "" = HEARTH_DEVICE when set, else automatic: the best Vulkan GPU (`hearth devices`),
    // the CPU backend when there is none or only a software one (lavapipe runs on the CPU
    // too, slower than the CPU backend). "cpu", or a device number to use that device
    // (a software one included). A device that fails means the CPU, never an error.
    std::string device;
    std::function<bool(float fraction)> progress;  // return false to cancel loading
    // Jinja source that replaces the file's tokenizer.chat_template (for GGUFs shipped
    // without one, e.g. the catalog's Gemma 3). Empty = use the file's, else ChatML.
    std::string chat_template;
};

class Model {
public:
    // Throws Error: io, format (incl. GgufError), unsupported (architecture / tensor type).
    static std::shared_ptr<Model> load(const std::string& path, const LoadOptions& options = {});
    virtual ~Model();

    const ModelInfo& info() const;
    const Tokenizer& tokenizer() const;
    const gguf::GgufFile& file() const;
    int n_threads() const;
    // Where the model computes now (a GPU that failed mid-session turns this to the CPU).
    DeviceStatus device() const;

    // Renders the GGUF's chat template (or a ChatML fallback when it has none).
    std::string apply_chat_template(const std::vector<ChatMessage>& messages,
                                    bool add_generation_prompt) const;

    struct Impl;
    Impl& impl() const { return *impl_; }

private:
    explicit Model(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

struct SessionOptions {
    int n_ctx = 0;  // 0 = min(trained context, 4096)
    KvCacheType kv_type = KvCacheType::f16;
    int n_batch = 512;  // prefill chunk
};

class Session {
public:
    Session(std::shared_ptr<Model> model, const SessionOptions& options = {});
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    using PieceCallback = std::function<void(std::string_view piece)>;

    // Runs to completion, cancellation, or error. Errors in the request (bad sampling values,
    // prompt longer than the context) throw Error; cancellation returns finish == cancelled.
    GenerationStats generate(const GenerationRequest& request, const PieceCallback& on_piece,
                             const std::atomic<bool>* cancel = nullptr);

    // Evaluates `tokens` (reusing the cached prefix) and returns the logits of the last one
    // (n_vocab floats). For tests against the reference and for perplexity.
    std::vector<float> eval_logits(const std::vector<int32_t>& tokens);
    // Evaluates `tokens` from an empty cache in batches and returns the logits of positions
    // first..n-1, position-major ((n - first) * n_vocab floats). For perplexity and KL
    // divergence over a corpus, where every position's distribution is scored.
    std::vector<float> eval_all_logits(const std::vector<int32_t>& tokens, int first = 0);

    int context_length() const;
    int tokens_in_cache() const;
    void clear();
    const Model& model() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace hearth
