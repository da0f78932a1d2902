#include "runtime/evaluator.h"

#include <algorithm>

#include "core/error.h"
#include "runtime/compute_device.h"

namespace hearth {

Evaluator::Evaluator(const ModelWeights& weights, int n_ctx, KvCacheType kv_type, int n_batch,
                     int n_threads)
    : Evaluator(weights, nullptr, n_ctx, kv_type, n_batch, n_threads) {}

Evaluator::Evaluator(const ModelWeights& weights, ComputeDevice* device, int n_ctx,
                     KvCacheType kv_type, int n_batch, int n_threads)
    : weights_(weights),
      n_batch_(std::max(1, n_batch)),
      device_(device),
      cpu_(std::max(1, n_threads)),
      cache_(weights.hparams(), n_ctx, kv_type),
      logits_(size_t(weights.hparams().n_vocab)) {
    if (device_) gpu_ = device_->make_backend(cpu_);
}

Evaluator::~Evaluator() = default;

void Evaluator::check_tokens(const std::vector<int32_t>& tokens) const {
    if (tokens.empty()) {
        throw Error(ErrorCode::invalid_argument, "nothing to evaluate: the token list is empty");
    }
    if (int(tokens.size()) > cache_.n_ctx()) {
        throw Error(ErrorCode::context_full, "the prompt has " + std::to_string(tokens.size()) +
                                                 " tokens but the context window holds " +
                                                 std::to_string(cache_.n_ctx()));
    }
    for (int32_t t : tokens) {
        if (t < 0 || t >= n_vocab()) {
            throw Error(ErrorCode::invalid_argument,
                        "token id " + std::to_string(t) + " is outside the vocabulary");
        }
    }
}

int Evaluator::evaluate(const std::vector<int32_t>& tokens, const std::atomic<bool>* cancel) {
    check_tokens(tokens);
    const auto& cached = cache_.tokens();
    size_t common = 0;
    while (common < cached.size() && common < tokens.size() && cached[common] == tokens[common]) {
        ++common;
    }
    // The last token is always evaluated again: its logits are what the caller wants.
    if (common == tokens.size()) --common;
    cache_.truncate(int(common));
    for (size_t begin = common; begin < tokens.size(); begin += size_t(n_batch_)) {
        if (cancel && cancel->load()) break;
        const int n = int(std::min(tokens.size() - begin, size_t(n_batch_)));
        run(tokens.data() + begin, n);
    }
    return int(common);
}

void Evaluator::evaluate_all(const std::vector<int32_t>& tokens, int first,
                             std::vector<float>& out) {
    check_tokens(tokens);
    if (first < 0 || first >= int(tokens.size())) {
        throw Error(ErrorCode::invalid_argument, "first scored position is outside the tokens");
    }
    const size_t n_vocab_ = size_t(n_vocab());
    out.assign((tokens.size() - size_t(first)) * n_vocab_, 0.0f);
    std::vector<float> batch_logits;
    cache_.truncate(0);
    for (size_t begin = 0; begin < tokens.size(); begin += size_t(n_batch_)) {
        const int n = int(std::min(tokens.size() - begin, size_t(n_batch_)));
        batch_logits.resize(size_t(n) * n_vocab_);
        ForwardBatch batch;
        batch.tokens = tokens.data() + begin;
        batch.n_tokens = n;
        batch.pos0 = int(begin);
        batch.all_logits = true;
        auto compute = [&](Backend& backend) {
            weights_.forward(backend, cache_.layers(), batch, scratch_, batch_logits.data());
        };
        if (gpu_) {
            try {
                auto step = device_->lock_step();
                compute(*gpu_);
            } catch (const std::exception& e) {
                fall_back_to_cpu(e.what());  // recomputes the cached positions on the CPU
                compute(cpu_);
            }
        } else {
            compute(cpu_);
        }
        cache_.append(batch.tokens, n);
        for (int t = 0; t < n; ++t) {
            const size_t pos = begin + size_t(t);
            if (pos < size_t(first)) continue;
            std::copy_n(batch_logits.data() + size_t(t) * n_vocab_, n_vocab_,
                        out.data() + (pos - size_t(first)) * n_vocab_);
        }
    }
    // The last position's logits stay available as for evaluate().
    std::copy_n(out.end() - std::ptrdiff_t(n_vocab_), n_vocab_, logits_.begin());
}

void Evaluator::append(int32_t token) {
    if (int(cache_.tokens().size()) >= cache_.n_ctx()) {
        throw Error(ErrorCode::context_full,
                    "the context window of " + std::to_string(cache_.n_ctx()) + " tokens is full");
    }
    if (token < 0 || token >= n_vocab()) {
        throw Error(ErrorCode::invalid_argument,
                    "token id " + std::to_string(token) + " is outside the vocabulary");
    }
    run(&token, 1);
}

void Evaluator::run(const int32_t* tokens, int n) {
    if (gpu_) {
        try {
            auto step = device_->lock_step();
            forward(*gpu_, tokens, n);
            return;
        } catch (const std::exception& e) {
            fall_back_to_cpu(e.what());
        }
    }
    forward(cpu_, tokens, n);
}

void Evaluator::forward(Backend& backend, const int32_t* tokens, int n) {
    ForwardBatch batch;
    batch.tokens = tokens;
    batch.n_tokens = n;
    batch.pos0 = int(cache_.tokens().size());
    weights_.forward(backend, cache_.layers(), batch, scratch_, logits_.data());
    cache_.append(tokens, n);
}

void Evaluator::fall_back_to_cpu(const std::string& reason) {
    device_->fail(reason);
    gpu_.reset();
    // The cached tokens' K/V were on the device: compute them again on the CPU, so what
    // follows is exactly what a CPU-only session would produce.
    const std::vector<int32_t> held = cache_.tokens();
    cache_.truncate(0);
    for (size_t begin = 0; begin < held.size(); begin += size_t(n_batch_)) {
        const int n = int(std::min(held.size() - begin, size_t(n_batch_)));
        forward(cpu_, held.data() + begin, n);
    }
}

}  // namespace hearth
