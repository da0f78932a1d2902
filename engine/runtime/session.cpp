// Session: a KV cache on a model and the generation loop over it (prompt -> prefix reuse ->
// prefill -> sample / stream / stop).
#include <algorithm>
#include <chrono>

#include "core/error.h"
#include "runtime/engine.h"
#include "runtime/evaluator.h"
#include "runtime/model_impl.h"
#include "runtime/sampler.h"
#include "runtime/stop_strings.h"
#include "tokenizer/utf8_stream.h"

namespace hearth {
namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

int default_context(const Model& model, int requested) {
    if (requested > 0) return requested;
    const int trained = model.info().context_length;
    return trained > 0 ? std::min(trained, 4096) : 4096;
}

}  // namespace

struct Session::Impl {
    Impl(std::shared_ptr<Model> m, const SessionOptions& options)
        : model(std::move(m)),
          evaluator(*model->impl().weights, model->impl().device.get(),
                    default_context(*model, options.n_ctx), options.kv_type, options.n_batch,
                    model->n_threads()) {}

    std::vector<int32_t> tokenize_request(const GenerationRequest& request) const;

    std::shared_ptr<Model> model;
    Evaluator evaluator;
};

std::vector<int32_t> Session::Impl::tokenize_request(const GenerationRequest& request) const {
    const Tokenizer& tok = model->tokenizer();
    const std::string text =
        request.raw ? request.prompt : model->apply_chat_template(request.messages, true);
    // Special-token text in the prompt (template markers, or a raw prompt's) is parsed; BOS is
    // added once, as the vocabulary asks, even when the template already wrote it.
    std::vector<int32_t> tokens = tok.encode(text, false, true);
    if (tok.add_bos() && tok.bos() >= 0 && (tokens.empty() || tokens.front() != tok.bos())) {
        tokens.insert(tokens.begin(), tok.bos());
    }
    if (tokens.empty()) {
        throw Error(ErrorCode::invalid_argument, "the prompt is empty");
    }
    return tokens;
}

Session::Session(std::shared_ptr<Model> model, const SessionOptions& options)
    : impl_(std::make_unique<Impl>(std::move(model), options)) {}
Session::~Session() = default;

int Session::context_length() const {
    return impl_->evaluator.n_ctx();
}
int Session::tokens_in_cache() const {
    return int(impl_->evaluator.tokens().size());
}
void Session::clear() {
    impl_->evaluator.clear();
}
const Model& Session::model() const {
    return *impl_->model;
}

std::vector<float> Session::eval_logits(const std::vector<int32_t>& tokens) {
    impl_->evaluator.evaluate(tokens);
    return impl_->evaluator.logits();
}

std::vector<float> Session::eval_all_logits(const std::vector<int32_t>& tokens, int first) {
    std::vector<float> logits;
    impl_->evaluator.evaluate_all(tokens, first, logits);
    return logits;
}

GenerationStats Session::generate(const GenerationRequest& request, const PieceCallback& on_piece,
                                  const std::atomic<bool>* cancel) {
    const Clock::time_point start = Clock::now();
    Evaluator& eval = impl_->evaluator;
    const Tokenizer& tok = impl_->model->tokenizer();
    Sampler sampler(request.sampling, eval.n_vocab());  // validates first

    GenerationStats stats;
    std::vector<int32_t> prompt = impl_->tokenize_request(request);
    stats.prompt_tokens = int(prompt.size());
    if (stats.prompt_tokens >= eval.n_ctx()) {
        throw Error(ErrorCode::context_full, "the prompt has " + std::to_string(prompt.size()) +
                                                 " tokens and does not fit the context window of " +
                                                 std::to_string(eval.n_ctx()) +
                                                 " tokens (at least one more is needed "
                                                 "for the reply)");
    }
    auto cancelled = [&] { return cancel && cancel->load(); };
    stats.cached_tokens = eval.evaluate(prompt, cancel);
    const Clock::time_point prefill_done = Clock::now();
    stats.prompt_ms = ms_between(start, prefill_done);
    const int evaluated = stats.prompt_tokens - stats.cached_tokens;
    stats.prompt_tokens_per_s = stats.prompt_ms > 0 ? evaluated * 1000.0 / stats.prompt_ms : 0;
    if (cancelled()) {
        // The cache may hold a partial prompt; the next call reuses what is valid of it.
        stats.finish = FinishReason::cancelled;
        return stats;
    }

    std::vector<int32_t> history = prompt;
    Utf8StreamDecoder utf8;
    StopStringFilter stops(request.stop);
    auto emit = [&](const std::string& text) {
        if (!text.empty() && on_piece) on_piece(text);
    };
    Clock::time_point first_token{};
    stats.finish = FinishReason::length;
    while (true) {
        if (cancelled()) {
            stats.finish = FinishReason::cancelled;
            break;
        }
        const int32_t token = sampler.sample(eval.logits().data(), history);
        if (stats.completion_tokens == 0) {
            first_token = Clock::now();
            stats.time_to_first_token_ms = ms_between(start, first_token);
        }
        if (tok.is_eog(token)) {
            stats.finish = FinishReason::stop;
            break;
        }
        ++stats.completion_tokens;
        history.push_back(token);
        emit(stops.push(utf8.push(tok.token_to_piece(token, false))));
        if (stops.stopped()) {
            stats.finish = FinishReason::stop;
            break;
        }
        if (request.max_tokens > 0 && stats.completion_tokens >= request.max_tokens) {
            stats.finish = FinishReason::length;
            break;
        }
        if (eval.tokens().size() >= size_t(eval.n_ctx())) {
            stats.finish = FinishReason::context;
            break;
        }
        eval.append(token);
    }
    if (!stops.stopped()) emit(stops.push(utf8.flush()));
    emit(stops.flush());

    const Clock::time_point end = Clock::now();
    if (stats.completion_tokens > 0) {
        stats.generation_ms = ms_between(first_token, end);
        if (stats.completion_tokens > 1 && stats.generation_ms > 0) {
            stats.tokens_per_s = (stats.completion_tokens - 1) * 1000.0 / stats.generation_ms;
        }
    }
    return stats;
}

}  // namespace hearth
