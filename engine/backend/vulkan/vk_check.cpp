#include "backend/vulkan/vk_check.h"

#include "core/error.h"

namespace hearth::vulkan {

const char* result_name(VkResult result) {
    switch (result) {
#define HEARTH_VK_RESULT(name) \
    case name:                 \
        return #name;
        HEARTH_VK_RESULT(VK_SUCCESS)
        HEARTH_VK_RESULT(VK_NOT_READY)
        HEARTH_VK_RESULT(VK_TIMEOUT)
        HEARTH_VK_RESULT(VK_INCOMPLETE)
        HEARTH_VK_RESULT(VK_ERROR_OUT_OF_HOST_MEMORY)
        HEARTH_VK_RESULT(VK_ERROR_OUT_OF_DEVICE_MEMORY)
        HEARTH_VK_RESULT(VK_ERROR_INITIALIZATION_FAILED)
        HEARTH_VK_RESULT(VK_ERROR_DEVICE_LOST)
        HEARTH_VK_RESULT(VK_ERROR_MEMORY_MAP_FAILED)
        HEARTH_VK_RESULT(VK_ERROR_LAYER_NOT_PRESENT)
        HEARTH_VK_RESULT(VK_ERROR_EXTENSION_NOT_PRESENT)
        HEARTH_VK_RESULT(VK_ERROR_FEATURE_NOT_PRESENT)
        HEARTH_VK_RESULT(VK_ERROR_INCOMPATIBLE_DRIVER)
        HEARTH_VK_RESULT(VK_ERROR_TOO_MANY_OBJECTS)
        HEARTH_VK_RESULT(VK_ERROR_FORMAT_NOT_SUPPORTED)
        HEARTH_VK_RESULT(VK_ERROR_FRAGMENTED_POOL)
        HEARTH_VK_RESULT(VK_ERROR_OUT_OF_POOL_MEMORY)
        HEARTH_VK_RESULT(VK_ERROR_UNKNOWN)
#undef HEARTH_VK_RESULT
        default:
            return "VkResult(?)";
    }
}

void vk_check(VkResult result, const char* what) {
    if (result >= 0) return;
    std::string message = std::string("vulkan: ") + what + " failed: " + result_name(result);
    if (std::string(result_name(result)) == "VkResult(?)") {
        message += " (" + std::to_string(int(result)) + ")";
    }
    switch (result) {
        case VK_ERROR_INCOMPATIBLE_DRIVER:
        case VK_ERROR_INITIALIZATION_FAILED:
        case VK_ERROR_EXTENSION_NOT_PRESENT:
        case VK_ERROR_FEATURE_NOT_PRESENT:
        case VK_ERROR_LAYER_NOT_PRESENT:
            throw Error(ErrorCode::unsupported, message);
        default:
            throw Error(ErrorCode::internal, message);
    }
}

void vk_fail(const std::string& message) {
    throw Error(ErrorCode::internal, "vulkan: " + message);
}

}  // namespace hearth::vulkan
