#include "backend/vulkan/device_info.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "backend/vulkan/vk_check.h"

namespace hearth::vulkan {

const char* device_kind_name(DeviceKind kind) {
    switch (kind) {
        case DeviceKind::discrete:
            return "discrete GPU";
        case DeviceKind::integrated:
            return "integrated GPU";
        case DeviceKind::virtual_gpu:
            return "virtual GPU";
        case DeviceKind::cpu:
            return "CPU (software)";
        default:
            return "other";
    }
}

std::string DeviceInfo::api_version_string() const {
    return std::to_string(VK_API_VERSION_MAJOR(api_version)) + "." +
           std::to_string(VK_API_VERSION_MINOR(api_version)) + "." +
           std::to_string(VK_API_VERSION_PATCH(api_version));
}

std::string DeviceInfo::feature_summary() const {
    std::string s;
    auto add = [&](bool on, const std::string& name) {
        if (!on) return;
        if (!s.empty()) s += ' ';
        s += name;
    };
    add(fp16_storage, "fp16-storage");
    add(fp16_arithmetic, "fp16-math");
    add(int8_storage, "int8-storage");
    add(int8_arithmetic, "int8-math");
    add(subgroup_size > 0, "subgroup(" + std::to_string(subgroup_size) +
                               (subgroup_arithmetic ? ",arith" : "") +
                               (subgroup_shuffle ? ",shuffle" : "") + ")");
    add(integer_dot_product, "int-dot");
    add(cooperative_matrix, "coopmat");
    add(float64, "fp64");
    return s.empty() ? "baseline" : s;
}

namespace {

DeviceKind kind_of(VkPhysicalDeviceType type) {
    switch (type) {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
            return DeviceKind::discrete;
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
            return DeviceKind::integrated;
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
            return DeviceKind::virtual_gpu;
        case VK_PHYSICAL_DEVICE_TYPE_CPU:
            return DeviceKind::cpu;
        default:
            return DeviceKind::other;
    }
}

bool has_extension(const std::vector<VkExtensionProperties>& list, const char* name) {
    for (const auto& e : list) {
        if (std::strcmp(e.extensionName, name) == 0) return true;
    }
    return false;
}

}  // namespace

DeviceInfo query_device(const InstanceFunctions& vk, VkPhysicalDevice device, int index) {
    DeviceInfo info;
    info.index = index;

    VkPhysicalDeviceProperties props{};
    vk.vkGetPhysicalDeviceProperties(device, &props);
    info.name = props.deviceName;
    info.kind = kind_of(props.deviceType);
    info.vendor_id = props.vendorID;
    info.device_id = props.deviceID;
    info.api_version = props.apiVersion;
    for (int i = 0; i < 3; ++i)
        info.max_workgroup_count[i] = props.limits.maxComputeWorkGroupCount[i];
    info.max_workgroup_invocations = props.limits.maxComputeWorkGroupInvocations;
    info.max_shared_memory = props.limits.maxComputeSharedMemorySize;
    info.max_storage_buffer_range = props.limits.maxStorageBufferRange;
    info.min_storage_offset_alignment = props.limits.minStorageBufferOffsetAlignment;

    VkPhysicalDeviceMemoryProperties mem{};
    vk.vkGetPhysicalDeviceMemoryProperties(device, &mem);
    for (uint32_t h = 0; h < mem.memoryHeapCount; ++h) {
        if (mem.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) {
            info.device_local_bytes += mem.memoryHeaps[h].size;
        }
    }
    constexpr VkMemoryPropertyFlags kUma = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT |
                                           VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                           VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    for (uint32_t t = 0; t < mem.memoryTypeCount; ++t) {
        if ((mem.memoryTypes[t].propertyFlags & kUma) == kUma)
            info.device_local_host_visible = true;
    }

    uint32_t n_families = 0;
    vk.vkGetPhysicalDeviceQueueFamilyProperties(device, &n_families, nullptr);
    std::vector<VkQueueFamilyProperties> families(n_families);
    vk.vkGetPhysicalDeviceQueueFamilyProperties(device, &n_families, families.data());
    // Prefer a compute queue without graphics (async compute on discrete GPUs), else any.
    for (uint32_t f = 0; f < n_families; ++f) {
        if (!(families[f].queueFlags & VK_QUEUE_COMPUTE_BIT)) continue;
        if (info.compute_queue_family < 0 || !(families[f].queueFlags & VK_QUEUE_GRAPHICS_BIT)) {
            info.compute_queue_family = int(f);
        }
    }

    if (props.apiVersion < VK_API_VERSION_1_2) {
        info.unusable_reason = "Vulkan " + info.api_version_string() + " (Hearth needs 1.2)";
        return info;
    }
    if (info.compute_queue_family < 0) {
        info.unusable_reason = "no compute queue";
        return info;
    }

    uint32_t n_ext = 0;
    vk_check(vk.vkEnumerateDeviceExtensionProperties(device, nullptr, &n_ext, nullptr),
             "vkEnumerateDeviceExtensionProperties");
    std::vector<VkExtensionProperties> extensions(n_ext);
    vk_check(vk.vkEnumerateDeviceExtensionProperties(device, nullptr, &n_ext, extensions.data()),
             "vkEnumerateDeviceExtensionProperties");

    // Properties and features of 1.1/1.2 (the device is at least 1.2, so the chains are valid).
    VkPhysicalDeviceVulkan11Properties p11{};
    p11.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_PROPERTIES;
    VkPhysicalDeviceVulkan12Properties p12{};
    p12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_PROPERTIES;
    p11.pNext = &p12;
    VkPhysicalDeviceProperties2 props2{};
    props2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
    props2.pNext = &p11;
    vk.vkGetPhysicalDeviceProperties2(device, &props2);
    info.driver_name = p12.driverName;
    info.driver_info = p12.driverInfo;
    info.subgroup_size = p11.subgroupSize;
    if (p11.subgroupSupportedStages & VK_SHADER_STAGE_COMPUTE_BIT) {
        info.subgroup_arithmetic =
            p11.subgroupSupportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT;
        info.subgroup_shuffle = p11.subgroupSupportedOperations & VK_SUBGROUP_FEATURE_SHUFFLE_BIT;
    }

    VkPhysicalDeviceVulkan11Features f11{};
    f11.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES;
    VkPhysicalDeviceVulkan12Features f12{};
    f12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;
    f11.pNext = &f12;
    VkPhysicalDeviceShaderIntegerDotProductFeatures dot{};
    dot.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES;
    const bool has_dot =
        props.apiVersion >= VK_API_VERSION_1_3 ||
        has_extension(extensions, VK_KHR_SHADER_INTEGER_DOT_PRODUCT_EXTENSION_NAME);
    if (has_dot) f12.pNext = &dot;
    VkPhysicalDeviceFeatures2 features2{};
    features2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
    features2.pNext = &f11;
    vk.vkGetPhysicalDeviceFeatures2(device, &features2);
    info.fp16_storage = f11.storageBuffer16BitAccess;
    info.fp16_arithmetic = f12.shaderFloat16;
    info.int8_storage = f12.storageBuffer8BitAccess;
    info.int8_arithmetic = f12.shaderInt8;
    info.integer_dot_product = has_dot && dot.shaderIntegerDotProduct;
    info.cooperative_matrix = has_extension(extensions, "VK_KHR_cooperative_matrix");
    info.float64 = features2.features.shaderFloat64;
    info.splits_fma = info.driver_name == "llvmpipe";
    return info;
}

bool portable_variant_forced(std::string_view feature) {
    const char* env = std::getenv("HEARTH_VULKAN_PORTABLE");
    if (!env || !*env || std::strcmp(env, "0") == 0) return false;
    const std::string_view list(env);
    if (list == "1") return true;
    for (size_t start = 0; start <= list.size();) {
        const size_t end = std::min(list.find(',', start), list.size());
        if (list.substr(start, end - start) == feature) return true;
        start = end + 1;
    }
    return false;
}

}  // namespace hearth::vulkan
