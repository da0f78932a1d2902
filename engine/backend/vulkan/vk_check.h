#pragma once
// The one place a VkResult becomes an engine error. Every Vulkan call that returns a
// VkResult goes through vk_check(); every dispatch goes through CommandStream::dispatch()
// (commands.h), which validates its group counts and bindings the same way. Nothing in the
// Vulkan backend aborts: a failure is a hearth::Error the caller can turn into a CPU fallback.
#include <vulkan/vulkan.h>

#include <string>

namespace hearth::vulkan {

// "VK_ERROR_OUT_OF_DEVICE_MEMORY" etc.; "VkResult(N)" for values this build does not name.
const char* result_name(VkResult result);

// Throws Error(unsupported) for a missing driver/device/feature, Error(internal) for the
// rest; `what` names the call ("vkCreateDevice"). Returns normally for VK_SUCCESS and the
// other non-error codes (VK_INCOMPLETE, VK_TIMEOUT are the caller's to handle).
void vk_check(VkResult result, const char* what);

// Throws Error(internal, "vulkan: " + message) for a broken invariant of this backend.
[[noreturn]] void vk_fail(const std::string& message);

}  // namespace hearth::vulkan
