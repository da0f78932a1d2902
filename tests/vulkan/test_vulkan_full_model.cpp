// Full models on the Vulkan device (lavapipe in CI) against the CPU backend: a prompt, then
// 32 greedy tokens, on stories260K (llama, F32) and SmolLM2-135M-Instruct (Q4_1). The tokens must
// be identical and every step's logits close: the CPU converts activations to the weights' vec-dot
// types as ggml does, the shaders stay in F32, so the logits differ in the third decimal and never
// in the argmax.
#include <QTest>
#include <algorithm>

#include "backend/cpu/cpu_backend.h"
#include "backend/vulkan/vulkan_backend.h"
#include "runtime/engine.h"
#include "runtime/kv_cache.h"
#include "runtime/model_impl.h"
#include "tokenizer/tokenizer.h"
#include "vulkan_test_util.h"

using namespace hearth;

namespace {

struct Run {
    std::vector<int32_t> tokens;
    std::vector<std::vector<float>> logits;
};

Run greedy(const ModelWeights& model, Backend& backend, const std::vector<int32_t>& prompt,
           int steps) {
    const auto& hp = model.hparams();
    KvCache cache(hp, 256, KvCacheType::f16);
    Scratch scratch;
    std::vector<float> logits(size_t(hp.n_vocab));
    Run run;
    std::vector<int32_t> batch = prompt;
    int pos = 0;
    for (int step = 0; step < steps; ++step) {
        ForwardBatch fb;
        fb.tokens = batch.data();
        fb.n_tokens = int(batch.size());
        fb.pos0 = pos;
        model.forward(backend, cache.layers(), fb, scratch, logits.data());
        pos += int(batch.size());
        const int32_t next =
            int32_t(std::max_element(logits.begin(), logits.end()) - logits.begin());
        run.tokens.push_back(next);
        run.logits.push_back(logits);
        batch = {next};
    }
    return run;
}

void compareOnBothBackends(const std::string& path, const std::string& prompt_text) {
    LoadOptions load;
    load.device = "cpu";  // the weights are driven directly below
    auto model = Model::load(path, load);
    const ModelWeights& weights = *model->impl().weights;
    std::vector<int32_t> prompt = model->tokenizer().encode(prompt_text, false, false);
    if (model->tokenizer().add_bos()) prompt.insert(prompt.begin(), model->tokenizer().bos());
    QVERIFY(prompt.size() >= 3);

    cpu::CpuBackend cpu(2);
    std::unique_ptr<vulkan::VulkanBackend> gpu;
    try {
        gpu = vulkan::VulkanBackend::create(cpu);
    } catch (const std::exception& e) {
        QFAIL(qPrintable(QString("no Vulkan device: ") + e.what()));
    }
    const int steps = 32;
    const Run want = greedy(weights, cpu, prompt, steps);
    const Run got = greedy(weights, *gpu, prompt, steps);
    QCOMPARE(got.tokens, want.tokens);
    std::vector<int32_t> distinct = want.tokens;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    QVERIFY2(distinct.size() >= 8, "greedy output is degenerate");
    for (int s = 0; s < steps; ++s) {
        const auto& w = want.logits[size_t(s)];
        const float range =
            *std::max_element(w.begin(), w.end()) - *std::min_element(w.begin(), w.end());
        VK_COMPARE_CLOSE(got.logits[size_t(s)], w, 0.01 * range, 0);
    }
    // Only the shaders computed: no op of these models went to the CPU.
    QCOMPARE(gpu->fallback_calls(), uint64_t(0));
}

}  // namespace

class TestVulkanFullModel : public QObject {
    Q_OBJECT

private slots:
    void stories260k() {
        compareOnBothBackends(std::string(HEARTH_TEST_DATA_DIR) + "/models/stories260K.gguf",
                              "Once upon a time, a little");
    }
    void smollm2() {
        compareOnBothBackends(
            std::string(HEARTH_MODELS_DIR) + "/smollm2-135m-instruct-q4_1.gguf",
            "The old stone house at the edge of the village had a fireplace that");
    }
};

QTEST_GUILESS_MAIN(TestVulkanFullModel)
#include "test_vulkan_full_model.moc"
