#pragma once
// The VkInstance: one per VulkanContext (or per probe), created against Vulkan 1.2 with no
// layers and no window-system extensions (compute only), with the loader it came from and
// its function table. A machine without the loader or a driver makes the constructor throw
// Error(unsupported, "no Vulkan loader ..." / "no Vulkan driver ..."), which callers report
// as "no device" rather than a crash.
#include <vector>

#include "backend/vulkan/loader.h"

namespace hearth::vulkan {

class Instance {
public:
    Instance();
    ~Instance();
    Instance(const Instance&) = delete;
    Instance& operator=(const Instance&) = delete;

    VkInstance handle() const { return instance_; }
    const InstanceFunctions& fn() const { return fn_; }
    // In the loader's order; the index is what HEARTH_DEVICE=N and `hearth devices` use.
    std::vector<VkPhysicalDevice> physical_devices() const;

private:
    Loader loader_;  // first: outlives everything made through it
    InstanceFunctions fn_;
    VkInstance instance_ = VK_NULL_HANDLE;
};

}  // namespace hearth::vulkan
