#pragma once
// CPU kernel entry points shared by every architecture. Numerics follow ggml's scheme so
// results match llama.cpp to the token: a quantized weight row is dotted with the
// activation row converted to that weight type's "vec dot type" (Q8_0 for Q4_0/Q5_0/Q8_0,
// Q8_1 for Q4_1/Q5_1, Q8_K for the K-quants, F16 for F16, BF16 for BF16, F32 for F32).
//
// Every function has a portable scalar reference; AVX2 and AVX-512 versions are picked at
// run time (cpu_features.h) and tested against the reference on odd shapes.
#include <cstddef>
#include <cstdint>

#include "gguf/ggml_type.h"

namespace hearth::cpu {

class ThreadPool;
using gguf::GgmlType;

// True when the CPU path can compute with weights of this type.
bool supports_weight_type(GgmlType type);

// The activation format vec_dot() expects for a weight type.
GgmlType vec_dot_type(GgmlType weight_type);

// Bytes needed for a row of n elements of type (n must be a multiple of the block size).
size_t row_size(GgmlType type, int64_t n);

// Converts n floats into `type` (F32, F16, BF16, Q8_0, Q8_1, Q8_K, and the weight types
// the quantizer supports). n must be a multiple of the type's block size.
void quantize_row(GgmlType type, const float* x, void* out, int64_t n);

// Converts an activation row exactly as llama.cpp's x86 CPU backend does before a matmul
// (Q8_0/Q8_1: multiplier 127/amax and round-half-to-even; Q8_K and the float types: same as
// quantize_row). matmul() uses this so results match llama.cpp; quantize_row() follows the
// reference quantizers that write model files (equal to gguf-py's).
void quantize_row_activation(GgmlType type, const float* x, void* out, int64_t n);

// Expands n elements of `type` to floats.
void dequantize_row(GgmlType type, const void* src, float* out, int64_t n);

// Dot product of one weight row (weight_type) with one activation row already converted
// by quantize_row(vec_dot_type(weight_type), ...). n = elements in the row.
float vec_dot(GgmlType weight_type, int64_t n, const void* weight_row, const void* act_row);

// A 2-D weight matrix in ggml order: `rows` rows of `cols` contiguous elements.
struct WeightView {
    GgmlType type;
    int64_t cols;  // k, the reduction dimension (ggml ne[0])
    int64_t rows;  // n_out (ggml ne[1])
    const void* data;
    size_t row_stride;  // bytes between rows
};

// y[t * w.rows + r] = dot(w row r, x row t) for t < n_tokens, r < w.rows.
// x is n_tokens rows of w.cols floats; the activation conversion happens inside, once per
// token row. Work is split across the pool's threads; scratch is the pool's (its
// kernel_scratch(), never scratch()), so a pool runs one matmul at a time: callers on
// different threads need different pools.
void matmul(ThreadPool& pool, const WeightView& w, const float* x, int64_t n_tokens, float* y);

}  // namespace hearth::cpu
