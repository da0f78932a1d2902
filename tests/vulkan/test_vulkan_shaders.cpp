// Every embedded shader module: identical to the build's .spv file, valid SPIR-V for Vulkan
// 1.2 according to spirv-val, and accepted by the device as a compute pipeline.
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>
#include <string_view>

#include "backend/vulkan/pipelines.h"
#include "backend/vulkan/spirv_modules.h"
#include "vulkan_test_util.h"

using namespace hearth::vulkan;

class TestVulkanShaders : public QObject {
    Q_OBJECT

private slots:
    void everyOpFamilyIsEmbedded() {
        for (const char* name : {"matmul_f32",
                                 "matmul_f16",
                                 "matmul_q4_0",
                                 "matmul_q4_1",
                                 "matmul_q5_0",
                                 "matmul_q8_0",
                                 "matmul_q4_k",
                                 "matmul_q6_k",
                                 "get_rows_q4_0",
                                 "rms_norm",
                                 "rope",
                                 "attention_f16",
                                 "kv_store_f16",
                                 "silu_gate",
                                 "gelu_gate",
                                 "add",
                                 "mul",
                                 "add_rows",
                                 "scale",
                                 "softcap",
                                 "matvec_q4_1",
                                 "matvec_q6_k",
                                 "matvec_q8_0_f64fma",
                                 "matmul_q4_k_f64fma_idot",
                                 "quantize_q8_1",
                                 "quantize_q8_k"}) {
            QVERIFY2(find_spirv_module(name) != nullptr, name);
        }
        QVERIFY(find_spirv_module("nope") == nullptr);
    }

    void modulesMatchBuildOutputAndValidate() {
        QVERIFY2(QFile::exists(HEARTH_SPIRV_VAL) ||
                     !QStandardPaths::findExecutable(HEARTH_SPIRV_VAL).isEmpty(),
                 "spirv-val not found (install spirv-tools)");
        for (const SpirvModule& m : spirv_modules()) {
            const QString path = QString(HEARTH_SPIRV_DIR) + "/" + m.name + ".spv";
            QFile file(path);
            QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
            const QByteArray bytes = file.readAll();
            QCOMPARE(size_t(bytes.size()), m.size);
            QVERIFY2(std::memcmp(bytes.constData(), m.bytes, m.size) == 0, m.name);

            QProcess val;
            val.start(HEARTH_SPIRV_VAL, {"--target-env", "vulkan1.2", path});
            QVERIFY2(val.waitForFinished(60000), m.name);
            QVERIFY2(val.exitStatus() == QProcess::NormalExit && val.exitCode() == 0,
                     qPrintable(QString(m.name) + ": " + val.readAllStandardError() +
                                val.readAllStandardOutput()));
        }
    }

    void bindingCountsComeFromTheModules() {
        auto count = [](const char* name) {
            const SpirvModule* m = find_spirv_module(name);
            return m ? spirv_binding_count(m->bytes, m->size) : 0u;
        };
        QCOMPARE(count("matmul_q4_k"), 3u);
        QCOMPARE(count("attention_f16"), 4u);
        QCOMPARE(count("kv_store_f32"), 4u);
        QCOMPARE(count("scale"), 1u);
        QCOMPARE(count("add_rows"), 2u);
        const unsigned char garbage[20] = {1, 2, 3};
        QVERIFY_THROWS_EXCEPTION(hearth::Error, spirv_binding_count(garbage, sizeof garbage));
    }

    void devicesAcceptEveryPipeline() {
        VK_REQUIRE_CONTEXT(ctx);
        size_t created = 0;
        for (const SpirvModule& m : spirv_modules()) {
            // *_f64* and *_exact* variants use doubles, *_idot* integer dot products: only a device
            // with the feature gets them.
            const std::string_view name(m.name);
            const bool needs_f64 =
                name.find("_f64") != name.npos || name.find("_exact") != name.npos;
            const bool needs_int_dot = name.find("_idot") != name.npos;
            if ((needs_f64 && !ctx->info().float64) ||
                (needs_int_dot && !int_dot_enabled(ctx->info())))
                continue;
            const Pipeline& p = ctx->pipeline(m.name);
            QVERIFY2(p.pipeline != VK_NULL_HANDLE, m.name);
            ++created;
        }
        QVERIFY(created > 0);
        QCOMPARE(ctx->pipelines().size(), created);
        // Cached: the same object on the second request.
        QCOMPARE(&ctx->pipeline("rope"), &ctx->pipeline("rope"));
    }
};

QTEST_GUILESS_MAIN(TestVulkanShaders)
#include "test_vulkan_shaders.moc"
