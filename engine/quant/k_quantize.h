#pragma once
// Reference quantizers for the K-quant super-block formats Q4_K, Q5_K and Q6_K (layouts in
// backend/cpu/quant_blocks.h). They follow the numerics llama-quantize uses when it has no
// importance matrix, so a tensor quantized here is the tensor llama.cpp would have written.
#include <cstdint>

namespace hearth::quant {

// n floats -> n / 256 blocks; n must be a multiple of 256 (the caller checks).
void quantize_q4_k(const float* x, void* out, int64_t n);
void quantize_q5_k(const float* x, void* out, int64_t n);
void quantize_q6_k(const float* x, void* out, int64_t n);

}  // namespace hearth::quant
