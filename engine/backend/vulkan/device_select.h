#pragma once
// Which Vulkan device Hearth computes on, and why. The automatic order is discrete GPU >
// integrated > virtual > CPU implementation (lavapipe/SwiftShader), larger device memory
// first within a kind, then the lower index. HEARTH_DEVICE overrides it:
//   HEARTH_DEVICE=N    use device N (as `hearth devices` numbers them); no device if N is
//                      out of range or unusable (the reason says which)
//   HEARTH_DEVICE=cpu  use no Vulkan device: Hearth's own CPU backend computes everything
#include <string>
#include <vector>

#include "backend/vulkan/device_info.h"

namespace hearth::vulkan {

struct DeviceSelection {
    int index = -1;      // into the device list; -1 = no Vulkan device (use the CPU backend)
    std::string reason;  // one line, for logs and `hearth devices`
};

// Whether the automatic choice (no device named) may compute on `device`: not on a software
// implementation, which is slower than Hearth's own CPU backend on the same cores. Naming
// the device (--device N, HEARTH_DEVICE=N) uses it anyway.
bool automatic_may_use(const DeviceInfo& device);

// Whether HEARTH_DEVICE leaves the choice automatic: unset, empty or "auto".
bool device_env_is_automatic();

// Pure: `env` is HEARTH_DEVICE's value or nullptr.
DeviceSelection select_device(const std::vector<DeviceInfo>& devices, const char* env);

// Everything `hearth devices` shows. Never throws: a missing loader, driver or device is a
// report with `error` set and no selection.
struct DeviceReport {
    std::string error;  // why there is no list (no loader, no driver, loader too old); or empty
    bool no_loader = false;  // the Vulkan loader library (libvulkan.so.1) could not be loaded
    std::vector<DeviceInfo> devices;
    DeviceSelection selection;
};

// Creates a throwaway instance, lists and queries every device and applies select_device()
// with `request` ("N", "cpu", "" = automatic), or with HEARTH_DEVICE when it is null.
DeviceReport probe_devices(const char* request = nullptr);

}  // namespace hearth::vulkan
