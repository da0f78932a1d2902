#pragma once
// The VkInstance: one per VulkanContext (or per probe), created against Vulkan 1.2 with no
// layers and no window-system extensions (compute only). A machine without a driver makes
// the constructor throw Error(unsupported, "no Vulkan driver ..."), which callers report as
// "no device" rather than a crash.
#include <vulkan/vulkan.h>

#include <vector>

namespace hearth::vulkan {

class Instance {
public:
    Instance();
    ~Instance();
    Instance(const Instance&) = delete;
    Instance& operator=(const Instance&) = delete;

    VkInstance handle() const { return instance_; }
    // In the loader's order; the index is what HEARTH_DEVICE=N and `hearth devices` use.
    std::vector<VkPhysicalDevice> physical_devices() const;

private:
    VkInstance instance_ = VK_NULL_HANDLE;
};

}  // namespace hearth::vulkan
