#pragma once
// Element-wise ops of the feed-forward block and the logit soft-cap.
#include <cstdint>

namespace hearth::cpu {

// gate[i] = silu(gate[i]) * up[i], silu(x) = x / (1 + e^-x), with ggml's vector exp
// (vec_math.h).
void silu_gate(float* gate, const float* up, int64_t n);

// gate[i] = gelu(gate[i]) * up[i] with the tanh approximation, evaluated the way ggml's CPU
// op does: the input rounded to F16, GELU of that in float, the result rounded to F16
// (ggml reads it from a 65536-entry F16 table); exactly 0 below -10 and identity above 10.
void gelu_gate(float* gate, const float* up, int64_t n);

// The AVX-512 part of gelu_gate: the first n / 16 * 16 elements (returned), bit-identical;
// table = GELU of every F16 value as F16 bits, 65536 entries plus one spare.
int64_t gelu_gate_avx512(float* gate, const float* up, int64_t n, const uint16_t* table);

// GELU of every F16 value as F16 bits (65536 entries and a spare one): the table gelu_gate
// reads, built once. The Vulkan backend uploads it so its GELU is this one.
const uint16_t* gelu_f16_table();

// x[i] = cap * tanh(x[i] * (1 / cap)).
void softcap(float* x, int64_t n, float cap);

}  // namespace hearth::cpu
