#pragma once
// The model's forward pass driven token by token on one backend, for comparing backends:
// prefill `prompt`, then `steps` greedy steps, keeping every step's logits.
#include <algorithm>
#include <vector>

#include "model/model_weights.h"
#include "runtime/kv_cache.h"

namespace vulkan_test {

struct GreedyRun {
    std::vector<int32_t> tokens;
    std::vector<std::vector<float>> logits;  // one vector per step
};

// `forced`: the tokens to feed after each step (teacher forcing); empty = the argmax.
inline GreedyRun greedy_forward(const hearth::ModelWeights& model, hearth::Backend& backend,
                                const std::vector<int32_t>& prompt, int steps,
                                const std::vector<int32_t>& forced = {}) {
    const auto& hp = model.hparams();
    hearth::KvCache cache(hp, 256, hearth::KvCacheType::f16);
    hearth::Scratch scratch;
    std::vector<float> logits(size_t(hp.n_vocab));
    GreedyRun run;
    std::vector<int32_t> batch = prompt;
    int pos = 0;
    for (int step = 0; step < steps; ++step) {
        hearth::ForwardBatch fb;
        fb.tokens = batch.data();
        fb.n_tokens = int(batch.size());
        fb.pos0 = pos;
        model.forward(backend, cache.layers(), fb, scratch, logits.data());
        pos += int(batch.size());
        const int32_t next =
            int32_t(std::max_element(logits.begin(), logits.end()) - logits.begin());
        run.tokens.push_back(next);
        run.logits.push_back(logits);
        batch = {forced.empty() ? next : forced[size_t(step)]};
    }
    return run;
}

// How many different tokens a run chose: a comparison of repetitive output (one token over
// and over) would cover few attention states.
inline size_t distinct_tokens(std::vector<int32_t> tokens) {
    std::sort(tokens.begin(), tokens.end());
    return size_t(std::unique(tokens.begin(), tokens.end()) - tokens.begin());
}

}  // namespace vulkan_test
