#pragma once
// The Vulkan loader (libvulkan.so.1), opened at run time, and the tables of entry points the
// backend calls. Hearth does not link the loader: a machine without it (no libvulkan1
// package) still starts, and the Vulkan layer reports "no Vulkan loader" like any other
// reason to compute on the CPU. The whole engine is compiled with VK_NO_PROTOTYPES, so a
// Vulkan function called without going through these tables does not compile.
//
// Three levels, each resolved from the one before and owned by what it belongs to:
//   Loader             global functions (vkCreateInstance ...), from vkGetInstanceProcAddr
//   InstanceFunctions  per VkInstance, held by Instance (instance.h)
//   DeviceFunctions    per VkDevice, held by Device (device.h): vkGetDeviceProcAddr returns
//                      the driver's own entry points, skipping the loader's trampolines
//
// HEARTH_VULKAN_LOADER overrides the library's name or path (read by each Loader, so a test
// can point it at a file that does not exist and back again in one process).
#include <vulkan/vulkan.h>

#include <memory>

#include "core/error.h"

namespace hearth::vulkan {

// Every entry point the backend uses, by level. A function missing from the loader or
// driver fails the level's load with Error(unsupported) naming it.
#define HEARTH_VK_GLOBAL_FUNCTIONS(X) \
    X(vkCreateInstance)               \
    X(vkEnumerateInstanceExtensionProperties)

#define HEARTH_VK_INSTANCE_FUNCTIONS(X)         \
    X(vkDestroyInstance)                        \
    X(vkEnumeratePhysicalDevices)               \
    X(vkGetPhysicalDeviceProperties)            \
    X(vkGetPhysicalDeviceProperties2)           \
    X(vkGetPhysicalDeviceFeatures2)             \
    X(vkGetPhysicalDeviceMemoryProperties)      \
    X(vkGetPhysicalDeviceQueueFamilyProperties) \
    X(vkEnumerateDeviceExtensionProperties)     \
    X(vkCreateDevice)                           \
    X(vkGetDeviceProcAddr)

#define HEARTH_VK_DEVICE_FUNCTIONS(X) \
    X(vkDestroyDevice)                \
    X(vkGetDeviceQueue)               \
    X(vkDeviceWaitIdle)               \
    X(vkQueueSubmit)                  \
    X(vkCreateBuffer)                 \
    X(vkDestroyBuffer)                \
    X(vkGetBufferMemoryRequirements)  \
    X(vkAllocateMemory)               \
    X(vkFreeMemory)                   \
    X(vkBindBufferMemory)             \
    X(vkMapMemory)                    \
    X(vkUnmapMemory)                  \
    X(vkCreateShaderModule)           \
    X(vkDestroyShaderModule)          \
    X(vkCreateDescriptorSetLayout)    \
    X(vkDestroyDescriptorSetLayout)   \
    X(vkCreatePipelineLayout)         \
    X(vkDestroyPipelineLayout)        \
    X(vkCreateComputePipelines)       \
    X(vkDestroyPipeline)              \
    X(vkCreateDescriptorPool)         \
    X(vkDestroyDescriptorPool)        \
    X(vkResetDescriptorPool)          \
    X(vkAllocateDescriptorSets)       \
    X(vkUpdateDescriptorSets)         \
    X(vkCreateCommandPool)            \
    X(vkDestroyCommandPool)           \
    X(vkAllocateCommandBuffers)       \
    X(vkResetCommandBuffer)           \
    X(vkBeginCommandBuffer)           \
    X(vkEndCommandBuffer)             \
    X(vkCmdBindPipeline)              \
    X(vkCmdBindDescriptorSets)        \
    X(vkCmdPushConstants)             \
    X(vkCmdDispatch)                  \
    X(vkCmdCopyBuffer)                \
    X(vkCmdPipelineBarrier)           \
    X(vkCreateFence)                  \
    X(vkDestroyFence)                 \
    X(vkResetFences)                  \
    X(vkWaitForFences)

#define HEARTH_VK_MEMBER(name) PFN_##name name = nullptr;

// The library's name when HEARTH_VULKAN_LOADER is unset: the loader's ABI soname.
inline constexpr const char* kDefaultLoaderName = "libvulkan.so.1";

// The loader library is missing or is not a Vulkan loader (as opposed to a loader that
// finds no driver, or a device that fails): code unsupported, "vulkan: no Vulkan loader (...)".
class NoLoader : public Error {
public:
    explicit NoLoader(const std::string& why)
        : Error(ErrorCode::unsupported, "vulkan: no Vulkan loader (" + why + ")") {}
};

class Loader {
public:
    // Opens the loader and resolves the global functions. Throws NoLoader when the library
    // is missing or is not a loader, Error(unsupported) when it lacks a global function.
    Loader();
    ~Loader();
    Loader(const Loader&) = delete;
    Loader& operator=(const Loader&) = delete;

    PFN_vkGetInstanceProcAddr vkGetInstanceProcAddr = nullptr;
    HEARTH_VK_GLOBAL_FUNCTIONS(HEARTH_VK_MEMBER)
    // Vulkan 1.1+; null in a 1.0 loader, which then cannot run Hearth's shaders.
    PFN_vkEnumerateInstanceVersion vkEnumerateInstanceVersion = nullptr;

private:
    struct Close {
        void operator()(void* library) const;
    };
    std::unique_ptr<void, Close> library_;  // the dlopen() handle
};

struct InstanceFunctions {
    HEARTH_VK_INSTANCE_FUNCTIONS(HEARTH_VK_MEMBER)

    void load(const Loader& loader, VkInstance instance);
};

struct DeviceFunctions {
    HEARTH_VK_DEVICE_FUNCTIONS(HEARTH_VK_MEMBER)

    void load(const InstanceFunctions& instance, VkDevice device);
};

#undef HEARTH_VK_MEMBER

}  // namespace hearth::vulkan
