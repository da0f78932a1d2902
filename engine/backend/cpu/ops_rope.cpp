#include "backend/cpu/ops_rope.h"

#include <cmath>
#include <vector>

#include "backend/cpu/cpu_features.h"

namespace hearth::cpu {

namespace {

void rope(float* x, int64_t n_tokens, int n_heads, int head_dim, int pos0, const RopeParams& params,
          bool wide) {
    const int n_rot = params.n_rot;
    const float theta_scale = std::pow(params.freq_base, -2.0f / float(n_rot));
    // cache[2i] = cos(theta_i), cache[2i+1] = sin(theta_i) for the current position.
    std::vector<float> cache(static_cast<size_t>(n_rot));
    for (int64_t t = 0; t < n_tokens; ++t) {
        float theta = float(pos0 + t);
        for (int i0 = 0; i0 < n_rot; i0 += 2) {
            const float angle = params.freq_scale * theta;
            cache[size_t(i0)] = std::cos(angle);
            cache[size_t(i0) + 1] = std::sin(angle);
            theta *= theta_scale;
        }
        float* row = x + t * int64_t(n_heads) * head_dim;
        for (int h = 0; h < n_heads; ++h) {
            float* head = row + int64_t(h) * head_dim;
            int i0 = 0;
            if (wide && params.layout == RopeLayout::neox) {
                i0 = 2 * rope_neox_head_avx512(head, cache.data(), n_rot);
            }
            for (; i0 < n_rot; i0 += 2) {
                const float cos_theta = cache[size_t(i0)];
                const float sin_theta = cache[size_t(i0) + 1];
                // normal: pairs (2i, 2i+1); neox: pairs (i, i + n_rot/2).
                float* a = params.layout == RopeLayout::normal ? head + i0 : head + i0 / 2;
                float* b = params.layout == RopeLayout::normal ? a + 1 : a + n_rot / 2;
                const float x0 = *a;
                const float x1 = *b;
                // As ggml's native build contracts x0*c - x1*s and x0*s + x1*c: the first
                // product of each is the one fused.
                *a = std::fma(x0, cos_theta, -(x1 * sin_theta));
                *b = std::fma(x0, sin_theta, x1 * cos_theta);
            }
        }
    }
}

}  // namespace

void rope_rows(float* x, int64_t n_tokens, int n_heads, int head_dim, int pos0,
               const RopeParams& params) {
    static const bool wide = active_simd_level() == SimdLevel::avx512;
    rope(x, n_tokens, n_heads, head_dim, pos0, params, wide);
}

void rope_rows_scalar(float* x, int64_t n_tokens, int n_heads, int head_dim, int pos0,
                      const RopeParams& params) {
    rope(x, n_tokens, n_heads, head_dim, pos0, params, false);
}

}  // namespace hearth::cpu
