// VulkanBackend through the op boundary (backend/backend.h): ops against the CPU backend,
// weights uploaded once, no device allocation per decode step, the per-op CPU fallback, and
// the KV cache kept on the device between steps.
#include <QTest>
#include <cmath>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/kernels.h"
#include "backend/vulkan/context.h"
#include "backend/vulkan/vulkan_backend.h"
#include "core/error.h"
#include "quant_rows.h"
#include "vulkan_test_util.h"

using namespace hearth;
using hearth::vulkan::VulkanBackend;

class TestVulkanBackend : public QObject {
    Q_OBJECT

    std::unique_ptr<VulkanBackend> make(cpu::CpuBackend& cpu) {
        try {
            return VulkanBackend::create(cpu);
        } catch (const std::exception& e) {
            qWarning("no Vulkan device: %s", e.what());
            return nullptr;
        }
    }

private slots:
    void matmulCachesWeightsAndAllocatesOnce() {
        cpu::CpuBackend cpu(1);
        auto gpu = make(cpu);
        QVERIFY2(gpu, "no Vulkan device found; the backend must be tested on lavapipe or a GPU");
        std::mt19937 rng(11);
        const int64_t k = 32 * 13, rows = 127;
        const auto bytes = vulkan_test::random_weights(rng, GgmlType::Q4_0, rows, k);
        const WeightTensor w{GgmlType::Q4_0, k, rows, bytes.data(),
                             cpu::row_size(GgmlType::Q4_0, k)};
        std::vector<float> y_gpu(static_cast<size_t>(rows)), y_cpu(static_cast<size_t>(rows));
        uint64_t used_after_first = 0;
        std::vector<float> x(static_cast<size_t>(k));  // one buffer, as a session's scratch
        for (int step = 0; step < 4; ++step) {
            const auto fresh = vulkan_test::random_floats(rng, size_t(k));
            std::copy(fresh.begin(), fresh.end(), x.begin());
            gpu->host_wrote({x.data(), 1, k});
            gpu->matmul(w, {x.data(), 1, k}, {y_gpu.data(), 1, rows});
            gpu->read_back({y_gpu.data(), 1, rows});
            cpu.matmul(w, {x.data(), 1, k}, {y_cpu.data(), 1, rows});
            // The CPU quantizes x to Q8_0 first (as ggml does); the shader does not.
            VK_COMPARE_CLOSE(y_gpu, y_cpu, 0.05, 0.02);
            if (step == 0) used_after_first = gpu->context().memory().used_bytes();
        }
        QCOMPARE(gpu->context().memory().used_bytes(), used_after_first);
        QCOMPARE(gpu->fallback_calls(), uint64_t(0));
    }

    void unsupportedTypeFallsBackToCpu() {
        cpu::CpuBackend cpu(1);
        auto gpu = make(cpu);
        QVERIFY2(gpu, "no Vulkan device found");
        QVERIFY(!gpu->supports(Op::matmul, GgmlType::Q3_K));
        QVERIFY(gpu->supports(Op::matmul, GgmlType::Q6_K));
        QVERIFY(!gpu->supports(Op::attention, GgmlType::Q8_0));
        // Q3_K: random bytes are valid Q3_K blocks once the one half scale is sane.
        std::mt19937 rng(12);
        const int64_t k = 256, rows = 7;
        std::vector<uint8_t> bytes(size_t(rows) * cpu::row_size(GgmlType::Q3_K, k));
        for (auto& b : bytes)
            b = uint8_t(rng());
        for (int64_t r = 0; r < rows; ++r) {
            const uint16_t d = cpu::fp32_to_fp16(0.01f);
            std::memcpy(bytes.data() + size_t(r) * 110 + 108, &d, 2);
        }
        const WeightTensor w{GgmlType::Q3_K, k, rows, bytes.data(), 110};
        auto x = vulkan_test::random_floats(rng, size_t(k));
        std::vector<float> y_gpu(static_cast<size_t>(rows)), y_cpu(static_cast<size_t>(rows));
        gpu->matmul(w, {x.data(), 1, k}, {y_gpu.data(), 1, rows});
        gpu->read_back({y_gpu.data(), 1, rows});
        cpu.matmul(w, {x.data(), 1, k}, {y_cpu.data(), 1, rows});
        QCOMPARE(y_gpu, y_cpu);  // computed by the same CPU code
        QCOMPARE(gpu->fallback_calls(), uint64_t(1));
    }

    void kvStoreAndAttentionMatchCpu() {
        cpu::CpuBackend cpu(1);
        auto gpu = make(cpu);
        QVERIFY2(gpu, "no Vulkan device found");
        std::mt19937 rng(13);
        const int cells = 32, head_dim = 8, n_kv = 4, n_heads = 8;
        const int64_t cols = int64_t(n_kv) * head_dim;
        const size_t row_bytes = size_t(cols) * 2;
        std::vector<uint8_t> kh(row_bytes * cells), vh(kh.size()), kc(kh.size()), vc(kh.size());
        KvLayerView gpu_view{GgmlType::F16, kh.data(), vh.data(), row_bytes, row_bytes, cells};
        KvLayerView cpu_view{GgmlType::F16, kc.data(), vc.data(), row_bytes, row_bytes, cells};
        AttentionParams p{n_heads, n_kv, head_dim, head_dim, 0, 0, 1.0f / std::sqrt(8.0f), 0};
        int pos = 0;
        for (int tokens : {3, 1, 1, 17, 1}) {
            auto k = vulkan_test::random_floats(rng, size_t(tokens * cols));
            auto v = vulkan_test::random_floats(rng, size_t(tokens * cols));
            auto q = vulkan_test::random_floats(rng, size_t(tokens * n_heads * head_dim));
            const int64_t qcols = int64_t(n_heads) * head_dim;
            gpu->host_wrote({k.data(), tokens, cols});
            gpu->host_wrote({v.data(), tokens, cols});
            gpu->host_wrote({q.data(), tokens, qcols});
            gpu->kv_store(gpu_view, pos, {k.data(), tokens, cols}, {v.data(), tokens, cols});
            cpu.kv_store(cpu_view, pos, {k.data(), tokens, cols}, {v.data(), tokens, cols});
            p.pos0 = pos;
            std::vector<float> out_gpu(q.size()), out_cpu(q.size());
            gpu->attention(p, {q.data(), tokens, qcols}, gpu_view, {out_gpu.data(), tokens, qcols});
            gpu->read_back({out_gpu.data(), tokens, qcols});
            cpu.attention(p, {q.data(), tokens, qcols}, cpu_view, {out_cpu.data(), tokens, qcols});
            VK_COMPARE_CLOSE(out_gpu, out_cpu, 1e-2, 1e-2);
            pos += tokens;
        }
    }

    void elementwiseOpsMatchCpu() {
        cpu::CpuBackend cpu(1);
        auto gpu = make(cpu);
        QVERIFY2(gpu, "no Vulkan device found");
        std::mt19937 rng(14);
        const int64_t rows = 7, cols = 32 * 13;
        const auto a = vulkan_test::random_floats(rng, size_t(rows * cols), 3.0f);
        const auto b = vulkan_test::random_floats(rng, size_t(rows * cols));
        const auto w = vulkan_test::random_floats(rng, size_t(cols));
        std::vector<float> bb = b;
        auto run = [&](auto&& op) {
            std::vector<float> x_gpu = a, x_cpu = a, y_gpu(a.size()), y_cpu(a.size());
            // Fresh host buffers (possibly where earlier ones were): the backend is told.
            gpu->host_wrote({x_gpu.data(), rows, cols});
            gpu->host_wrote({y_gpu.data(), rows, cols});
            gpu->host_wrote({bb.data(), rows, cols});
            op(static_cast<Backend&>(*gpu), Rows{x_gpu.data(), rows, cols},
               Rows{y_gpu.data(), rows, cols});
            gpu->read_back({x_gpu.data(), rows, cols});
            gpu->read_back({y_gpu.data(), rows, cols});
            op(static_cast<Backend&>(cpu), Rows{x_cpu.data(), rows, cols},
               Rows{y_cpu.data(), rows, cols});
            VK_COMPARE_CLOSE(x_gpu, x_cpu, 1e-5, 1e-5);
            VK_COMPARE_CLOSE(y_gpu, y_cpu, 1e-5, 1e-5);
        };
        run([&](Backend& be, Rows x, Rows y) { be.rms_norm(x, {w.data(), cols}, 1e-5f, y); });
        run([&](Backend& be, Rows x, Rows y) { be.add(x, {bb.data(), rows, cols}, y); });
        run([&](Backend& be, Rows x, Rows) { be.scale(x, 0.3f); });
        run([&](Backend& be, Rows x, Rows) { be.softcap(x, 2.0f); });
        run([&](Backend& be, Rows x, Rows) { be.add_rows(x, {w.data(), cols}); });
        run([&](Backend& be, Rows x, Rows) { be.silu_gate(x, {bb.data(), rows, cols}); });
        run([&](Backend& be, Rows x, Rows) {
            be.rope(x, 4, cols / 4, 3, RopeParams{RopeLayout::neox, 32, 10000.0f, 1.0f});
        });
        QCOMPARE(gpu->fallback_calls(), uint64_t(0));
    }
};

QTEST_GUILESS_MAIN(TestVulkanBackend)
#include "test_vulkan_backend.moc"
