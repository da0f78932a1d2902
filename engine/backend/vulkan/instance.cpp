#include "backend/vulkan/instance.h"

#include <cstring>

#include "backend/vulkan/vk_check.h"
#include "core/error.h"

namespace hearth::vulkan {

Instance::Instance() {
    uint32_t loader_version = VK_API_VERSION_1_0;
    // vkEnumerateInstanceVersion is 1.1+; a 1.0 loader lacks it and cannot run our shaders.
    auto enumerate_version = reinterpret_cast<PFN_vkEnumerateInstanceVersion>(
        vkGetInstanceProcAddr(VK_NULL_HANDLE, "vkEnumerateInstanceVersion"));
    if (enumerate_version) enumerate_version(&loader_version);
    if (loader_version < VK_API_VERSION_1_2) {
        throw Error(ErrorCode::unsupported,
                    "vulkan: the Vulkan loader is older than 1.2; no usable device");
    }

    VkApplicationInfo app{};
    app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
    app.pApplicationName = "hearth";
    app.pEngineName = "hearth";
    app.apiVersion = VK_API_VERSION_1_2;

    // Portability enumeration lets MoltenVK-style drivers show up; only asked for when the
    // loader offers it, because naming an absent extension fails instance creation.
    uint32_t n_ext = 0;
    vk_check(vkEnumerateInstanceExtensionProperties(nullptr, &n_ext, nullptr),
             "vkEnumerateInstanceExtensionProperties");
    std::vector<VkExtensionProperties> available(n_ext);
    vk_check(vkEnumerateInstanceExtensionProperties(nullptr, &n_ext, available.data()),
             "vkEnumerateInstanceExtensionProperties");
    std::vector<const char*> extensions;
    VkInstanceCreateFlags flags = 0;
    for (const auto& e : available) {
        if (std::strcmp(e.extensionName, VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME) == 0) {
            extensions.push_back(VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME);
            flags |= VK_INSTANCE_CREATE_ENUMERATE_PORTABILITY_BIT_KHR;
        }
    }

    VkInstanceCreateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
    info.flags = flags;
    info.pApplicationInfo = &app;
    info.enabledExtensionCount = uint32_t(extensions.size());
    info.ppEnabledExtensionNames = extensions.data();
    const VkResult result = vkCreateInstance(&info, nullptr, &instance_);
    if (result == VK_ERROR_INCOMPATIBLE_DRIVER || result == VK_ERROR_INITIALIZATION_FAILED) {
        throw Error(ErrorCode::unsupported,
                    std::string("vulkan: no Vulkan driver is installed (vkCreateInstance: ") +
                        result_name(result) + ")");
    }
    vk_check(result, "vkCreateInstance");
}

Instance::~Instance() {
    if (instance_) vkDestroyInstance(instance_, nullptr);
}

std::vector<VkPhysicalDevice> Instance::physical_devices() const {
    uint32_t n = 0;
    vk_check(vkEnumeratePhysicalDevices(instance_, &n, nullptr), "vkEnumeratePhysicalDevices");
    std::vector<VkPhysicalDevice> devices(n);
    if (n == 0) return devices;
    vk_check(vkEnumeratePhysicalDevices(instance_, &n, devices.data()),
             "vkEnumeratePhysicalDevices");
    devices.resize(n);
    return devices;
}

}  // namespace hearth::vulkan
