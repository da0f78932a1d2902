// Reference side of the model tests: runs llama.cpp (the reference build's libllama) on a
// prompt and prints what Hearth must reproduce.
//
//   llama_reference MODEL PROMPT N_PREDICT LOGITS_FILE
//
// stdout:  "prompt: <ids>"     the prompt tokenized by llama.cpp (special tokens added,
//                              special text parsed)
//          "generated: <ids>"  N_PREDICT greedy tokens (argmax, ties -> lowest id; stops
//                              early after an end-of-generation token)
// LOGITS_FILE: n_vocab float32 logits of the last prompt position.
//
// Settings mirrored by the Hearth side of the test: n_ctx 512, the whole prompt in one
// batch (n_batch = n_ubatch = 512), then one token per decode; F16 K/V cache; flash
// attention left at llama.cpp's default (auto, which resolves to enabled on the CPU).
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "llama.h"

namespace {

int greedy(const float* logits, int n_vocab) {
    int best = 0;
    for (int i = 1; i < n_vocab; ++i) {
        if (logits[i] > logits[best]) best = i;
    }
    return best;
}

void quiet_log(ggml_log_level, const char*, void*) {}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s MODEL PROMPT N_PREDICT LOGITS_FILE\n", argv[0]);
        return 2;
    }
    const std::string prompt = argv[2];
    const int n_predict = std::atoi(argv[3]);
    llama_log_set(quiet_log, nullptr);
    llama_backend_init();

    llama_model_params mparams = llama_model_default_params();
    llama_model* model = llama_model_load_from_file(argv[1], mparams);
    if (!model) {
        std::fprintf(stderr, "cannot load %s\n", argv[1]);
        return 1;
    }
    const llama_vocab* vocab = llama_model_get_vocab(model);
    const int n_vocab = llama_vocab_n_tokens(vocab);

    llama_context_params cparams = llama_context_default_params();
    cparams.n_ctx = 512;
    cparams.n_batch = 512;
    cparams.n_ubatch = 512;
    cparams.n_threads = 2;
    cparams.n_threads_batch = 2;
    cparams.no_perf = true;
    llama_context* ctx = llama_init_from_model(model, cparams);
    if (!ctx) {
        std::fprintf(stderr, "cannot create a context\n");
        return 1;
    }

    std::vector<llama_token> tokens(prompt.size() + 16);
    const int n = llama_tokenize(vocab, prompt.data(), int32_t(prompt.size()), tokens.data(),
                                 int32_t(tokens.size()), true, true);
    if (n <= 0) {
        std::fprintf(stderr, "tokenization failed\n");
        return 1;
    }
    tokens.resize(size_t(n));
    std::printf("prompt:");
    for (llama_token t : tokens)
        std::printf(" %d", t);
    std::printf("\n");

    if (llama_decode(ctx, llama_batch_get_one(tokens.data(), n)) != 0) {
        std::fprintf(stderr, "decode failed\n");
        return 1;
    }
    const float* logits = llama_get_logits_ith(ctx, -1);
    FILE* out = std::fopen(argv[4], "wb");
    if (!out || std::fwrite(logits, sizeof(float), size_t(n_vocab), out) != size_t(n_vocab)) {
        std::fprintf(stderr, "cannot write %s\n", argv[4]);
        return 1;
    }
    std::fclose(out);

    std::printf("generated:");
    llama_token next = greedy(logits, n_vocab);
    for (int i = 0; i < n_predict; ++i) {
        std::printf(" %d", next);
        if (llama_vocab_is_eog(vocab, next) || i + 1 == n_predict) break;
        if (llama_decode(ctx, llama_batch_get_one(&next, 1)) != 0) {
            std::fprintf(stderr, "decode failed\n");
            return 1;
        }
        next = greedy(llama_get_logits_ith(ctx, -1), n_vocab);
    }
    std::printf("\n");
    llama_free(ctx);
    llama_model_free(model);
    return 0;
}
