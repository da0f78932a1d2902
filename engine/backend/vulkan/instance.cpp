#include "backend/vulkan/instance.h"

#include <cstring>

#include "backend/vulkan/vk_check.h"
#include "core/error.h"

namespace hearth::vulkan {

Instance::Instance() {
    uint32_t loader_version = VK_API_VERSION_1_0;
    // vkEnumerateInstanceVersion is 1.1+; a 1.0 loader lacks it and cannot run our shaders.
    if (loader_.vkEnumerateInstanceVersion) loader_.vkEnumerateInstanceVersion(&loader_version);
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
    vk_check(loader_.vkEnumerateInstanceExtensionProperties(nullptr, &n_ext, nullptr),
             "vkEnumerateInstanceExtensionProperties");
    std::vector<VkExtensionProperties> available(n_ext);
    vk_check(loader_.vkEnumerateInstanceExtensionProperties(nullptr, &n_ext, available.data()),
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
    const VkResult result = loader_.vkCreateInstance(&info, nullptr, &instance_);
    if (result == VK_ERROR_INCOMPATIBLE_DRIVER || result == VK_ERROR_INITIALIZATION_FAILED) {
        throw Error(ErrorCode::unsupported,
                    std::string("vulkan: no Vulkan driver is installed (vkCreateInstance: ") +
                        result_name(result) + ")");
    }
    vk_check(result, "vkCreateInstance");
    try {
        fn_.load(loader_, instance_);
    } catch (...) {
        // The destructor does not run for a constructor that throws.
        auto destroy = reinterpret_cast<PFN_vkDestroyInstance>(
            loader_.vkGetInstanceProcAddr(instance_, "vkDestroyInstance"));
        if (destroy) destroy(instance_, nullptr);
        throw;
    }
}

Instance::~Instance() {
    if (instance_) fn_.vkDestroyInstance(instance_, nullptr);
}

std::vector<VkPhysicalDevice> Instance::physical_devices() const {
    uint32_t n = 0;
    vk_check(fn_.vkEnumeratePhysicalDevices(instance_, &n, nullptr), "vkEnumeratePhysicalDevices");
    std::vector<VkPhysicalDevice> devices(n);
    if (n == 0) return devices;
    vk_check(fn_.vkEnumeratePhysicalDevices(instance_, &n, devices.data()),
             "vkEnumeratePhysicalDevices");
    devices.resize(n);
    return devices;
}

}  // namespace hearth::vulkan
