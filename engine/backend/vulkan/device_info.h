#pragma once
// What one physical device is and can do, read once from the driver. Each optional feature
// has a portable fallback: the shaders shipped today use only 32-bit storage and fp32 math
// (the fallback of every row below), so any Vulkan 1.2 device with a compute queue runs them;
// the flags decide which faster variants a device may get.
//
//   feature                 | faster variant it enables        | fallback
//   fp16 storage / math     | halves loaded/computed natively  | unpackHalf2x16 on 32-bit words
//   8-bit storage           | byte loads of quant blocks       | shifts on 32-bit words
//   subgroup arithmetic     | subgroupAdd reductions           | shared-memory tree reduction
//   integer dot product     | dp4a-style Q8 dots               | fp32 multiply-add
//   cooperative matrix      | tensor-core tiles for prefill    | scalar tiles
//   float64                 | exact fma where fma() is split   | the driver's fma()
#include <cstdint>
#include <string>
#include <string_view>

#include "backend/vulkan/loader.h"

namespace hearth::vulkan {

enum class DeviceKind { discrete, integrated, virtual_gpu, cpu, other };

const char* device_kind_name(DeviceKind kind);

struct DeviceInfo {
    int index = -1;  // position in vkEnumeratePhysicalDevices
    std::string name;
    DeviceKind kind = DeviceKind::other;
    uint32_t vendor_id = 0, device_id = 0;
    uint32_t api_version = 0;
    std::string driver_name;  // "llvmpipe", "NVIDIA", "radv" ...
    std::string driver_info;  // "Mesa 22.3.6 (LLVM 15.0.6)"

    uint64_t device_local_bytes = 0;         // sum of device-local heaps
    bool device_local_host_visible = false;  // UMA / resizable BAR: no staging copies needed

    int compute_queue_family = -1;  // -1: no compute queue (unusable)

    // Limits the dispatch helper and the suballocator respect.
    uint32_t max_workgroup_count[3] = {0, 0, 0};
    uint32_t max_workgroup_invocations = 0;
    uint32_t max_shared_memory = 0;
    uint64_t max_storage_buffer_range = 0;
    uint64_t min_storage_offset_alignment = 0;

    // Optional features (see the table above).
    bool fp16_storage = false;
    bool fp16_arithmetic = false;
    bool int8_storage = false;
    bool int8_arithmetic = false;
    uint32_t subgroup_size = 0;
    bool subgroup_arithmetic = false;  // in compute shaders
    bool subgroup_shuffle = false;
    bool integer_dot_product = false;
    bool cooperative_matrix = false;
    bool float64 = false;  // shaderFloat64 (enabled on the device when offered)

    // Driver flag: fma() is computed as a multiply and an add, not fused. Mesa's llvmpipe
    // (lavapipe) lowers it so (its NIR options set lower_ffma32), which changes the last bit
    // of the matmuls' per-block float steps; the matmul shaders then build an exactly
    // rounded fma from doubles (shaders/fma_exact.glsl) where the device has float64.
    bool splits_fma = false;

    // Why the device cannot be used; empty when it can.
    std::string unusable_reason;
    bool usable() const { return unusable_reason.empty(); }
    bool software() const { return kind == DeviceKind::cpu; }

    // "fp16 int8 subgroup(32) dot coopmat" style summary for logs and `hearth devices`.
    std::string feature_summary() const;
    // "1.3.230"
    std::string api_version_string() const;
};

// `vk`: the table of the instance `device` belongs to.
DeviceInfo query_device(const InstanceFunctions& vk, VkPhysicalDevice device, int index);

// HEARTH_VULKAN_PORTABLE (read each time) makes ops pick the variant that does without an
// optional feature even where the device has it, so tests run every fallback variant on
// any device: "1" for all features, or a comma-separated list of "float64", "int-dot".
bool portable_variant_forced(std::string_view feature);

// Which shader variants an op gets (the exact ones reproduce the CPU's arithmetic).
inline bool use_float64_variants(const DeviceInfo& info) {
    return info.float64 && !portable_variant_forced("float64");
}
inline bool use_exact_fma_variants(const DeviceInfo& info) {
    return info.splits_fma && use_float64_variants(info);
}
// Integer dot products are enabled on devices of Vulkan 1.3 (core there; older devices
// would need the extension enabled too).
inline bool int_dot_enabled(const DeviceInfo& info) {
    return info.integer_dot_product && info.api_version >= VK_API_VERSION_1_3;
}
inline bool use_int_dot_variants(const DeviceInfo& info) {
    return int_dot_enabled(info) && !portable_variant_forced("int-dot");
}

}  // namespace hearth::vulkan
