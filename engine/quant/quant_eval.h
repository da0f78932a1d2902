#pragma once
// What a quantization cost, measured over a text corpus the way llama-perplexity measures it
// (so the figures can be checked against `llama-perplexity --kl-divergence`):
//  - the text is tokenized once (BOS first when the vocabulary asks for it) and cut into
//    n_chunk = n_tokens / n_ctx windows of n_ctx tokens; a window's first token becomes BOS
//    when the vocabulary adds one;
//  - each window is evaluated from an empty cache and only its second half is scored:
//    positions n_ctx/2 .. n_ctx-2 predict the next token;
//  - perplexity = exp(mean negative log-likelihood of the next token);
//  - KL divergence per position = sum_v p_base(v) * (log p_base(v) - log p_cand(v)), mean and
//    maximum over the scored positions; top-1 agreement = share of positions where both
//    models' most likely token is the same.
// llama-perplexity stores the base's log-probabilities as 16-bit codes and drops terms with
// log p < -16; Hearth keeps them in double, so KL agrees to within that quantisation.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace hearth::quant {

struct CorpusEvalOptions {
    int n_ctx = 512;
    int max_chunks = -1;  // < 0: all the text allows
    int n_threads = 0;
    int decode_tokens = 64;  // corpus tokens decoded one by one to time decoding (0: skip)
    // fraction in [0, 1]; called between windows.
    std::function<void(double fraction)> progress;
    const std::atomic<bool>* cancel = nullptr;
};

struct ModelFigures {
    std::string path;
    std::string file_type;  // dominant tensor type, e.g. "Q4_K"
    uint64_t file_size = 0;
    double perplexity = 0;
    double decode_tokens_per_s = 0;
};

struct QuantComparison {
    ModelFigures base, candidate;
    double mean_kld = 0;
    double max_kld = 0;
    double top1_agreement = 0;  // 0..1
    int n_ctx = 0;
    int n_chunks = 0;
    int64_t n_scored = 0;  // positions scored per model
};

// Throws Error: io/format/unsupported (loading), invalid_argument (vocabularies differ, text
// shorter than 2 * n_ctx tokens, n_ctx out of range), cancelled.
QuantComparison compare_on_corpus(const std::string& base_path, const std::string& candidate_path,
                                  const std::string& text, const CorpusEvalOptions& options);

}  // namespace hearth::quant
