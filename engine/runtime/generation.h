#pragma once
// Value types that cross the engine's public API: what to generate, how to sample, what
// happened. Plain structs, copyable, so the app can queue them between threads.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace hearth {

struct SamplingParams {
    float temperature = 0.8f;     // 0 = greedy
    int top_k = 40;               // <= 0 disables
    float top_p = 0.95f;          // 1 disables
    float min_p = 0.05f;          // 0 disables
    float typical_p = 1.0f;       // 1 disables
    float repeat_penalty = 1.0f;  // 1 disables; applied over the last repeat_last_n tokens
    int repeat_last_n = 64;
    float frequency_penalty = 0.0f;
    float presence_penalty = 0.0f;
    uint64_t seed = 0xFFFFFFFF;                         // 0xFFFFFFFF = random seed
    std::vector<std::pair<int32_t, float>> logit_bias;  // token id -> added logit

    // Throws Error(invalid_argument) naming the first bad field.
    void validate() const;
};

struct ChatMessage {
    std::string role;  // "system" | "user" | "assistant" | "tool"
    std::string content;
};

struct GenerationRequest {
    std::vector<ChatMessage> messages;  // rendered with the model's chat template
    bool raw = false;                   // true: use `prompt` verbatim (BOS per the vocab)
    std::string prompt;
    SamplingParams sampling;
    int max_tokens = 512;           // <= 0: until end of generation or context
    std::vector<std::string> stop;  // stop strings; never emitted to the callback
};

enum class FinishReason {
    stop,       // end-of-generation token or stop string
    length,     // max_tokens reached
    cancelled,  // cancel flag set
    context,    // context window full and could not shift
    error,
};
const char* finish_reason_name(FinishReason reason);

struct GenerationStats {
    int prompt_tokens = 0;  // tokens in the rendered prompt
    int cached_tokens = 0;  // of those, reused from the previous turn's KV cache
    int completion_tokens = 0;
    double time_to_first_token_ms = 0;
    double prompt_ms = 0;      // prefill time for the new (uncached) tokens
    double generation_ms = 0;  // decode time after the first token
    double prompt_tokens_per_s = 0;
    double tokens_per_s = 0;  // decode tokens per second
    FinishReason finish = FinishReason::stop;
    std::string error;  // when finish == error
    // With finish == error: the reply text delivered so far is kept but incomplete (a remote
    // stream broke after text was shown), so it can be shown as interrupted and continued.
    bool interrupted = false;
};

}  // namespace hearth
