#include "backend/vulkan/fault.h"

#include <cstdlib>
#include <string_view>

namespace hearth::vulkan {

Fault injected_fault(uint64_t* after) {
    const char* env = std::getenv("HEARTH_VULKAN_FAULT");
    if (!env || !*env) return Fault::none;
    const std::string_view value(env);
    if (value == "out-of-memory") return Fault::out_of_memory;
    if (value == "pipeline") return Fault::pipeline;
    if (value == "small-memory") return Fault::small_memory;
    if (value == "small-bindings") return Fault::small_bindings;
    if (value.substr(0, 11) == "device-lost") {
        uint64_t n = 0;
        if (value.size() > 12 && value[11] == ':') n = std::strtoull(env + 12, nullptr, 10);
        if (after) *after = n;
        return Fault::device_lost;
    }
    return Fault::none;
}

}  // namespace hearth::vulkan
