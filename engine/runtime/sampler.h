#pragma once
// Token sampling from logits: logit bias -> repetition/frequency/presence penalties ->
// (temperature 0: argmax, ties to the lowest id) -> top-k -> typical-p -> top-p -> min-p ->
// temperature -> a draw from the softmax with a seeded std::mt19937 (deterministic for a
// fixed seed). The order and the penalty rules follow llama.cpp's default sampler chain.
#include <cstdint>
#include <random>
#include <vector>

#include "runtime/generation.h"

namespace hearth {

class Sampler {
public:
    // Throws Error(invalid_argument) when params do not validate or a logit-bias id is not
    // in [0, n_vocab).
    Sampler(const SamplingParams& params, int n_vocab);

    // `history`: the tokens so far (prompt and generated); the penalties look at the last
    // repeat_last_n of them.
    int32_t sample(const float* logits, const std::vector<int32_t>& history);

    struct Candidate {
        int32_t id;
        float logit;
        float p;
    };

    // The filters, exposed for tests. Each keeps at least one candidate; top_k sorts by
    // logit (descending, ties by id); the probability filters recompute softmax first.
    static void top_k(std::vector<Candidate>& c, int k);
    static void typical_p(std::vector<Candidate>& c, float p);
    static void top_p(std::vector<Candidate>& c, float p);
    static void min_p(std::vector<Candidate>& c, float p);
    static void softmax(std::vector<Candidate>& c);  // sorts by logit, fills p
    void apply_penalties(std::vector<float>& logits, const std::vector<int32_t>& history) const;

private:
    SamplingParams params_;
    int n_vocab_;
    std::mt19937 rng_;
    std::vector<Candidate> candidates_;
    std::vector<float> scratch_logits_;
};

}  // namespace hearth
