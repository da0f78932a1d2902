// hearth devices: the Vulkan devices this machine offers, what each can do, and which one
// Hearth computes on and why. No driver or no device is a normal answer (exit 0): Hearth then
// runs everything on its CPU backend.
#include <cstdio>

#include "backend/vulkan/device_select.h"
#include "backend/vulkan/feature_use.h"
#include "cli/commands.h"

namespace hearth::cli {

namespace {

QString mebibytes(uint64_t bytes) {
    return QString::number(double(bytes) / (1024.0 * 1024.0), 'f', 0) + QStringLiteral(" MiB");
}

}  // namespace

int cmdDevices(const QStringList& args) {
    const QString usage = QStringLiteral(
        "usage: hearth devices\n"
        "  Lists Vulkan devices and the one Hearth uses. HEARTH_DEVICE=N picks device N,\n"
        "  HEARTH_DEVICE=cpu uses the CPU backend only.");
    for (const QString& arg : args) {
        if (arg == QLatin1String("--help")) {
            std::printf("%s\n", qPrintable(usage));
            return 0;
        }
        return fail(2, QStringLiteral("unexpected argument '%1'\n%2").arg(arg, usage));
    }

    const vulkan::DeviceReport report = vulkan::probe_devices();
    if (!report.error.empty()) {
        std::printf("No Vulkan device: %s\n", report.error.c_str());
        std::printf("Hearth uses its CPU backend.\n");
        if (report.no_loader) {
            std::printf(
                "To compute on a GPU, install the Vulkan loader (Debian: libvulkan1) and a "
                "Vulkan driver (mesa-vulkan-drivers or the GPU vendor's).\n");
        }
        return 0;
    }
    if (report.devices.empty()) {
        std::printf("No Vulkan device: the driver lists none.\nHearth uses its CPU backend.\n");
        return 0;
    }
    for (const vulkan::DeviceInfo& d : report.devices) {
        const bool chosen = d.index == report.selection.index;
        std::printf("%s %d: %s\n", chosen ? "*" : " ", d.index, d.name.c_str());
        std::printf("    type      %s\n", vulkan::device_kind_name(d.kind));
        std::printf("    driver    %s %s (Vulkan %s)\n", d.driver_name.c_str(),
                    d.driver_info.c_str(), d.api_version_string().c_str());
        std::printf("    memory    %s device-local%s\n",
                    qPrintable(mebibytes(d.device_local_bytes)),
                    d.device_local_host_visible ? ", host-visible" : "");
        if (d.usable()) {
            // Probed features: what the device offers, whether Hearth's shaders use it, why.
            std::printf("    %-22s %-24s %s\n", "features", "device", "Hearth uses it");
            for (const vulkan::FeatureUse& f : vulkan::feature_use(d)) {
                std::printf("      %-20s %-24s %s: %s\n", f.feature.c_str(), f.device.c_str(),
                            f.used ? "yes" : "no", f.why.c_str());
            }
        }
        if (!d.usable()) std::printf("    unusable  %s\n", d.unusable_reason.c_str());
    }
    if (report.selection.index >= 0 && vulkan::device_env_is_automatic() &&
        !vulkan::automatic_may_use(report.devices[size_t(report.selection.index)])) {
        std::printf(
            "Hearth uses its CPU backend: device %d is a software implementation, slower than "
            "the CPU backend (--device %d or HEARTH_DEVICE=%d uses it).\n",
            report.selection.index, report.selection.index, report.selection.index);
    } else if (report.selection.index >= 0) {
        std::printf("Hearth uses device %d (%s).\n", report.selection.index,
                    report.selection.reason.c_str());
    } else {
        std::printf("Hearth uses its CPU backend: %s.\n", report.selection.reason.c_str());
    }
    return 0;
}

}  // namespace hearth::cli
