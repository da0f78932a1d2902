#pragma once
// Op recorders: each records one (or two) dispatches of an embedded shader into the
// context's command stream over device Regions. Nothing is submitted here; the caller
// flushes (or downloads, which flushes). Shapes follow backend/backend.h: activations are
// row-major F32, weights ggml rows with `row_stride` bytes between rows.
#include <cstdint>

#include "backend/backend.h"
#include "backend/vulkan/memory.h"

namespace hearth::vulkan {

class VulkanContext;

namespace ops {

// Weight types with matmul_* / get_rows_* shader variants.
bool weight_type_supported(GgmlType type);
// KV cache types with attention_* / kv_store_* variants (F16, F32).
bool cache_type_supported(GgmlType type);
// Largest head dimension attention.comp handles.
inline constexpr int kMaxHeadDim = 256;

// y (n_tokens x n_rows) = x (n_tokens x k) times w^T; w is n_rows rows of k elements. A w
// (or get_rows table) larger than the device's largest binding goes in windows of rows.
void matmul(VulkanContext& ctx, GgmlType type, const Region& w, size_t row_stride, int64_t k,
            int64_t n_rows, const Region& x, int64_t n_tokens, const Region& y);
// Quantized weights: the activations are first converted, like the CPU path does, to the
// int8 blocks of the weight type's vec_dot_type (Q8_1 layout for the 32-element formats,
// Q8_K for K-quants; bit-identical to backend/cpu's activation quantizers) in the context's
// scratch buffer, then dotted per block with the CPU's integer sums and float order.
// quantize_activations() is that first step on its own (tests compare it with the CPU's);
// `out` must hold quantized_activation_bytes().
void quantize_activations(VulkanContext& ctx, GgmlType weight_type, const Region& x, int64_t k,
                          int64_t n_tokens, const Region& out);
size_t quantized_activation_bytes(GgmlType weight_type, int64_t k, int64_t n_tokens);
// out[i] (k floats) = dequantized row ids[i] of the table; ids: n_ids int32.
void get_rows(VulkanContext& ctx, GgmlType type, const Region& table, size_t row_stride, int64_t k,
              const Region& ids, int64_t n_ids, const Region& out);

// y[r] = x[r] / sqrt(mean(x[r]^2) + eps) * w; `w` empty = no weight. y may equal x.
void rms_norm(VulkanContext& ctx, const Region& x, const Region& w, int64_t n_rows, int64_t n,
              float eps, const Region& y);
// In place on n_tokens rows of n_heads * head_dim floats at positions pos0...
void rope(VulkanContext& ctx, const Region& x, int64_t n_tokens, int n_heads, int head_dim,
          int pos0, const RopeParams& params);

// Writes n_tokens rows of K (k_cols floats) and V (v_cols) into cells pos0.. of the caches.
void kv_store(VulkanContext& ctx, GgmlType cache_type, const Region& k_cache, const Region& v_cache,
              int pos0, const Region& k, const Region& v, int64_t n_tokens, int64_t k_cols,
              int64_t v_cols);
// out (n_tokens x n_heads * head_dim_v) = softmax(q k^T) v over cache cells 0..pos0+t.
void attention(VulkanContext& ctx, GgmlType cache_type, const AttentionParams& params,
               const Region& q, int64_t n_tokens, const Region& k_cache, const Region& v_cache,
               const Region& out);

void silu_gate(VulkanContext& ctx, const Region& gate, const Region& up, int64_t n);
void gelu_gate(VulkanContext& ctx, const Region& gate, const Region& up, int64_t n);
void add(VulkanContext& ctx, const Region& a, const Region& b, const Region& y, int64_t n);
void mul(VulkanContext& ctx, const Region& a, const Region& b, const Region& y, int64_t n);
// y[r][c] += b[c] over n elements of rows of `cols`.
void add_rows(VulkanContext& ctx, const Region& y, const Region& b, int64_t n, int64_t cols);
void scale(VulkanContext& ctx, const Region& x, int64_t n, float s);
void softcap(VulkanContext& ctx, const Region& x, int64_t n, float cap);

}  // namespace ops
}  // namespace hearth::vulkan
