#include "backend/vulkan/device.h"

#include "backend/vulkan/instance.h"
#include "backend/vulkan/vk_check.h"

namespace hearth::vulkan {

Device::Device(const Instance& instance, VkPhysicalDevice physical, DeviceInfo info)
    : physical_(physical), info_(std::move(info)) {
    if (!info_.usable()) vk_fail("device " + info_.name + " is unusable: " + info_.unusable_reason);
    const InstanceFunctions& ifn = instance.fn();
    ifn.vkGetPhysicalDeviceMemoryProperties(physical_, &memory_);

    const float priority = 1.0f;
    VkDeviceQueueCreateInfo queue_info{};
    queue_info.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
    queue_info.queueFamilyIndex = queue_family();
    queue_info.queueCount = 1;
    queue_info.pQueuePriorities = &priority;

    // Optional features the shaders use where offered (device_info.h).
    VkPhysicalDeviceFeatures features{};
    features.shaderFloat64 = info_.float64 ? VK_TRUE : VK_FALSE;

    VkDeviceCreateInfo create{};
    create.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
    create.queueCreateInfoCount = 1;
    create.pQueueCreateInfos = &queue_info;
    create.pEnabledFeatures = &features;
    VkPhysicalDeviceShaderIntegerDotProductFeatures int_dot{};
    int_dot.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES;
    int_dot.shaderIntegerDotProduct = VK_TRUE;
    if (int_dot_enabled(info_)) create.pNext = &int_dot;
    vk_check(ifn.vkCreateDevice(physical_, &create, nullptr, &device_), "vkCreateDevice");
    try {
        fn_.load(ifn, device_);
    } catch (...) {
        // The destructor does not run for a constructor that throws.
        auto destroy = reinterpret_cast<PFN_vkDestroyDevice>(
            ifn.vkGetDeviceProcAddr(device_, "vkDestroyDevice"));
        if (destroy) destroy(device_, nullptr);
        throw;
    }
    fn_.vkGetDeviceQueue(device_, queue_family(), 0, &queue_);
}

Device::~Device() {
    if (device_) {
        fn_.vkDeviceWaitIdle(device_);
        fn_.vkDestroyDevice(device_, nullptr);
    }
}

int Device::find_memory_type(uint32_t type_bits, VkMemoryPropertyFlags required,
                             VkMemoryPropertyFlags preferred) const {
    int fallback = -1;
    for (uint32_t t = 0; t < memory_.memoryTypeCount; ++t) {
        if (!(type_bits & (1u << t))) continue;
        const VkMemoryPropertyFlags flags = memory_.memoryTypes[t].propertyFlags;
        if ((flags & required) != required) continue;
        if ((flags & preferred) == preferred) return int(t);
        if (fallback < 0) fallback = int(t);
    }
    return fallback;
}

}  // namespace hearth::vulkan
