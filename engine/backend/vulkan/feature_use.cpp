#include "backend/vulkan/feature_use.h"

namespace hearth::vulkan {

namespace {

const char* yes_no(bool on) {
    return on ? "yes" : "no";
}

}  // namespace

std::vector<FeatureUse> feature_use(const DeviceInfo& info) {
    // The shaders use 32-bit storage and fp32/int32 math, reductions in one fixed order, so
    // they run on any Vulkan 1.2 device. Two optional features are chosen: float64, with
    // which the matmuls, RMSNorm, RoPE, SiLU and attention reproduce the CPU backend's
    // arithmetic to the bit (device_info.h: use_float64_variants), so greedy output matches
    // the CPU's token for token, and integer dot products, exact like the plain integer
    // code they replace. Other faster variants must keep that before they are chosen.
    std::string subgroup = "no";
    if (info.subgroup_size > 0) {
        subgroup = "size " + std::to_string(info.subgroup_size);
        if (info.subgroup_arithmetic) subgroup += ", arith";
        if (info.subgroup_shuffle) subgroup += ", shuffle";
    }
    return {
        {"fp16 storage", yes_no(info.fp16_storage), false,
         "f16 data is read as 32-bit words and unpacked"},
        {"fp16 arithmetic", yes_no(info.fp16_arithmetic), false,
         "math is fp32, as in the CPU backend"},
        {"8-bit storage", yes_no(info.int8_storage), false,
         "quant blocks are read as 32-bit words and shifted"},
        {"8-bit arithmetic", yes_no(info.int8_arithmetic), false,
         "8-bit values are widened to 32 bits before they are multiplied"},
        {"subgroup operations", subgroup, false,
         "reductions go through shared memory, in the same order on every device"},
        {"integer dot product", yes_no(info.integer_dot_product), use_int_dot_variants(info),
         use_int_dot_variants(info) ? "quantized matmuls dot four int8 pairs per instruction"
                                    : "quantized matmuls unpack int8 pairs into 32-bit products"},
        {"cooperative matrix", yes_no(info.cooperative_matrix), false,
         "prefill multiplies in scalar tiles"},
        {"float64", yes_no(info.float64), use_float64_variants(info),
         use_float64_variants(info)
             ? (std::string("exact variants: RMSNorm's double sum, the C library's expf in "
                            "attention") +
                (info.splits_fma ? ", fma built from doubles (the driver splits fma())" : ""))
             : "fp32 only: RMSNorm, attention (and fma where the driver splits it) may differ "
               "from the CPU backend in the last bits"},
    };
}

}  // namespace hearth::vulkan
