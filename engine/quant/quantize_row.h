#pragma once
// One entry point for every type `hearth quantize` writes: the legacy block formats and the
// float types come from the CPU backend's reference quantizers (the ones tested byte for
// byte against gguf-py), the K-quants from k_quantize.h.
#include <cstdint>
#include <optional>
#include <string_view>

#include "gguf/ggml_type.h"

namespace hearth::quant {

using gguf::GgmlType;

// The types a model can be quantized to: Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K,
// and the float types F32, F16 (for dequantizing a model to its highest precision).
bool is_quantize_target(GgmlType type);
// "Q4_K" -> Q4_K for the names above (case-insensitive); nullopt otherwise.
std::optional<GgmlType> parse_quantize_target(std::string_view name);
// "Q8_0|Q4_0|..." for usage lines.
std::string_view quantize_target_names();

// Quantizes n floats (a multiple of the type's block size) into `out`.
// Throws Error(invalid_argument) for other types or lengths.
void quantize_row(GgmlType type, const float* x, void* out, int64_t n);

}  // namespace hearth::quant
