#pragma once
// Rotary position embedding on rows of heads. Angles follow ggml: theta_0 = pos, and each
// next pair multiplies by base^(-2/n_rot) in float, so the figures match llama.cpp's cache.
#include <cstdint>

#include "backend/backend.h"

namespace hearth::cpu {

// x: n_tokens rows of n_heads * head_dim floats; token t is at position pos0 + t.
// Dimensions [n_rot, head_dim) of each head are left untouched.
void rope_rows(float* x, int64_t n_tokens, int n_heads, int head_dim, int pos0,
               const RopeParams& params);

// The AVX-512 part of one neox-layout head: rotates pairs (i, i + n_rot / 2) for i below the
// returned count (a multiple of 16), bit-identical to the scalar loop; cos_sin holds
// (cos theta_i, sin theta_i) pairs.
int rope_neox_head_avx512(float* head, const float* cos_sin, int n_rot);

// The scalar loop only (the reference the AVX-512 part is tested against).
void rope_rows_scalar(float* x, int64_t n_tokens, int n_heads, int head_dim, int pos0,
                      const RopeParams& params);

}  // namespace hearth::cpu
