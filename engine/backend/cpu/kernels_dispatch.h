#pragma once
// Internal: per-SIMD-level kernel tables behind kernels.h. Each level returns nullptr for
// what it does not implement and the lookup falls back to the next lower level, so a
// new SIMD kernel is one function plus one table entry. Tests call a level directly.
#include <cstddef>
#include <cstdint>

#include "backend/cpu/cpu_features.h"
#include "gguf/ggml_type.h"

namespace hearth::cpu {

using gguf::GgmlType;

// Dot of one weight row with one activation row (already in vec_dot_type), n elements.
using VecDotFn = float (*)(int64_t n, const void* weight_row, const void* act_row);
// Converts n floats to a block format (n a multiple of its block size).
using QuantizeFn = void (*)(const float* x, void* out, int64_t n);

// Prefill: one weight row against kMultiTokens activation rows (act + t * act_stride),
// results to out[t * out_stride]. Unpacking the weights once for several tokens is what
// makes this faster than kMultiTokens single dots.
constexpr int kMultiTokens = 4;
using VecDotMultiFn = void (*)(int64_t n, const void* weight_row, const void* act,
                               size_t act_stride, float* out, size_t out_stride);

// Decode: kMultiRows consecutive weight rows (weight_row + r * row_stride) against one
// activation row, results to out[r].
constexpr int kMultiRows = 4;
using VecDotRowsFn = void (*)(int64_t n, const void* weight_row, size_t row_stride, const void* act,
                              float* out);

// Prefill GEMM tile: `rows` consecutive weight rows x `tokens` tokens, all accumulators in
// registers. The tokens' activation rows (vec_dot_type) are first packed by `pack` into
// n / block_elements blocks of packed_block_bytes; `tile` writes out[t * out_stride + r].
// Where `prepare` is set (K-quants), the weight rows are first unpacked by it, once per
// matmul panel, into n / block_elements blocks of prepared_block_bytes per row, and `tile`
// reads those (weight_rows / row_stride then describe the prepared rows). Results are
// bit-identical to the kernels matmul uses without a tile: the single-row vec_dot of the same
// level for the 32-element types, the multi-token kernel (in the order matmul picks for that
// many tokens) for the K-quants.
constexpr int kGemmRows = 4;
constexpr int kGemmTokens = 4;
constexpr size_t kGemmPackedBlockBytes = 288;
constexpr int kLaneRows = 2;
constexpr int kLaneTokens = 16;
constexpr size_t kLanePackedBlockBytes = 640;
constexpr size_t kLanePreparedBlockBytes = 72;
constexpr int kKGemmRows = 4;
constexpr int kKGemmTokens = 16;
constexpr size_t kKGemmPackedBlockBytes = 4416;
constexpr size_t kKGemmPreparedBlockBytes = 384;
using GemmPackFn = void (*)(int64_t n, const void* act, size_t act_stride, void* packed);
using GemmPrepareFn = void (*)(int64_t n, const void* weight_rows, size_t row_stride, int rows,
                               void* prepared);
using GemmTileFn = void (*)(int64_t n, const void* weight_rows, size_t row_stride,
                            const void* packed, float* out, size_t out_stride);
struct GemmKernel {
    GemmPackFn pack = nullptr;
    GemmTileFn tile = nullptr;
    GemmPrepareFn prepare = nullptr;
    int rows = kGemmRows;
    int tokens = kGemmTokens;
    int64_t block_elements = 32;
    size_t packed_block_bytes = kGemmPackedBlockBytes;
    size_t prepared_block_bytes = 0;
    explicit operator bool() const { return tile != nullptr; }
};

// Per-level tables (nullptr = not implemented at that level).
VecDotFn scalar_vec_dot(GgmlType weight_type);
VecDotFn avx2_vec_dot(GgmlType weight_type);
VecDotFn avx512_vec_dot(GgmlType weight_type);
VecDotMultiFn avx512_vec_dot_multi(GgmlType weight_type);
VecDotRowsFn avx512_vec_dot_rows(GgmlType weight_type);
GemmKernel avx512_gemm(GgmlType weight_type);  // 4 x 4 register tiles (gemm_avx512.cpp)
GemmKernel avx512_gemm_kquant(GgmlType weight_type);
GemmKernel avx512_gemm_lanes(GgmlType weight_type);  // a token per lane (gemm_lanes_avx512.cpp)
QuantizeFn scalar_activation_quantizer(GgmlType act_type);
QuantizeFn avx2_activation_quantizer(GgmlType act_type);
QuantizeFn avx512_activation_quantizer(GgmlType act_type);

// ggml's tiled K-quant matmul: a matmul with kTiledMinTokens or more activation rows runs,
// in llama.cpp, per 256-element block: the block's exact integer dot times the weight scale,
// added to the running sum with one fma of the activation scale (Q6_K; the other K-quants
// llama.cpp tiles are repacked on x86 or not used by our models). These dots follow that
// order, and matmul() switches to them by the number of tokens so logits match.
constexpr int64_t kTiledMinTokens = 8;
VecDotFn scalar_vec_dot_tiled(GgmlType weight_type);
VecDotFn avx512_vec_dot_tiled(GgmlType weight_type);
VecDotMultiFn avx512_vec_dot_multi_tiled(GgmlType weight_type);
// nullptr where the type does not take the tiled path.
VecDotFn vec_dot_tiled_fn(SimdLevel level, GgmlType weight_type);
VecDotMultiFn vec_dot_multi_tiled_fn(SimdLevel level, GgmlType weight_type);

// Best implementation at or below `level`; nullptr only when the type is unsupported.
VecDotFn vec_dot_fn(SimdLevel level, GgmlType weight_type);
QuantizeFn activation_quantizer_fn(SimdLevel level, GgmlType act_type);
// nullptr where no multi-token kernel exists at or below `level` (use vec_dot_fn per token).
VecDotMultiFn vec_dot_multi_fn(SimdLevel level, GgmlType weight_type);
// nullptr where no multi-row kernel exists at or below `level` (use vec_dot_fn per row).
VecDotRowsFn vec_dot_rows_fn(SimdLevel level, GgmlType weight_type);

// The widest GEMM tile at or below `level` for a matmul of n_tokens tokens (its tokens <=
// n_tokens); empty where none applies (matmul then uses the kernels above).
GemmKernel gemm_fn(SimdLevel level, GgmlType weight_type, int64_t n_tokens);

// Block geometry for the types this backend knows (elements, bytes); {0, 0} otherwise.
struct BlockShape {
    int64_t elements;
    int64_t bytes;
};
BlockShape block_shape(GgmlType type);

}  // namespace hearth::cpu
