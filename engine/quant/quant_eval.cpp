#include "quant/quant_eval.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <vector>

#include "core/error.h"
#include "runtime/engine.h"
#include "tokenizer/tokenizer.h"

namespace hearth::quant {
namespace {

// Log-softmax of one row in double: log p(v) = logit(v) - max - log(sum exp(logit - max)).
struct RowStats {
    double log_sum = 0;  // max + log(sum exp(logit - max))
    int argmax = 0;      // first index of the largest logit
};

RowStats row_stats(const float* logits, int n_vocab) {
    RowStats s;
    float max = logits[0];
    for (int v = 1; v < n_vocab; ++v) {
        if (logits[v] > max) {
            max = logits[v];
            s.argmax = v;
        }
    }
    double sum = 0;
    for (int v = 0; v < n_vocab; ++v)
        sum += std::exp(double(logits[v]) - max);
    s.log_sum = max + std::log(sum);
    return s;
}

double kl_divergence(const float* base, const RowStats& b, const float* cand, const RowStats& c,
                     int n_vocab) {
    double kl = 0;
    for (int v = 0; v < n_vocab; ++v) {
        const double log_p = base[v] - b.log_sum;
        const double log_q = cand[v] - c.log_sum;
        kl += std::exp(log_p) * (log_p - log_q);
    }
    return std::max(0.0, kl);
}

// Decode speed: feeds `tokens` one at a time (each step a single-token forward pass on the
// cached prefix, as in generation) after a short warm-up; tokens per second of the timed part.
double decode_speed(Session& session, const std::vector<int32_t>& tokens, int n_tokens) {
    constexpr int kWarmup = 4;
    n_tokens = std::min(n_tokens, int(tokens.size()) - kWarmup);
    if (n_tokens <= 0) return 0;
    session.clear();
    std::vector<int32_t> prefix(tokens.begin(), tokens.begin() + kWarmup);
    session.eval_logits(prefix);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < n_tokens; ++i) {
        prefix.push_back(tokens[size_t(kWarmup + i)]);
        session.eval_logits(prefix);
    }
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return s > 0 ? n_tokens / s : 0;
}

}  // namespace

QuantComparison compare_on_corpus(const std::string& base_path, const std::string& candidate_path,
                                  const std::string& text, const CorpusEvalOptions& options) {
    if (options.n_ctx < 8) {
        throw Error(ErrorCode::invalid_argument, "the context must hold at least 8 tokens");
    }
    LoadOptions load;
    load.n_threads = options.n_threads;
    load.device = "cpu";  // the figures are checked against llama.cpp's CPU backend
    const auto base = Model::load(base_path, load);
    const auto cand = Model::load(candidate_path, load);
    const int n_vocab = base->info().n_vocab;
    if (cand->info().n_vocab != n_vocab) {
        throw Error(ErrorCode::invalid_argument,
                    "the models have different vocabularies (" + std::to_string(n_vocab) + " and " +
                        std::to_string(cand->info().n_vocab) + " tokens)");
    }
    const int n_ctx = options.n_ctx;
    const Tokenizer& tok = base->tokenizer();
    const bool add_bos = tok.add_bos() && tok.bos() >= 0;
    std::vector<int32_t> tokens = tok.encode(text, add_bos, false);
    if (int64_t(tokens.size()) < 2 * int64_t(n_ctx)) {
        throw Error(ErrorCode::invalid_argument,
                    "the text has " + std::to_string(tokens.size()) + " tokens; at least " +
                        std::to_string(2 * n_ctx) + " (two windows of " + std::to_string(n_ctx) +
                        ") are needed");
    }
    int n_chunks = int(tokens.size() / size_t(n_ctx));
    if (options.max_chunks >= 0) n_chunks = std::min(n_chunks, options.max_chunks);

    SessionOptions session_options;
    session_options.n_ctx = n_ctx;
    session_options.n_batch = n_ctx;
    // Each session owns a thread pool whose idle workers spin for a while; the timing below
    // runs with only the timed model's session alive so the two do not compete for cores.
    auto base_session = std::make_unique<Session>(base, session_options);
    auto cand_session = std::make_unique<Session>(cand, session_options);

    QuantComparison result;
    result.n_ctx = n_ctx;
    result.n_chunks = n_chunks;
    const int first = n_ctx / 2;
    double nll_base = 0, nll_cand = 0, kld_sum = 0;
    int64_t same_top = 0;
    for (int c = 0; c < n_chunks; ++c) {
        if (options.cancel && options.cancel->load()) {
            throw Error(ErrorCode::cancelled, "evaluation cancelled");
        }
        std::vector<int32_t> window(tokens.begin() + int64_t(c) * n_ctx,
                                    tokens.begin() + int64_t(c + 1) * n_ctx);
        if (add_bos) window[0] = tok.bos();
        const std::vector<float> lb = base_session->eval_all_logits(window, first);
        const std::vector<float> lc = cand_session->eval_all_logits(window, first);
        for (int j = first; j < n_ctx - 1; ++j) {
            const float* rb = lb.data() + size_t(j - first) * size_t(n_vocab);
            const float* rc = lc.data() + size_t(j - first) * size_t(n_vocab);
            const RowStats sb = row_stats(rb, n_vocab);
            const RowStats sc = row_stats(rc, n_vocab);
            const int32_t next = window[size_t(j) + 1];
            nll_base += sb.log_sum - rb[next];
            nll_cand += sc.log_sum - rc[next];
            const double kl = kl_divergence(rb, sb, rc, sc, n_vocab);
            kld_sum += kl;
            result.max_kld = std::max(result.max_kld, kl);
            same_top += sb.argmax == sc.argmax ? 1 : 0;
            ++result.n_scored;
        }
        if (options.progress) options.progress(double(c + 1) / (n_chunks + 1));
    }
    const double n = double(result.n_scored);
    result.mean_kld = kld_sum / n;
    result.top1_agreement = double(same_top) / n;

    auto figures = [&](const Model& model, const std::string& path, double nll,
                       std::unique_ptr<Session>& keep, std::unique_ptr<Session>& drop) {
        drop.reset();
        ModelFigures f;
        f.path = path;
        f.file_type = model.info().file_type;
        f.file_size = model.info().file_size;
        f.perplexity = std::exp(nll / n);
        f.decode_tokens_per_s = decode_speed(*keep, tokens, options.decode_tokens);
        return f;
    };
    result.candidate = figures(*cand, candidate_path, nll_cand, cand_session, base_session);
    base_session = std::make_unique<Session>(base, session_options);
    result.base = figures(*base, base_path, nll_base, base_session, cand_session);
    if (options.progress) options.progress(1.0);
    return result;
}

}  // namespace hearth::quant
