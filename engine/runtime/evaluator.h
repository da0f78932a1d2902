#pragma once
// Runs a model over a growing token sequence: keeps the KV cache, reuses the longest common
// prefix with what it already holds, evaluates the rest in chunks of n_batch tokens and
// leaves the logits of the last token. Session builds generation on top of it; tests use it
// to compare logits with llama.cpp.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "backend/cpu/cpu_backend.h"
#include "model/model_weights.h"
#include "runtime/kv_cache.h"

namespace hearth {

class ComputeDevice;

class Evaluator {
public:
    // Computes on the CPU backend.
    Evaluator(const ModelWeights& weights, int n_ctx, KvCacheType kv_type, int n_batch,
              int n_threads);
    // Computes on `device`'s backend when it has one (not owned; null = the CPU). When that
    // backend fails mid-evaluation the evaluator goes on with the CPU backend: it recomputes
    // the cached tokens (their K/V lived on the device) and the results are the CPU's.
    Evaluator(const ModelWeights& weights, ComputeDevice* device, int n_ctx, KvCacheType kv_type,
              int n_batch, int n_threads);
    ~Evaluator();

    // Makes the cache hold exactly `tokens` and computes the last one's logits. Returns how
    // many leading tokens were reused from the cache. Throws Error(context_full) when the
    // tokens do not fit, Error(invalid_argument) for an empty list or an id out of range.
    // `cancel` is checked between chunks of n_batch tokens; when it is set, evaluation stops
    // early (the cache keeps what was evaluated, the logits are not meaningful).
    int evaluate(const std::vector<int32_t>& tokens, const std::atomic<bool>* cancel = nullptr);
    // Clears the cache, evaluates `tokens` and stores the logits of positions first..n-1 in
    // `out` ((n - first) * n_vocab floats). Same errors as evaluate().
    void evaluate_all(const std::vector<int32_t>& tokens, int first, std::vector<float>& out);
    // Appends one token (decode step). Throws Error(context_full) when the cache is full.
    void append(int32_t token);

    const std::vector<float>& logits() const { return logits_; }
    const std::vector<int32_t>& tokens() const { return cache_.tokens(); }
    int n_ctx() const { return cache_.n_ctx(); }
    int n_vocab() const { return weights_.hparams().n_vocab; }
    void clear() { cache_.truncate(0); }
    // The backend computing now ("vulkan" or "cpu").
    const char* backend_name() const { return gpu_ ? gpu_->name() : cpu_.name(); }

private:
    void check_tokens(const std::vector<int32_t>& tokens) const;
    void run(const int32_t* tokens, int n);  // at positions cache size ..
    void forward(Backend& backend, const int32_t* tokens, int n);
    void fall_back_to_cpu(const std::string& reason);

    const ModelWeights& weights_;
    int n_batch_;
    ComputeDevice* device_ = nullptr;
    cpu::CpuBackend cpu_;
    std::unique_ptr<Backend> gpu_;  // null: cpu_ computes; its fallback is cpu_
    KvCache cache_;
    Scratch scratch_;
    std::vector<float> logits_;
};

}  // namespace hearth
