// Session on the tiny stories260K model (llama arch, F32): greedy generation, KV-cache
// prefix reuse, stop strings across token boundaries, cancellation, context limits, stats.
#include <QtTest>
#include <atomic>

#include "core/error.h"
#include "runtime/engine.h"
#include "tokenizer/tokenizer.h"

using namespace hearth;

namespace {

const char* kModel = HEARTH_TEST_DATA_DIR "/models/stories260K.gguf";

GenerationRequest raw_greedy(const std::string& prompt, int max_tokens) {
    GenerationRequest r;
    r.raw = true;
    r.prompt = prompt;
    r.sampling.temperature = 0.0f;
    r.max_tokens = max_tokens;
    return r;
}

struct Collected {
    std::string text;
    std::vector<std::string> pieces;
    Session::PieceCallback callback() {
        return [this](std::string_view piece) {
            pieces.emplace_back(piece);
            text += piece;
        };
    }
};

}  // namespace

class SessionTest : public QObject {
    Q_OBJECT

    std::shared_ptr<Model> model_;

private slots:
    void initTestCase() {
        if (!QFileInfo::exists(kModel)) QFAIL("tests/data/models/stories260K.gguf is missing");
        LoadOptions options;
        options.n_threads = 2;
        // The session's semantics on the CPU backend; "auto" would probe Vulkan, and Mesa's
        // driver, unloaded again by the loader, leaves memory LeakSanitizer cannot attribute
        // (see tests/vulkan/vulkan_test_util.h). The Vulkan sessions have their own tests.
        options.device = "cpu";
        model_ = Model::load(kModel, options);
        QCOMPARE(model_->info().architecture, std::string("llama"));
        QCOMPARE(model_->info().n_layers, 5);
        QCOMPARE(model_->info().n_vocab, 512);
    }

    void greedyContinuesTheStory() {
        Session session(model_, {.n_ctx = 256});
        Collected out;
        const GenerationStats stats =
            session.generate(raw_greedy("Once upon a time", 20), out.callback());
        // llama.cpp's greedy continuation (tests/data/models/README.md).
        QVERIFY2(out.text.starts_with(", there was a little girl named Lily."), out.text.c_str());
        QCOMPARE(stats.finish, FinishReason::length);
        QCOMPARE(stats.completion_tokens, 20);
        QCOMPARE(stats.prompt_tokens, 5);  // BOS + 4
        QCOMPARE(stats.cached_tokens, 0);
        QVERIFY(stats.time_to_first_token_ms > 0);
        QVERIFY(stats.tokens_per_s > 0);
    }

    void secondTurnReusesThePrefix() {
        Session session(model_, {.n_ctx = 256});
        Collected first;
        session.generate(raw_greedy("Once upon a time", 8), first.callback());
        const int in_cache = session.tokens_in_cache();
        QVERIFY(in_cache >= 5);

        Collected second;
        const GenerationStats stats = session.generate(
            raw_greedy("Once upon a time" + first.text + " She", 8), second.callback());
        QVERIFY2(stats.cached_tokens > 5, qPrintable(QString::number(stats.cached_tokens)));
        QVERIFY(stats.cached_tokens < stats.prompt_tokens);

        // The reused cache gives the same logits as a fresh session on the same tokens.
        std::vector<int32_t> tokens =
            model_->tokenizer().encode("Once upon a time, there was", true, false);
        const std::vector<float> reused = session.eval_logits(tokens);
        Session fresh(model_, {.n_ctx = 256});
        QCOMPARE(fresh.eval_logits(tokens), reused);
    }

    void stopStringAcrossTokensIsNeverEmitted() {
        Session session(model_, {.n_ctx = 256});
        Collected full;
        session.generate(raw_greedy("Once upon a time", 24), full.callback());
        const std::string stop = "girl named";
        const size_t at = full.text.find(stop);
        QVERIFY(at != std::string::npos);
        // The stop string spans several tokens of this 512-token vocabulary.
        QVERIFY(model_->tokenizer().encode(stop, false, false).size() > 1);

        GenerationRequest request = raw_greedy("Once upon a time", 24);
        request.stop = {stop};
        Collected cut;
        const GenerationStats stats = session.generate(request, cut.callback());
        QCOMPARE(stats.finish, FinishReason::stop);
        QCOMPARE(cut.text, full.text.substr(0, at));
        for (const auto& piece : cut.pieces)
            QVERIFY(piece.find("gir") == std::string::npos);
    }

    void cancellationStopsBetweenTokens() {
        Session session(model_, {.n_ctx = 256});
        std::atomic<bool> cancel{false};
        int pieces = 0;
        const GenerationStats stats = session.generate(
            raw_greedy("Once upon a time", 100),
            [&](std::string_view) {
                if (++pieces == 3) cancel = true;
            },
            &cancel);
        QCOMPARE(stats.finish, FinishReason::cancelled);
        QVERIFY(stats.completion_tokens >= 3 && stats.completion_tokens <= 4);

        // Already cancelled before the first token: nothing is generated.
        const GenerationStats none =
            session.generate(raw_greedy("Once upon a time", 10), nullptr, &cancel);
        QCOMPARE(none.finish, FinishReason::cancelled);
        QCOMPARE(none.completion_tokens, 0);
    }

    void promptLongerThanTheContextThrows() {
        Session session(model_, {.n_ctx = 8});
        try {
            session.generate(raw_greedy("Once upon a time there was a little dog", 4), nullptr);
            QFAIL("no error for a prompt that does not fit");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::context_full);
            QVERIFY(std::string(e.what()).find("context window of 8 tokens") != std::string::npos);
        }
    }

    void generationStopsAtTheEndOfTheContext() {
        Session session(model_, {.n_ctx = 16});
        const GenerationStats stats =
            session.generate(raw_greedy("Once upon a time", 100), nullptr);
        QCOMPARE(stats.finish, FinishReason::context);
        QCOMPARE(session.tokens_in_cache(), 16);
        QCOMPARE(stats.completion_tokens, 12);  // 16 cells - 5 prompt tokens + the last one
    }

    void badSamplingParametersThrow() {
        Session session(model_, {.n_ctx = 64});
        GenerationRequest r = raw_greedy("Once", 4);
        r.sampling.temperature = -1.0f;
        QVERIFY_THROWS_EXCEPTION(Error, session.generate(r, nullptr));
    }

    void seededSamplingIsDeterministic() {
        GenerationRequest r = raw_greedy("Once upon a time", 24);
        r.sampling = SamplingParams{};
        r.sampling.temperature = 1.0f;
        r.sampling.seed = 42;
        Session a(model_, {.n_ctx = 128});
        Session b(model_, {.n_ctx = 128});
        Collected x, y;
        a.generate(r, x.callback());
        b.generate(r, y.callback());
        QCOMPARE(x.text, y.text);
        QVERIFY(!x.text.empty());
    }

    void chatTemplateFallsBackToChatML() {
        QVERIFY(!model_->info().has_chat_template);
        const std::string text = model_->apply_chat_template({{"user", "hi"}}, true);
        QCOMPARE(text, std::string("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"));
    }

    void unknownArchitectureIsReported() {
        try {
            Model::load(HEARTH_TEST_DATA_DIR "/models/does-not-exist.gguf");
            QFAIL("loaded a missing file");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::io);
        }
    }

    void loadingCanBeCancelled() {
        LoadOptions options;
        options.device = "cpu";
        options.progress = [](float fraction) { return fraction < 0.5f; };
        try {
            Model::load(kModel, options);
            QFAIL("loading was not cancelled");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::cancelled);
        }
    }
};

QTEST_GUILESS_MAIN(SessionTest)
#include "test_session.moc"
