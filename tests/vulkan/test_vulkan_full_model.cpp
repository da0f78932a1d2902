// Full models on the Vulkan device (lavapipe in CI) against the CPU backend: a prompt, then
// 32 greedy tokens (SmolLM2 and Gemma 3 from the model cache, stories260K from tests/data). Every
// step's logits must be close and the argmax equal wherever the CPU's best two logits are further
// apart than that tolerance; with exact_tokens the GPU follows its own tokens, which must be the
// CPU's, else it is fed the CPU's (teacher forcing).
#include <QFile>
#include <QTest>
#include <algorithm>

#include "backend/cpu/cpu_features.h"

#include "backend/cpu/cpu_backend.h"
#include "backend/vulkan/vulkan_backend.h"
#include "greedy_forward.h"
#include "runtime/engine.h"
#include "runtime/kv_cache.h"
#include "runtime/model_impl.h"
#include "tokenizer/tokenizer.h"
#include "vulkan_test_util.h"

using namespace hearth;

using vulkan_test::distinct_tokens;
using vulkan_test::greedy_forward;
using Run = vulkan_test::GreedyRun;

namespace {

float top_two_gap(const std::vector<float>& v) {
    float first = -1e30f, second = -1e30f;
    for (float x : v) {
        if (x > first) {
            second = first;
            first = x;
        } else if (x > second) {
            second = x;
        }
    }
    return first - second;
}

// exact_logits: every step's logits must be the CPU's to the bit (where the shaders
// reproduce the CPU's arithmetic: see exact_shaders()).
void compareOnBothBackends(const std::string& path, const std::string& prompt_text,
                           bool exact_tokens, bool exact_logits = false) {
    QVERIFY2(!path.empty(), "model missing");
    LoadOptions load;
    load.device = "cpu";  // the weights are driven directly below
    auto model = Model::load(path, load);
    const ModelWeights& weights = *model->impl().weights;
    std::vector<int32_t> prompt = model->tokenizer().encode(prompt_text, false, false);
    if (model->tokenizer().add_bos()) prompt.insert(prompt.begin(), model->tokenizer().bos());
    QVERIFY(prompt.size() >= 3);
    qInfo("%zu prompt tokens", prompt.size());

    cpu::CpuBackend cpu(2);
    std::unique_ptr<vulkan::VulkanBackend> gpu;
    try {
        gpu = vulkan::VulkanBackend::create(cpu);
    } catch (const std::exception& e) {
        QFAIL(qPrintable(QString("no Vulkan device: ") + e.what()));
    }
    const int steps = 32;
    const Run want = greedy_forward(weights, cpu, prompt, steps);
    const Run got = greedy_forward(weights, *gpu, prompt, steps,
                                   exact_tokens ? std::vector<int32_t>{} : want.tokens);
    if (exact_tokens) QCOMPARE(got.tokens, want.tokens);
    QVERIFY2(distinct_tokens(want.tokens) >= 8, "greedy output is degenerate");
    for (int s = 0; s < steps; ++s) {
        const auto& w = want.logits[size_t(s)];
        const float range =
            *std::max_element(w.begin(), w.end()) - *std::min_element(w.begin(), w.end());
        if (exact_logits) {
            QVERIFY2(got.logits[size_t(s)] == w,
                     qPrintable(QString("step %1: logits differ from the CPU's").arg(s)));
        }
        VK_COMPARE_CLOSE(got.logits[size_t(s)], w, 0.01 * range, 0);
        if (top_two_gap(w) > 0.01f * range) {
            QVERIFY2(got.tokens[size_t(s)] == want.tokens[size_t(s)],
                     qPrintable(QString("step %1: argmax differs with a clear margin").arg(s)));
        }
    }
    // Only the shaders computed: no op of these models went to the CPU.
    QCOMPARE(gpu->fallback_calls(), uint64_t(0));
}

// A model from the model cache (hearth models pull); empty after a QFAIL-style message.
std::string cached_model(const char* file) {
    const QString dir = qEnvironmentVariable("HEARTH_TEST_MODELS_DIR", HEARTH_MODELS_DIR);
    const QString path = dir + "/" + file;
    if (!QFile::exists(path)) {
        qWarning("no %s: run hearth models pull (the model tests need it)", qPrintable(path));
        return {};
    }
    return path.toStdString();
}

// Whether the shaders reproduce the CPU's arithmetic here: the CPU kernels at the AVX-512
// level (the order the shaders follow) and a device with float64 (the exact variants).
bool exact_shaders() {
    std::unique_ptr<vulkan::VulkanContext> ctx = vulkan_test::make_context();
    return ctx && ctx->info().float64 && cpu::active_simd_level() == cpu::SimdLevel::avx512;
}

}  // namespace

class TestVulkanFullModel : public QObject {
    Q_OBJECT

private slots:
    // SmolLM2 (Q4_1 matmuls, whose activations are quantized to int8: a last-bit difference
    // upstream can flip a rounding step, so token equality needs every op exact). Where the
    // shaders reproduce the CPU's arithmetic (the CPU kernels at the AVX-512 level whose
    // order they follow, a device with float64) the logits must be the CPU's to the bit,
    // for a prompt under and one over the CPU attention's tiled threshold of 64 rows; the 32
    // greedy tokens must be the CPU's in any case.
    void smollm2_data() {
        QTest::addColumn<QString>("prompt");
        QTest::newRow("short") << QStringLiteral(
            "<|im_start|>user\nWrite a short story about a fox.<|im_end|>\n"
            "<|im_start|>assistant\n");
        // Over 64 tokens: the prefill takes the CPU attention's tiled kernel.
        QTest::newRow("long") << QStringLiteral(
            "<|im_start|>system\nYou are a careful assistant. Answer in plain words, keep "
            "every sentence short, and say so when you are not sure of a fact.<|im_end|>\n"
            "<|im_start|>user\nMy garden has tomatoes, beans and a small apple tree. The "
            "leaves of the tomatoes turn yellow from the bottom up. What could cause that, "
            "and what should I check first?<|im_end|>\n<|im_start|>assistant\n");
    }
    void smollm2() {
        QFETCH(QString, prompt);
        compareOnBothBackends(cached_model("smollm2-135m-instruct-q4_1.gguf"), prompt.toStdString(),
                              true, exact_shaders());
    }
    // Gemma 3 (Q4_K/Q6_K/Q8_0 weights, GELU, QK norm, sliding-window layers, a 262144-token
    // embedding larger than one lavapipe binding): the same, on the CPU's tokens.
    void gemma3() {
        compareOnBothBackends(cached_model("gemma3-270m-it-q4_k_m.gguf"),
                              "<start_of_turn>user\nWrite a short story about a fox.<end_of_turn>\n"
                              "<start_of_turn>model\n",
                              true, exact_shaders());
    }
    void stories260k() {
        compareOnBothBackends(std::string(HEARTH_TEST_DATA_DIR) + "/models/stories260K.gguf",
                              "Once upon a time, a little", true);
    }
};

QTEST_GUILESS_MAIN(TestVulkanFullModel)
#include "test_vulkan_full_model.moc"
