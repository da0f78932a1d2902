// Device choice and every CPU-fallback path, end to end through the engine's public API on
// stories260K: a session on Vulkan device 0 (lavapipe in CI) must produce the CPU's greedy
// text token for token, and a session whose device fails (no loader, no driver, a model too
// large, out of device memory, a pipeline that does not compile, a device lost mid-reply)
// must still produce exactly that text, on the CPU, with the reason in Model::device().
#include <QTest>
#include <cstdlib>
#include <string>

#include "runtime/engine.h"
#include "vulkan_test_util.h"

using namespace hearth;

namespace {

const std::string kModel = std::string(HEARTH_TEST_DATA_DIR) + "/models/stories260K.gguf";

struct Outcome {
    std::string text;
    DeviceStatus before;  // after load
    DeviceStatus after;   // after generating
};

// Greedy 32 tokens of a raw prompt on `device`.
Outcome generate(const std::string& device) {
    LoadOptions load;
    load.n_threads = 1;
    load.device = device;
    auto model = Model::load(kModel, load);
    Outcome out;
    out.before = model->device();
    Session session(model, SessionOptions{.n_ctx = 128});
    GenerationRequest request;
    request.raw = true;
    request.prompt = "Once upon a time";
    request.max_tokens = 32;
    request.sampling.temperature = 0;
    session.generate(request, [&](std::string_view piece) { out.text += piece; });
    out.after = model->device();
    return out;
}

// Sets an environment variable for one scope.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old, had_ = true;
        setenv(name, value, 1);
    }
    ~ScopedEnv() {
        if (had_)
            setenv(name_, old_.c_str(), 1);
        else
            unsetenv(name_);
    }

private:
    const char* name_;
    std::string old_;
    bool had_ = false;
};

}  // namespace

class TestVulkanFallback : public QObject {
    Q_OBJECT
    std::string cpu_text_;

private slots:
    void initTestCase() {
        unsetenv("HEARTH_DEVICE");
        unsetenv("HEARTH_VULKAN_FAULT");
        unsetenv("HEARTH_VULKAN_LOADER");
        const Outcome cpu = generate("cpu");
        QCOMPARE(cpu.before.backend, std::string("cpu"));
        QVERIFY(cpu.before.fallback.empty());  // asked for, not fallen back to
        QVERIFY(cpu.text.size() > 40);
        cpu_text_ = cpu.text;
    }

    void deviceZeroMatchesCpu() {
        const Outcome gpu = generate("0");
        QVERIFY2(gpu.before.backend == "vulkan",
                 ("device 0 was not used: " + gpu.before.fallback).c_str());
        QCOMPARE(gpu.after.backend, std::string("vulkan"));
        QCOMPARE(gpu.text, cpu_text_);
    }

    void environmentChoosesTheDevice() {
        ScopedEnv env("HEARTH_DEVICE", "0");
        QCOMPARE(generate("").before.backend, std::string("vulkan"));
        ScopedEnv cpu("HEARTH_DEVICE", "cpu");
        QCOMPARE(generate("").before.backend, std::string("cpu"));
    }

    void badDeviceValueIsAnError() { QVERIFY_THROWS_EXCEPTION(Error, generate("gpu")); }

    void deviceOutOfRangeFallsBack() {
        const Outcome out = generate("99");
        QCOMPARE(out.before.backend, std::string("cpu"));
        QVERIFY2(out.before.fallback.find("99") != std::string::npos, out.before.fallback.c_str());
        QCOMPARE(out.text, cpu_text_);
    }

    void missingDriverFallsBack() {
        // The loader finds no driver: as on a machine without any Vulkan driver installed.
        ScopedEnv icd("VK_ICD_FILENAMES", "/nonexistent/icd.json");
        ScopedEnv driver("VK_DRIVER_FILES", "/nonexistent/icd.json");
        const Outcome out = generate("0");
        QCOMPARE(out.before.backend, std::string("cpu"));
        QVERIFY(!out.before.fallback.empty());
        QCOMPARE(out.text, cpu_text_);
    }

    void missingLoaderFallsBack() {
        // As on a machine without libvulkan1: the loader is opened at run time, not linked.
        ScopedEnv loader("HEARTH_VULKAN_LOADER", "/nonexistent/libvulkan.so.1");
        const Outcome out = generate("0");
        QCOMPARE(out.before.backend, std::string("cpu"));
        QVERIFY2(out.before.fallback.find("no Vulkan loader") != std::string::npos,
                 out.before.fallback.c_str());
        QCOMPARE(out.text, cpu_text_);
    }

    void modelTooLargeForTheDeviceFallsBack() {
        ScopedEnv fault("HEARTH_VULKAN_FAULT", "small-memory");
        const Outcome out = generate("0");
        QCOMPARE(out.before.backend, std::string("cpu"));
        QVERIFY2(out.before.fallback.find("MiB of device memory") != std::string::npos,
                 out.before.fallback.c_str());
        QCOMPARE(out.text, cpu_text_);
    }

    void outOfDeviceMemoryFallsBack() {
        ScopedEnv fault("HEARTH_VULKAN_FAULT", "out-of-memory");
        const Outcome out = generate("0");
        QCOMPARE(out.before.backend, std::string("cpu"));
        QVERIFY2(out.before.fallback.find("OUT_OF_DEVICE_MEMORY") != std::string::npos,
                 out.before.fallback.c_str());
        QCOMPARE(out.text, cpu_text_);
    }

    void pipelineFailureFallsBackMidSession() {
        // Pipelines are built on first use: the first forward pass fails, the session goes on.
        ScopedEnv fault("HEARTH_VULKAN_FAULT", "pipeline");
        const Outcome out = generate("0");
        QCOMPARE(out.before.backend, std::string("vulkan"));
        QCOMPARE(out.after.backend, std::string("cpu"));
        QVERIFY2(out.after.fallback.find("vkCreateComputePipelines") != std::string::npos,
                 out.after.fallback.c_str());
        QCOMPARE(out.text, cpu_text_);
    }

    void deviceLostMidReplyFallsBack() {
        // The prompt and a few tokens run on the device, then every submission fails: the
        // cache is recomputed on the CPU and the reply goes on unchanged.
        ScopedEnv fault("HEARTH_VULKAN_FAULT", "device-lost:40");
        const Outcome out = generate("0");
        QCOMPARE(out.before.backend, std::string("vulkan"));
        QCOMPARE(out.after.backend, std::string("cpu"));
        QVERIFY2(out.after.fallback.find("DEVICE_LOST") != std::string::npos,
                 out.after.fallback.c_str());
        QCOMPARE(out.text, cpu_text_);
    }
};

QTEST_GUILESS_MAIN(TestVulkanFallback)
#include "test_vulkan_fallback.moc"
