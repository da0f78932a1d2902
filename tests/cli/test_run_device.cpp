// `hearth run --device`: SmolLM2-135M-Instruct on Vulkan device 0 (lavapipe in CI) writes
// exactly the CPU's greedy reply, and a device that cannot be used (no driver) still gives
// that reply, from the CPU, with the reason under --verbose; so does a machine without the
// Vulkan loader.
#include <QtTest>

#include "process_runner.h"

using hearth::test::runHearth;

class RunDevice : public QObject {
    Q_OBJECT
    QTemporaryDir state_;
    QByteArray cpuReply_;

    QProcessEnvironment env() const {
        auto e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("XDG_STATE_HOME"), state_.path());
        e.insert(QStringLiteral("HEARTH_MODELS_DIR"), QStringLiteral(HEARTH_MODELS_DIR));
        e.remove(QStringLiteral("HEARTH_DEVICE"));
        e.remove(QStringLiteral("HEARTH_VULKAN_FAULT"));
        e.remove(QStringLiteral("HEARTH_VULKAN_LOADER"));
        return e;
    }
    static QStringList args(const char* device) {
        return {"run",      "-m",   "smollm2-135m-instruct",
                "--device", device, "-p",
                "Hi!",      "-n",   "32",
                "--temp",   "0",    "--verbose"};
    }

private Q_SLOTS:
    void initTestCase() {
        const auto cpu = runHearth(args("cpu"), env());
        QVERIFY2(cpu.exitCode == 0, cpu.err.constData());
        QVERIFY2(cpu.err.contains("device: CPU (cpu)"), cpu.err.constData());
        QVERIFY(cpu.out.trimmed().size() > 10);
        cpuReply_ = cpu.out;
    }

    void deviceZeroMatchesCpuTokenForToken() {
        const auto gpu = runHearth(args("0"), env(), {}, 900000);
        QVERIFY2(gpu.exitCode == 0, gpu.err.constData());
        QVERIFY2(gpu.err.contains("(vulkan)"), gpu.err.constData());
        QCOMPARE(gpu.out, cpuReply_);
    }

    void missingDriverFallsBackToCpu() {
        auto e = env();
        e.insert(QStringLiteral("VK_ICD_FILENAMES"), QStringLiteral("/nonexistent/icd.json"));
        e.insert(QStringLiteral("VK_DRIVER_FILES"), QStringLiteral("/nonexistent/icd.json"));
        const auto r = runHearth(args("0"), e);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains("fell back") && r.err.contains("driver"), r.err.constData());
        QCOMPARE(r.out, cpuReply_);
    }

    // Without libvulkan1 the binary still starts (the loader is opened at run time, not
    // linked) and the reply is the CPU's.
    void missingLoaderFallsBackToCpu() {
        auto e = env();
        e.insert(QStringLiteral("HEARTH_VULKAN_LOADER"),
                 QStringLiteral("/nonexistent/libvulkan.so.1"));
        const auto r = runHearth(args("0"), e);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains("fell back") && r.err.contains("no Vulkan loader"),
                 r.err.constData());
        QCOMPARE(r.err.count("no Vulkan loader ("), 2);  // one log warning, one device line
        QCOMPARE(r.out, cpuReply_);
    }

    void badDeviceIsAUsageError() {
        const auto r = runHearth(args("gpu"), env());
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--device"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(RunDevice)
#include "test_run_device.moc"
