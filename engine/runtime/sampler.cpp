#include "runtime/sampler.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "core/error.h"

namespace hearth {
namespace {

bool by_logit(const Sampler::Candidate& a, const Sampler::Candidate& b) {
    return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
}

void invalid(const std::string& message) {
    throw Error(ErrorCode::invalid_argument, message);
}

}  // namespace

void SamplingParams::validate() const {
    if (!(temperature >= 0.0f) || !std::isfinite(temperature)) {
        invalid("temperature must be >= 0");
    }
    if (!(top_p > 0.0f && top_p <= 1.0f)) invalid("top_p must be in (0, 1]");
    if (!(min_p >= 0.0f && min_p <= 1.0f)) invalid("min_p must be in [0, 1]");
    if (!(typical_p > 0.0f && typical_p <= 1.0f)) invalid("typical_p must be in (0, 1]");
    if (!(repeat_penalty > 0.0f) || !std::isfinite(repeat_penalty)) {
        invalid("repeat_penalty must be > 0");
    }
    if (repeat_last_n < 0) invalid("repeat_last_n must be >= 0");
    if (!std::isfinite(frequency_penalty)) invalid("frequency_penalty must be finite");
    if (!std::isfinite(presence_penalty)) invalid("presence_penalty must be finite");
    for (const auto& [id, bias] : logit_bias) {
        if (id < 0) invalid("logit_bias token id must be >= 0");
        if (std::isnan(bias)) invalid("logit_bias value must be a number");
    }
}

Sampler::Sampler(const SamplingParams& params, int n_vocab) : params_(params), n_vocab_(n_vocab) {
    params_.validate();
    for (const auto& [id, bias] : params_.logit_bias) {
        if (id >= n_vocab) {
            invalid("logit_bias token id " + std::to_string(id) + " is outside the vocabulary (" +
                    std::to_string(n_vocab) + " tokens)");
        }
    }
    const uint64_t seed =
        params_.seed == 0xFFFFFFFFu ? uint64_t(std::random_device{}()) : params_.seed;
    rng_.seed(static_cast<std::mt19937::result_type>(seed));
}

void Sampler::softmax(std::vector<Candidate>& c) {
    std::sort(c.begin(), c.end(), by_logit);
    const float max = c.front().logit;
    double sum = 0.0;
    for (auto& x : c) {
        x.p = std::exp(x.logit - max);
        sum += x.p;
    }
    for (auto& x : c)
        x.p = float(x.p / sum);
}

void Sampler::top_k(std::vector<Candidate>& c, int k) {
    if (k <= 0 || k >= int(c.size())) {
        std::sort(c.begin(), c.end(), by_logit);
        return;
    }
    std::partial_sort(c.begin(), c.begin() + k, c.end(), by_logit);
    c.resize(size_t(k));
}

void Sampler::top_p(std::vector<Candidate>& c, float p) {
    if (p >= 1.0f) return;
    softmax(c);
    double cumulative = 0.0;
    size_t keep = c.size();
    for (size_t i = 0; i < c.size(); ++i) {
        cumulative += c[i].p;
        if (cumulative >= p) {
            keep = i + 1;
            break;
        }
    }
    c.resize(keep);
}

void Sampler::min_p(std::vector<Candidate>& c, float p) {
    if (p <= 0.0f) return;
    softmax(c);
    const float threshold = c.front().p * p;
    size_t keep = 1;
    while (keep < c.size() && c[keep].p >= threshold)
        ++keep;
    c.resize(keep);
}

void Sampler::typical_p(std::vector<Candidate>& c, float p) {
    if (p >= 1.0f) return;
    softmax(c);
    double entropy = 0.0;
    for (const auto& x : c) {
        if (x.p > 0) entropy -= double(x.p) * std::log(double(x.p));
    }
    // Most "typical" first: |-log p - H| ascending.
    std::vector<std::pair<double, size_t>> order;
    order.reserve(c.size());
    for (size_t i = 0; i < c.size(); ++i) {
        const double surprise = c[i].p > 0 ? -std::log(double(c[i].p)) : INFINITY;
        order.emplace_back(std::abs(surprise - entropy), i);
    }
    std::stable_sort(order.begin(), order.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    double cumulative = 0.0;
    size_t keep = order.size();
    for (size_t i = 0; i < order.size(); ++i) {
        cumulative += c[order[i].second].p;
        if (cumulative >= p) {
            keep = i + 1;
            break;
        }
    }
    std::vector<Candidate> kept;
    kept.reserve(keep);
    for (size_t i = 0; i < keep; ++i)
        kept.push_back(c[order[i].second]);
    c = std::move(kept);
}

void Sampler::apply_penalties(std::vector<float>& logits,
                              const std::vector<int32_t>& history) const {
    const bool any = params_.repeat_penalty != 1.0f || params_.frequency_penalty != 0.0f ||
                     params_.presence_penalty != 0.0f;
    if (!any || params_.repeat_last_n == 0) return;
    const size_t n = std::min(history.size(), size_t(params_.repeat_last_n));
    std::unordered_map<int32_t, int> counts;
    for (size_t i = history.size() - n; i < history.size(); ++i)
        ++counts[history[i]];
    for (const auto& [id, count] : counts) {
        if (id < 0 || id >= n_vocab_) continue;
        float& logit = logits[size_t(id)];
        // Repetition penalty pushes the logit towards "less likely" whatever its sign.
        logit = logit > 0 ? logit / params_.repeat_penalty : logit * params_.repeat_penalty;
        logit -= float(count) * params_.frequency_penalty + params_.presence_penalty;
    }
}

int32_t Sampler::sample(const float* logits, const std::vector<int32_t>& history) {
    scratch_logits_.assign(logits, logits + n_vocab_);
    for (const auto& [id, bias] : params_.logit_bias)
        scratch_logits_[size_t(id)] += bias;
    apply_penalties(scratch_logits_, history);

    if (params_.temperature == 0.0f) {
        int32_t best = 0;
        for (int32_t i = 1; i < n_vocab_; ++i) {
            if (scratch_logits_[size_t(i)] > scratch_logits_[size_t(best)]) best = i;
        }
        return best;
    }
    candidates_.resize(size_t(n_vocab_));
    for (int32_t i = 0; i < n_vocab_; ++i) {
        candidates_[size_t(i)] = Candidate{i, scratch_logits_[size_t(i)], 0.0f};
    }
    // Tokens with a -inf bias are banned outright.
    std::erase_if(candidates_, [](const Candidate& c) { return c.logit == -INFINITY; });
    if (candidates_.empty()) {
        throw Error(ErrorCode::invalid_argument, "logit_bias bans every token");
    }
    top_k(candidates_, params_.top_k);
    typical_p(candidates_, params_.typical_p);
    top_p(candidates_, params_.top_p);
    min_p(candidates_, params_.min_p);
    for (auto& c : candidates_)
        c.logit /= params_.temperature;
    softmax(candidates_);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    const double r = uniform(rng_);
    double cumulative = 0.0;
    for (const auto& c : candidates_) {
        cumulative += c.p;
        if (r < cumulative) return c.id;
    }
    return candidates_.back().id;
}

}  // namespace hearth
