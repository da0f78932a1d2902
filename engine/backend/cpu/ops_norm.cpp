#include "backend/cpu/ops_norm.h"

#include <cmath>

namespace hearth::cpu {

void rms_norm_rows(const float* x, const float* w, float* y, int64_t n_rows, int64_t n, float eps) {
    for (int64_t r = 0; r < n_rows; ++r) {
        const float* xr = x + r * n;
        float* yr = y + r * n;
        double sum = 0.0;
        for (int64_t i = 0; i < n; ++i) {
            sum += double(xr[i] * xr[i]);
        }
        const float mean = float(sum / double(n));
        const float scale = 1.0f / std::sqrt(mean + eps);
        if (w) {
            for (int64_t i = 0; i < n; ++i) {
                yr[i] = xr[i] * scale * w[i];
            }
        } else {
            for (int64_t i = 0; i < n; ++i) {
                yr[i] = xr[i] * scale;
            }
        }
    }
}

}  // namespace hearth::cpu
