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

}  // namespace hearth::cpu
