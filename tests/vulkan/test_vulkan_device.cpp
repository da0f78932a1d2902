// Device layer: listing and selection (incl. HEARTH_DEVICE), the graceful "no device" paths,
// the suballocator, the dispatch helper's checks and host <-> device transfers.
#include <QProcess>
#include <QTest>
#include <cstdlib>

#include "backend/vulkan/commands.h"
#include "backend/vulkan/device_select.h"
#include "backend/vulkan/feature_use.h"
#include "core/error.h"
#include "vulkan_test_util.h"

using namespace hearth::vulkan;

namespace {

DeviceInfo fake(int index, DeviceKind kind, uint64_t memory, bool usable = true) {
    DeviceInfo d;
    d.index = index;
    d.name = "fake" + std::to_string(index);
    d.kind = kind;
    d.device_local_bytes = memory;
    if (!usable) d.unusable_reason = "no compute queue";
    return d;
}

}  // namespace

class TestVulkanDevice : public QObject {
    Q_OBJECT

private slots:
    void init() { qunsetenv("HEARTH_DEVICE"); }

    void probeFindsADevice() {
        const DeviceReport report = probe_devices();
        if (!report.error.empty())
            QFAIL(qPrintable("no Vulkan driver: " + QString::fromStdString(report.error)));
        QVERIFY2(!report.devices.empty(), "the Vulkan driver lists no device");
        QVERIFY(report.selection.index >= 0);
        const DeviceInfo& d = report.devices[size_t(report.selection.index)];
        QVERIFY(d.usable());
        QVERIFY(!d.name.empty());
        QVERIFY(d.max_workgroup_count[0] >= 65535);
        QVERIFY(d.min_storage_offset_alignment > 0);
        QVERIFY(!d.feature_summary().empty());
    }

    void automaticOrderPrefersGpus() {
        const std::vector<DeviceInfo> devices = {
            fake(0, DeviceKind::cpu, 1 << 30), fake(1, DeviceKind::integrated, 1 << 29),
            fake(2, DeviceKind::discrete, 1 << 28), fake(3, DeviceKind::discrete, 1u << 31),
            fake(4, DeviceKind::virtual_gpu, 1 << 30)};
        QCOMPARE(select_device(devices, nullptr).index, 3);  // discrete, larger memory
        QCOMPARE(select_device({devices[0], devices[1]}, nullptr).index, 1);
        QCOMPARE(select_device({devices[0], devices[4]}, nullptr).index, 1);
        const DeviceSelection cpu_only = select_device({devices[0]}, nullptr);
        QCOMPARE(cpu_only.index, 0);
        QVERIFY(cpu_only.reason.find("software") != std::string::npos);
        // An unusable device is never chosen automatically.
        QCOMPARE(select_device({fake(0, DeviceKind::discrete, 1 << 30, false), devices[0]}, nullptr)
                     .index,
                 1);
        QCOMPARE(select_device({}, nullptr).index, -1);
    }

    void hearthDeviceOverrides() {
        const std::vector<DeviceInfo> devices = {fake(0, DeviceKind::discrete, 1 << 30),
                                                 fake(1, DeviceKind::cpu, 1 << 20),
                                                 fake(2, DeviceKind::integrated, 0, false)};
        QCOMPARE(select_device(devices, "1").index, 1);
        QCOMPARE(select_device(devices, "0").index, 0);
        const DeviceSelection cpu = select_device(devices, "cpu");
        QCOMPARE(cpu.index, -1);
        QVERIFY(cpu.reason.find("CPU backend") != std::string::npos);
        const DeviceSelection out_of_range = select_device(devices, "99");
        QCOMPARE(out_of_range.index, -1);
        QVERIFY(out_of_range.reason.find("99") != std::string::npos);
        QCOMPARE(select_device(devices, "2").index, -1);  // unusable
        QCOMPARE(select_device(devices, "gpu").index, -1);
        QCOMPARE(select_device(devices, "-1").index, -1);
        QCOMPARE(select_device(devices, "").index, 0);  // empty = automatic
    }

    // Every feature the issue asks the probe for has a row saying what the device offers
    // and what Hearth does with it.
    void featureTableFollowsTheProbe() {
        const DeviceInfo none = fake(0, DeviceKind::discrete, 1 << 30);
        DeviceInfo all = none;
        all.fp16_storage = all.fp16_arithmetic = all.int8_storage = all.int8_arithmetic = true;
        all.subgroup_size = 32;
        all.subgroup_arithmetic = all.subgroup_shuffle = true;
        all.integer_dot_product = all.cooperative_matrix = all.float64 = true;
        const std::vector<FeatureUse> with = feature_use(all), without = feature_use(none);
        QCOMPARE(with.size(), without.size());
        std::string names;
        for (size_t i = 0; i < with.size(); ++i) {
            QCOMPARE(with[i].feature, without[i].feature);
            QCOMPARE(without[i].device, std::string("no"));
            QVERIFY2(with[i].device != "no", with[i].feature.c_str());
            QVERIFY2(!with[i].why.empty(), with[i].feature.c_str());
            QVERIFY2(!without[i].used, without[i].feature.c_str());  // a feature it lacks
            names += with[i].feature + ";";
            if (with[i].feature.find("subgroup") != std::string::npos) {
                QVERIFY2(with[i].device.find("32") != std::string::npos, with[i].device.c_str());
                QVERIFY2(with[i].device.find("arith") != std::string::npos, with[i].device.c_str());
            }
        }
        for (const char* wanted : {"fp16 storage", "fp16 arithmetic", "8-bit storage", "subgroup",
                                   "integer dot product", "cooperative matrix", "float64"}) {
            QVERIFY2(names.find(wanted) != std::string::npos, wanted);
        }
    }

    void hearthDeviceChoosesRealDevice() {
        qputenv("HEARTH_DEVICE", "0");
        const DeviceReport report = probe_devices();
        QCOMPARE(report.selection.index, 0);
        std::unique_ptr<VulkanContext> ctx = VulkanContext::create();
        QCOMPARE(ctx->info().index, 0);
    }

    void missingDeviceIsAnErrorValueNotACrash() {
        qputenv("HEARTH_DEVICE", "99");
        try {
            VulkanContext::create();
            QFAIL("HEARTH_DEVICE=99 created a context");
        } catch (const hearth::Error& e) {
            QCOMPARE(e.code(), hearth::ErrorCode::unsupported);
            QVERIFY2(std::string(e.what()).find("no Vulkan device") != std::string::npos, e.what());
        }
        qputenv("HEARTH_DEVICE", "cpu");
        QVERIFY_THROWS_EXCEPTION(hearth::Error, VulkanContext::create());
    }

    // No driver at all (the loader finds no ICD): a report with no selection, and
    // VulkanContext::create() throws Error(unsupported) instead of crashing.
    void missingDriverInProcess() {
        const QByteArray saved_icd = qgetenv("VK_ICD_FILENAMES");
        const QByteArray saved_driver = qgetenv("VK_DRIVER_FILES");
        qputenv("VK_ICD_FILENAMES", "/nonexistent/hearth-no-driver.json");
        qputenv("VK_DRIVER_FILES", "/nonexistent/hearth-no-driver.json");
        const DeviceReport report = probe_devices();
        bool threw_unsupported = false;
        try {
            VulkanContext::create();
        } catch (const hearth::Error& e) {
            threw_unsupported = e.code() == hearth::ErrorCode::unsupported;
        }
        auto restore = [](const char* name, const QByteArray& value) {
            if (value.isNull()) {
                qunsetenv(name);
            } else {
                qputenv(name, value);
            }
        };
        restore("VK_ICD_FILENAMES", saved_icd);
        restore("VK_DRIVER_FILES", saved_driver);
        QCOMPARE(report.selection.index, -1);
        QVERIFY(report.devices.empty());
        QVERIFY2(report.selection.reason.find("no Vulkan device") != std::string::npos,
                 report.selection.reason.c_str());
        QVERIFY(threw_unsupported);
        // And the real device is back.
        QVERIFY(probe_devices().selection.index >= 0);
    }

    // Neither hearth nor this test (both link the engine) needs libvulkan.so.1 to start: the
    // loader is dlopen()ed, so the dynamic section names no Vulkan library.
    void binariesDoNotLinkTheLoader() {
        for (const QString& binary :
             {QStringLiteral(HEARTH_BINARY), QCoreApplication::applicationFilePath()}) {
            QProcess readelf;
            readelf.start("readelf", {"--dynamic", binary});
            QVERIFY2(readelf.waitForFinished(30000) && readelf.exitCode() == 0,
                     qPrintable("readelf (binutils) failed on " + binary + ": " +
                                readelf.errorString() + readelf.readAllStandardError()));
            const QString dynamic = QString::fromUtf8(readelf.readAllStandardOutput());
            QVERIFY2(dynamic.contains("(NEEDED)"), qPrintable(binary + ":\n" + dynamic));
            QVERIFY2(!dynamic.contains("vulkan", Qt::CaseInsensitive),
                     qPrintable(binary + ":\n" + dynamic));
        }
    }

    // No loader at all (libvulkan1 not installed): Hearth does not link the loader, so this
    // is a report like a missing driver, and the next probe with the loader finds the device.
    void missingLoaderInProcess() {
        qputenv("HEARTH_VULKAN_LOADER", "/nonexistent/libvulkan.so.1");
        const DeviceReport report = probe_devices();
        hearth::ErrorCode code = hearth::ErrorCode::internal;
        std::string what;
        try {
            VulkanContext::create();
        } catch (const hearth::Error& e) {
            code = e.code();
            what = e.what();
        }
        qunsetenv("HEARTH_VULKAN_LOADER");
        QVERIFY(report.no_loader);
        QCOMPARE(report.selection.index, -1);
        QVERIFY(report.devices.empty());
        QVERIFY2(report.error.find("no Vulkan loader") != std::string::npos, report.error.c_str());
        QVERIFY2(report.error.find("/nonexistent/libvulkan.so.1") != std::string::npos,
                 report.error.c_str());
        QVERIFY2(report.selection.reason.find("no Vulkan loader") != std::string::npos,
                 report.selection.reason.c_str());
        QCOMPARE(code, hearth::ErrorCode::unsupported);
        QVERIFY2(what.find("no Vulkan loader") != std::string::npos, what.c_str());
        // A library that is not a Vulkan loader is "no loader" as well.
        qputenv("HEARTH_VULKAN_LOADER", "libm.so.6");
        const DeviceReport not_a_loader = probe_devices();
        qunsetenv("HEARTH_VULKAN_LOADER");
        QVERIFY(not_a_loader.no_loader);
        QVERIFY2(not_a_loader.error.find("vkGetInstanceProcAddr") != std::string::npos,
                 not_a_loader.error.c_str());
        const DeviceReport again = probe_devices();
        QVERIFY(!again.no_loader);
        QVERIFY(again.selection.index >= 0);
    }

    // The same through the command line: `hearth devices` says so and exits 0.
    void missingLoaderIsReported() {
        QProcess hearth;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("HEARTH_VULKAN_LOADER", "/nonexistent/libvulkan.so.1");
        env.remove("HEARTH_DEVICE");
        hearth.setProcessEnvironment(env);
        hearth.start(HEARTH_BINARY, {"devices"});
        QVERIFY(hearth.waitForFinished(60000));
        const QString out = QString::fromUtf8(hearth.readAllStandardOutput());
        QCOMPARE(hearth.exitStatus(), QProcess::NormalExit);
        QVERIFY2(hearth.exitCode() == 0, qPrintable(out + hearth.readAllStandardError()));
        QVERIFY2(out.contains("no Vulkan loader"), qPrintable(out));
        QVERIFY2(out.contains("libvulkan1"), qPrintable(out));  // what to install
        QVERIFY2(out.contains("CPU backend"), qPrintable(out));
    }

    // The same through the command line: `hearth devices` says so and exits 0.
    void missingDriverIsReported() {
        QProcess hearth;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("VK_ICD_FILENAMES", "/nonexistent/hearth-no-driver.json");
        env.insert("VK_DRIVER_FILES", "/nonexistent/hearth-no-driver.json");
        env.remove("HEARTH_DEVICE");
        env.insert("ASAN_OPTIONS", "detect_leaks=0");  // the driver's, see vulkan_test_util.h
        hearth.setProcessEnvironment(env);
        hearth.start(HEARTH_BINARY, {"devices"});
        QVERIFY(hearth.waitForFinished(60000));
        const QString out = QString::fromUtf8(hearth.readAllStandardOutput());
        QCOMPARE(hearth.exitStatus(), QProcess::NormalExit);
        QVERIFY2(hearth.exitCode() == 0, qPrintable(out + hearth.readAllStandardError()));
        QVERIFY2(out.contains("No Vulkan device"), qPrintable(out));
        QVERIFY2(out.contains("CPU backend"), qPrintable(out));
    }

    void devicesCommandNamesTheChosenDevice() {
        QProcess hearth;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("ASAN_OPTIONS", "detect_leaks=0");  // the driver's, see vulkan_test_util.h
        env.remove("HEARTH_DEVICE");
        hearth.setProcessEnvironment(env);
        hearth.start(HEARTH_BINARY, {"devices"});
        QVERIFY(hearth.waitForFinished(60000));
        const QString out = QString::fromUtf8(hearth.readAllStandardOutput());
        QCOMPARE(hearth.exitCode(), 0);
        QVERIFY2(out.contains("* 0:") || out.contains("Hearth uses device"), qPrintable(out));
        QVERIFY2(out.contains("features"), qPrintable(out));
        // The feature table of the device the probe finds, row by row.
        const DeviceReport report = probe_devices();
        QVERIFY(!report.devices.empty());
        for (const FeatureUse& f : feature_use(report.devices[0])) {
            const QString row = QString::fromStdString(f.feature);
            QVERIFY2(out.contains(row), qPrintable(row + " missing:\n" + out));
            const QString line = out.mid(out.indexOf(row)).section(QLatin1Char('\n'), 0, 0);
            QVERIFY2(line.contains(QString::fromStdString(f.device)) &&
                         line.contains(QString::fromStdString(f.why)),
                     qPrintable(line));
        }
    }

    void suballocatorSharesBlocksAndCoalesces() {
        VK_REQUIRE_CONTEXT(ctx);
        Suballocator mem(ctx->device(), MemoryUse::device, 1 << 20);
        std::vector<Region> regions;
        for (int i = 0; i < 100; ++i)
            regions.push_back(mem.allocate(1000 + i));
        QCOMPARE(mem.block_count(), size_t(1));  // 100 tensors, one allocation
        const VkDeviceSize align =
            std::max<VkDeviceSize>(16, ctx->info().min_storage_offset_alignment);
        for (const Region& r : regions) {
            QCOMPARE(r.offset % align, VkDeviceSize(0));
            QCOMPARE(r.size % 4, VkDeviceSize(0));
        }
        // Freeing two neighbours makes room for one region as large as both.
        const Region a = regions[10], b = regions[11];
        mem.free(b);
        mem.free(a);
        const Region joined = mem.allocate(b.offset + b.size - a.offset);
        QCOMPARE(joined.offset, a.offset);
        QCOMPARE(mem.block_count(), size_t(1));
        // Larger than a block: a block of its own.
        const Region big = mem.allocate(3 << 20);
        QCOMPARE(mem.block_count(), size_t(2));
        QVERIFY(big.size >= VkDeviceSize(3 << 20));
        mem.free(big);
        mem.free(joined);
        for (size_t i = 0; i < regions.size(); ++i) {
            if (i != 10 && i != 11) mem.free(regions[i]);
        }
        QCOMPARE(mem.used_bytes(), VkDeviceSize(0));
        QVERIFY_THROWS_EXCEPTION(hearth::Error, mem.free(a));  // double free is caught
    }

    void transfersRoundTrip() {
        VK_REQUIRE_CONTEXT(ctx);
        std::vector<uint8_t> data(12345);
        for (size_t i = 0; i < data.size(); ++i)
            data[i] = uint8_t(i * 7 + 3);
        Allocation a = vulkan_test::upload(*ctx, data);
        QCOMPARE(vulkan_test::download<uint8_t>(*ctx, a, data.size()), data);
        std::vector<uint8_t> part(100);
        ctx->download(a.region(), 1000, part.data(), part.size());
        QVERIFY(std::equal(part.begin(), part.end(), data.begin() + 1000));
        QVERIFY_THROWS_EXCEPTION(hearth::Error, ctx->download(a.region(), 12300, part.data(), 100));

        // The staging path that discrete GPUs take (their device-local memory is not mapped):
        // the same region with its mapping hidden goes through recorded buffer copies.
        Region unmapped = a.region();
        unmapped.mapped = nullptr;
        std::vector<uint8_t> other(data.rbegin(), data.rend());
        ctx->upload(unmapped, 0, other.data(), other.size());
        QCOMPARE(vulkan_test::download<uint8_t>(*ctx, a, data.size()), other);
        std::vector<uint8_t> back(3000);
        ctx->download(unmapped, 5000, back.data(), back.size());
        QVERIFY(std::equal(back.begin(), back.end(), other.begin() + 5000));
        // Larger than the staging buffer's first size: it grows.
        std::vector<uint8_t> large(3u << 20, 0x5A);
        Allocation big(ctx->memory(), large.size());
        Region big_unmapped = big.region();
        big_unmapped.mapped = nullptr;
        ctx->upload(big_unmapped, 0, large.data(), large.size());
        std::vector<uint8_t> large_back(large.size());
        ctx->download(big_unmapped, 0, large_back.data(), large_back.size());
        QVERIFY(large_back == large);
    }

    void dispatchHelperChecksItsArguments() {
        VK_REQUIRE_CONTEXT(ctx);
        const uint32_t limits[3] = {65535, 65535, 65535};
        const Groups g = split_groups(200000, 3, limits);
        QCOMPARE(g.x, 65535u);
        QCOMPARE(g.y, 4u);
        QCOMPARE(g.z, 3u);
        QCOMPARE(split_groups(0, 1, limits).x, 0u);
        QVERIFY_THROWS_EXCEPTION(hearth::Error, split_groups(uint64_t(1) << 40, 1, limits));

        Allocation buf = vulkan_test::zeros(*ctx, 256);
        const Pipeline& scale = ctx->pipeline("scale");
        const float push[3] = {0, 0, 1};
        // Too many groups, a wrong number of bindings, oversized push constants: errors.
        QVERIFY_THROWS_EXCEPTION(
            hearth::Error, ctx->stream().dispatch(scale, {buf.region()}, push, 12,
                                                  {ctx->info().max_workgroup_count[0] + 1u, 1, 1}));
        QVERIFY_THROWS_EXCEPTION(
            hearth::Error,
            ctx->stream().dispatch(scale, {buf.region(), buf.region()}, push, 12, {1, 1, 1}));
        QVERIFY_THROWS_EXCEPTION(
            hearth::Error, ctx->stream().dispatch(scale, {buf.region()}, push, 256, {1, 1, 1}));
        QVERIFY_THROWS_EXCEPTION(hearth::Error, ctx->pipeline("no_such_shader"));
        // The context still works afterwards.
        ctx->stream().flush();
        QCOMPARE(vulkan_test::download<float>(*ctx, buf, 4), std::vector<float>(4, 0.0f));
    }
};

QTEST_GUILESS_MAIN(TestVulkanDevice)
#include "test_vulkan_device.moc"
