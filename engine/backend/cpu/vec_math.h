#pragma once
// ggml's vectorised exp, SiLU and softmax sum, reproduced bit for bit.
//
// ggml's CPU ops do not call expf() on their SIMD paths: ggml_vec_swiglu_f32 (SiLU-gated
// FFN) and ggml_vec_soft_max_f32 (the tiled flash-attention softmax) evaluate exp with a
// polynomial over whole vectors (16 lanes on AVX-512, 8 on AVX2) and fall back to expf()
// for the last n % lanes elements. The two SIMD variants differ in their last bits, and
// the softmax sum depends on how each vector is reduced, so each level here does what the
// ggml built for that level does; logits then match llama.cpp instead of drifting by an
// ulp per op. The scalar level is ggml's plain C path (expf everywhere).
#include <cstdint>

#include "backend/cpu/cpu_features.h"

namespace hearth::cpu {

// gate[i] = silu(gate[i]) * up[i], silu(x) = x / (1 + exp(-x)).
using SwigluFn = void (*)(float* gate, const float* up, int64_t n);
// y[i] = exp(x[i] - max) (x may be -inf: y = 0); returns the sum of the y, accumulated in
// double one vector at a time as ggml does.
using SoftMaxFn = double (*)(float* y, const float* x, int64_t n, float max);

SwigluFn swiglu_fn(SimdLevel level);
SoftMaxFn soft_max_fn(SimdLevel level);

// At active_simd_level().
void swiglu(float* gate, const float* up, int64_t n);
double soft_max(float* y, const float* x, int64_t n, float max);

// One lane of ggml's vector exp, in scalar code (std::fma where the SIMD code fuses): the
// reference the SIMD levels are tested against.
float vector_exp_lane_avx512(float x);
float vector_exp_lane_avx2(float x);

// Per-level implementations (vec_math_avx2.cpp, vec_math_avx512.cpp).
void swiglu_avx2(float* gate, const float* up, int64_t n);
void swiglu_avx512(float* gate, const float* up, int64_t n);
double soft_max_avx2(float* y, const float* x, int64_t n, float max);
double soft_max_avx512(float* y, const float* x, int64_t n, float max);

}  // namespace hearth::cpu
