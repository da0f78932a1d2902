#include "quant/quantize_row.h"

#include <string>

#include "backend/cpu/kernels.h"
#include "core/error.h"
#include "quant/k_quantize.h"

namespace hearth::quant {
namespace {

constexpr GgmlType kTargets[] = {GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0,
                                 GgmlType::Q5_1, GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K,
                                 GgmlType::F16,  GgmlType::F32};

}  // namespace

bool is_quantize_target(GgmlType type) {
    for (GgmlType t : kTargets) {
        if (t == type) return true;
    }
    return false;
}

std::optional<GgmlType> parse_quantize_target(std::string_view name) {
    const auto type = gguf::ggml_type_from_name(name);
    if (type && is_quantize_target(*type)) return type;
    return std::nullopt;
}

std::string_view quantize_target_names() {
    return "Q8_0|Q4_0|Q4_1|Q5_0|Q5_1|Q4_K|Q5_K|Q6_K|F16|F32";
}

void quantize_row(GgmlType type, const float* x, void* out, int64_t n) {
    if (!is_quantize_target(type)) {
        throw Error(ErrorCode::invalid_argument,
                    "cannot quantize to " + gguf::ggml_type_upper_name(type));
    }
    const auto& traits = gguf::ggml_type_traits(type);
    if (n % traits.block_size != 0) {
        throw Error(ErrorCode::invalid_argument, "a row of " + std::to_string(n) +
                                                     " elements does not fill whole " +
                                                     gguf::ggml_type_upper_name(type) + " blocks");
    }
    switch (type) {
        case GgmlType::Q4_K:
            return quantize_q4_k(x, out, n);
        case GgmlType::Q5_K:
            return quantize_q5_k(x, out, n);
        case GgmlType::Q6_K:
            return quantize_q6_k(x, out, n);
        default:
            return cpu::quantize_row(type, x, out, n);
    }
}

}  // namespace hearth::quant
