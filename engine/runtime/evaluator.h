#pragma once
// Runs a model over a growing token sequence: keeps the KV cache, reuses the longest common
// prefix with what it already holds, evaluates the rest in chunks of n_batch tokens and
// leaves the logits of the last token. Session builds generation on top of it; tests use it
// to compare logits with llama.cpp.
#include <atomic>
#include <memory>
#include <vector>

#include "backend/cpu/cpu_backend.h"
#include "model/model_weights.h"
#include "runtime/kv_cache.h"

namespace hearth {

class Evaluator {
public:
    Evaluator(const ModelWeights& weights, int n_ctx, KvCacheType kv_type, int n_batch,
              int n_threads);

    // Makes the cache hold exactly `tokens` and computes the last one's logits. Returns how
    // many leading tokens were reused from the cache. Throws Error(context_full) when the
    // tokens do not fit, Error(invalid_argument) for an empty list or an id out of range.
    // `cancel` is checked between chunks of n_batch tokens; when it is set, evaluation stops
    // early (the cache keeps what was evaluated, the logits are not meaningful).
    int evaluate(const std::vector<int32_t>& tokens, const std::atomic<bool>* cancel = nullptr);
    // Appends one token (decode step). Throws Error(context_full) when the cache is full.
    void append(int32_t token);

    const std::vector<float>& logits() const { return logits_; }
    const std::vector<int32_t>& tokens() const { return cache_.tokens(); }
    int n_ctx() const { return cache_.n_ctx(); }
    int n_vocab() const { return weights_.hparams().n_vocab; }
    void clear() { cache_.truncate(0); }

private:
    void run(const int32_t* tokens, int n);  // at positions cache size ..

    const ModelWeights& weights_;
    int n_batch_;
    cpu::CpuBackend backend_;
    KvCache cache_;
    Scratch scratch_;
    std::vector<float> logits_;
};

}  // namespace hearth
