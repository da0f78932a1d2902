#include "backend/vulkan/device_select.h"

#include <cstdlib>
#include <exception>
#include <string_view>

#include "backend/vulkan/instance.h"

namespace hearth::vulkan {

namespace {

int kind_rank(DeviceKind kind) {
    switch (kind) {
        case DeviceKind::discrete:
            return 4;
        case DeviceKind::integrated:
            return 3;
        case DeviceKind::virtual_gpu:
            return 2;
        case DeviceKind::cpu:
            return 1;
        default:
            return 0;
    }
}

bool parse_index(const std::string& s, int& out) {
    if (s.empty() || s.size() > 6) return false;
    int v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

}  // namespace

bool automatic_may_use(const DeviceInfo& device) {
    return !device.software();
}

bool device_env_is_automatic() {
    const char* env = std::getenv("HEARTH_DEVICE");
    return !env || !*env || std::string_view(env) == "auto";
}

DeviceSelection select_device(const std::vector<DeviceInfo>& devices, const char* env) {
    DeviceSelection sel;
    if (env && *env) {
        const std::string value = env;
        if (value == "cpu") {
            sel.reason = "HEARTH_DEVICE=cpu: the CPU backend computes everything";
            return sel;
        }
        int n = -1;
        if (!parse_index(value, n)) {
            sel.reason = "HEARTH_DEVICE='" + value + "' is neither a device number nor 'cpu'";
            return sel;
        }
        if (n >= int(devices.size())) {
            sel.reason =
                "HEARTH_DEVICE=" + value + " but there " +
                (devices.size() == 1 ? "is 1 Vulkan device"
                                     : "are " + std::to_string(devices.size()) + " Vulkan devices");
            return sel;
        }
        if (!devices[size_t(n)].usable()) {
            sel.reason = "HEARTH_DEVICE=" + value + " names " + devices[size_t(n)].name +
                         ", which is unusable: " + devices[size_t(n)].unusable_reason;
            return sel;
        }
        sel.index = n;
        sel.reason = "HEARTH_DEVICE=" + value;
        return sel;
    }

    for (size_t i = 0; i < devices.size(); ++i) {
        const DeviceInfo& d = devices[i];
        if (!d.usable()) continue;
        if (sel.index < 0) {
            sel.index = int(i);
            continue;
        }
        const DeviceInfo& best = devices[size_t(sel.index)];
        const int rank = kind_rank(d.kind), best_rank = kind_rank(best.kind);
        if (rank > best_rank ||
            (rank == best_rank && d.device_local_bytes > best.device_local_bytes)) {
            sel.index = int(i);
        }
    }
    if (sel.index < 0) {
        sel.reason = devices.empty() ? "no Vulkan device found" : "no usable Vulkan device";
        return sel;
    }
    const DeviceInfo& chosen = devices[size_t(sel.index)];
    sel.reason = std::string("best available: ") + device_kind_name(chosen.kind);
    if (chosen.software()) sel.reason += " (no GPU found; a software implementation is slow)";
    return sel;
}

DeviceReport probe_devices(const char* request) {
    DeviceReport report;
    try {
        Instance instance;
        const auto physical = instance.physical_devices();
        for (size_t i = 0; i < physical.size(); ++i) {
            report.devices.push_back(query_device(instance.fn(), physical[i], int(i)));
        }
    } catch (const std::exception& e) {
        report.no_loader = dynamic_cast<const NoLoader*>(&e) != nullptr;
        // The layer's errors start "vulkan: "; the report is read where that is understood.
        report.error = e.what();
        if (report.error.rfind("vulkan: ", 0) == 0) report.error.erase(0, 8);
        report.devices.clear();
        report.selection.reason = "no Vulkan device: " + report.error;
        return report;
    }
    report.selection =
        select_device(report.devices, request ? request : std::getenv("HEARTH_DEVICE"));
    return report;
}

}  // namespace hearth::vulkan
