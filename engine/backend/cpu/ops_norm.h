#pragma once
// RMS normalisation on rows of floats, as ggml's CPU op computes it: the sum of squares in
// double, the mean and 1/sqrt(mean + eps) in float, then x * scale * w.
#include <cstdint>

namespace hearth::cpu {

// y[r][i] = x[r][i] * (1 / sqrt(mean_i(x[r]^2) + eps)) * (w ? w[i] : 1). y may alias x.
void rms_norm_rows(const float* x, const float* w, float* y, int64_t n_rows, int64_t n, float eps);

}  // namespace hearth::cpu
