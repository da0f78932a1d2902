#pragma once
// The logical device and its one compute queue. Created with no optional features enabled:
// the shaders use the baseline variants (device_info.h), so any usable device works.
#include "backend/vulkan/device_info.h"
#include "backend/vulkan/loader.h"

namespace hearth::vulkan {

class Instance;

class Device {
public:
    // `physical` is one of `instance`'s devices; the Device must not outlive the Instance.
    Device(const Instance& instance, VkPhysicalDevice physical, DeviceInfo info);
    ~Device();
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    VkDevice handle() const { return device_; }
    // Every device-level call goes through this table (loader.h).
    const DeviceFunctions& fn() const { return fn_; }
    VkPhysicalDevice physical() const { return physical_; }
    VkQueue queue() const { return queue_; }
    uint32_t queue_family() const { return uint32_t(info_.compute_queue_family); }
    const DeviceInfo& info() const { return info_; }
    const VkPhysicalDeviceMemoryProperties& memory_properties() const { return memory_; }

    // A memory type allowed by `type_bits` with all of `required`, preferring one that also
    // has `preferred`; -1 when none has `required`.
    int find_memory_type(uint32_t type_bits, VkMemoryPropertyFlags required,
                         VkMemoryPropertyFlags preferred) const;

private:
    VkPhysicalDevice physical_;
    DeviceInfo info_;
    VkPhysicalDeviceMemoryProperties memory_{};
    DeviceFunctions fn_;
    VkDevice device_ = VK_NULL_HANDLE;
    VkQueue queue_ = VK_NULL_HANDLE;
};

}  // namespace hearth::vulkan
