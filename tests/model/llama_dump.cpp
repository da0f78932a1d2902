// Debugging aid for the model tests (not a test): runs llama.cpp on a prompt with the same
// settings as llama_reference and writes every F32 tensor its graph computes, in evaluation
// order, so a divergence from Hearth can be traced to the first op that differs.
//
//   llama_dump MODEL PROMPT OUT_DIR [N_DECODE]
//
// OUT_DIR/NNNN_<name>.f32: ne0 ne1 ne2 ne3 as int64, then the floats (rows of ne0). The
// prompt is one batch; with N_DECODE > 0, that many greedy tokens follow one by one and their
// tensors are written too (the counter keeps running).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "ggml-backend.h"
#include "llama.h"

namespace {

struct DumpState {
    std::string dir;
    int counter = 0;
};

bool observe(ggml_tensor* t, bool ask, void* user) {
    if (ask) return t->type == GGML_TYPE_F32;
    auto* state = static_cast<DumpState*>(user);
    if (!ggml_is_contiguous(t)) return true;
    const size_t bytes = ggml_nbytes(t);
    std::vector<char> data(bytes);
    ggml_backend_tensor_get(t, data.data(), 0, bytes);
    char name[512];
    std::snprintf(name, sizeof(name), "%s/%04d_%s.f32", state->dir.c_str(), state->counter++,
                  t->name);
    for (char* c = name + state->dir.size() + 1; *c; ++c) {
        if (*c == ' ' || *c == '/' || *c == '(' || *c == ')') *c = '_';
    }
    FILE* out = std::fopen(name, "wb");
    if (!out) return true;
    const int64_t ne[4] = {t->ne[0], t->ne[1], t->ne[2], t->ne[3]};
    std::fwrite(ne, sizeof(ne), 1, out);
    std::fwrite(data.data(), 1, bytes, out);
    std::fclose(out);
    return true;
}

void quiet_log(ggml_log_level, const char*, void*) {}

int greedy(const float* logits, int n_vocab) {
    int best = 0;
    for (int i = 1; i < n_vocab; ++i) {
        if (logits[i] > logits[best]) best = i;
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s MODEL PROMPT OUT_DIR [N_DECODE]\n", argv[0]);
        return 2;
    }
    const std::string prompt = argv[2];
    const int n_decode = argc > 4 ? std::atoi(argv[4]) : 0;
    DumpState state{argv[3]};
    llama_log_set(quiet_log, nullptr);
    llama_backend_init();
    llama_model* model = llama_model_load_from_file(argv[1], llama_model_default_params());
    if (!model) {
        std::fprintf(stderr, "cannot load %s\n", argv[1]);
        return 1;
    }
    const llama_vocab* vocab = llama_model_get_vocab(model);
    llama_context_params cparams = llama_context_default_params();
    cparams.n_ctx = 512;
    cparams.n_batch = 512;
    cparams.n_ubatch = 512;
    cparams.n_threads = 2;
    cparams.n_threads_batch = 2;
    cparams.cb_eval = observe;
    cparams.cb_eval_user_data = &state;
    llama_context* ctx = llama_init_from_model(model, cparams);
    if (!ctx) return 1;
    std::vector<llama_token> tokens(prompt.size() + 16);
    const int n = llama_tokenize(vocab, prompt.data(), int32_t(prompt.size()), tokens.data(),
                                 int32_t(tokens.size()), true, true);
    if (n <= 0) return 1;
    tokens.resize(size_t(n));
    std::printf("prompt:");
    for (llama_token t : tokens)
        std::printf(" %d", t);
    std::printf("\n");
    if (llama_decode(ctx, llama_batch_get_one(tokens.data(), n)) != 0) return 1;
    const int n_vocab = llama_vocab_n_tokens(vocab);
    for (int i = 0; i < n_decode; ++i) {
        llama_token next = greedy(llama_get_logits_ith(ctx, -1), n_vocab);
        std::printf("next: %d (dump index %d)\n", next, state.counter);
        if (llama_decode(ctx, llama_batch_get_one(&next, 1)) != 0) return 1;
    }
    llama_free(ctx);
    llama_model_free(model);
    return 0;
}
