#include "backend/vulkan/loader.h"

#include <dlfcn.h>

#include <cstdlib>
#include <string>

#include "core/error.h"

namespace hearth::vulkan {

namespace {

[[noreturn]] void missing(const char* level, const char* name) {
    throw Error(ErrorCode::unsupported,
                std::string("vulkan: the Vulkan ") + level + " has no " + name);
}

}  // namespace

Loader::Loader() {
    const char* env = std::getenv("HEARTH_VULKAN_LOADER");
    const std::string name = env && *env ? env : kDefaultLoaderName;
    // RTLD_NODELETE: once loaded, the loader (and the drivers it loads) stay mapped for the
    // life of the process. Instances come and go (every probe makes one); unloading and
    // reloading a driver is a path some drivers get wrong, and memory they keep after an
    // unload belongs to an unmapped module, which LeakSanitizer reports as a leak.
    library_.reset(dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE));
    if (!library_) {
        const char* why = dlerror();
        throw NoLoader(why ? why : name + " could not be loaded");
    }
    vkGetInstanceProcAddr =
        reinterpret_cast<PFN_vkGetInstanceProcAddr>(dlsym(library_.get(), "vkGetInstanceProcAddr"));
    if (!vkGetInstanceProcAddr) {
        throw NoLoader(name + " has no vkGetInstanceProcAddr");
    }
    // Global functions are asked for with no instance (Vulkan spec, vkGetInstanceProcAddr).
#define HEARTH_VK_LOAD(fn)                                                       \
    fn = reinterpret_cast<PFN_##fn>(vkGetInstanceProcAddr(VK_NULL_HANDLE, #fn)); \
    if (!fn) missing("loader", #fn);
    HEARTH_VK_GLOBAL_FUNCTIONS(HEARTH_VK_LOAD)
#undef HEARTH_VK_LOAD
    vkEnumerateInstanceVersion = reinterpret_cast<PFN_vkEnumerateInstanceVersion>(
        vkGetInstanceProcAddr(VK_NULL_HANDLE, "vkEnumerateInstanceVersion"));
}

Loader::~Loader() = default;

void Loader::Close::operator()(void* library) const {
    dlclose(library);
}

void InstanceFunctions::load(const Loader& loader, VkInstance instance) {
#define HEARTH_VK_LOAD(fn)                                                        \
    fn = reinterpret_cast<PFN_##fn>(loader.vkGetInstanceProcAddr(instance, #fn)); \
    if (!fn) missing("instance", #fn);
    HEARTH_VK_INSTANCE_FUNCTIONS(HEARTH_VK_LOAD)
#undef HEARTH_VK_LOAD
}

void DeviceFunctions::load(const InstanceFunctions& instance, VkDevice device) {
#define HEARTH_VK_LOAD(fn)                                                      \
    fn = reinterpret_cast<PFN_##fn>(instance.vkGetDeviceProcAddr(device, #fn)); \
    if (!fn) missing("device", #fn);
    HEARTH_VK_DEVICE_FUNCTIONS(HEARTH_VK_LOAD)
#undef HEARTH_VK_LOAD
}

}  // namespace hearth::vulkan
