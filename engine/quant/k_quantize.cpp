// K-quant reference quantizers. Each 256-element super-block is split into sub-blocks that
// get their own scale (and, for Q4_K/Q5_K, a minimum); the sub-block scales are themselves
// quantized to 6 (Q4_K/Q5_K) or 8 (Q6_K) bits against one fp16 super-block scale, and the
// elements are then re-quantized against the scales as stored, so rounding of the scales
// does not leak into the element codes.
//
// The search heuristics (weighted least squares over a few candidate step sizes) are the
// ones ggml uses without an importance matrix; every float expression keeps ggml's order
// of operations so the output is byte-identical where the compiler does the same.
#include "quant/k_quantize.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "backend/cpu/fp16.h"
#include "backend/cpu/quant_blocks.h"

namespace hearth::quant {
namespace {

using cpu::BlockQ4_K;
using cpu::BlockQ5_K;
using cpu::BlockQ6_K;
using cpu::fp16_to_fp32;
using cpu::fp32_to_fp16;
using cpu::kQK_K;

constexpr float kGroupMaxEps = 1e-15f;  // a sub-block this small is treated as all zeros

// Round to nearest, ties to even, for |v| < 2^22 (the magic-number trick ggml uses).
int nearest_int(float v) {
    const float biased = v + 12582912.0f;  // 1.5 * 2^23
    uint32_t bits;
    std::memcpy(&bits, &biased, sizeof bits);
    return static_cast<int>(bits & 0x007fffffu) - 0x00400000;
}

int clamp_int(int v, int lo, int hi) {
    return std::max(lo, std::min(hi, v));
}

// Asymmetric fit for one 32-element sub-block: finds scale and min >= 0 so that
// x[i] ~ scale * L[i] - min with L[i] in [0, nmax], minimising the weighted squared error.
// Tries the plain min/max grid first, then nstep + 1 stretched grids (rmin + rdelta * k
// extra steps across the range), solving the 2x2 least-squares system for each.
struct AffineFit {
    float scale = 0.0f;
    float min = 0.0f;  // stored negated: the dequantized value is scale * L - min
};

AffineFit fit_affine(const float* x, const float* w, int n, int nmax, uint8_t* L, float rmin,
                     float rdelta, int nstep) {
    float lo = x[0], hi = x[0];
    float sum_w = w[0];
    float sum_x = sum_w * x[0];
    for (int i = 1; i < n; ++i) {
        lo = std::min(lo, x[i]);
        hi = std::max(hi, x[i]);
        sum_w += w[i];
        sum_x += w[i] * x[i];
    }
    if (lo > 0) lo = 0;  // the format's minimum only subtracts
    if (hi == lo) {
        std::fill(L, L + n, uint8_t{0});
        return {0.0f, -lo};
    }
    float iscale = nmax / (hi - lo);
    float scale = 1 / iscale;
    float best_error = 0;
    for (int i = 0; i < n; ++i) {
        L[i] = static_cast<uint8_t>(clamp_int(nearest_int(iscale * (x[i] - lo)), 0, nmax));
        const float diff = scale * L[i] + lo - x[i];
        best_error += w[i] * (diff * diff);
    }
    uint8_t trial[32];
    for (int step = 0; step <= nstep; ++step) {
        iscale = (rmin + rdelta * step + nmax) / (hi - lo);
        float sum_l = 0, sum_l2 = 0, sum_xl = 0;
        for (int i = 0; i < n; ++i) {
            const int l = clamp_int(nearest_int(iscale * (x[i] - lo)), 0, nmax);
            trial[i] = static_cast<uint8_t>(l);
            sum_l += w[i] * l;
            sum_l2 += w[i] * l * l;
            sum_xl += w[i] * l * x[i];
        }
        const float det = sum_w * sum_l2 - sum_l * sum_l;
        if (det <= 0) continue;
        float this_scale = (sum_w * sum_xl - sum_x * sum_l) / det;
        float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / det;
        if (this_min > 0) {
            this_min = 0;
            this_scale = sum_xl / sum_l2;
        }
        float error = 0;
        for (int i = 0; i < n; ++i) {
            const float diff = this_scale * trial[i] + this_min - x[i];
            error += w[i] * (diff * diff);
        }
        if (error < best_error) {
            std::copy(trial, trial + n, L);
            best_error = error;
            scale = this_scale;
            lo = this_min;
        }
    }
    return {scale, -lo};
}

// Symmetric fit for one 16-element Q6_K sub-block: x[i] ~ scale * (L[i] - nmax) with
// L[i] in [0, 2 * nmax - 1], weights x^2. Tries 19 step sizes around nmax / max|x|.
float fit_symmetric(const float* x, int n, int nmax, int8_t* L) {
    float amax = 0, max = 0;
    for (int i = 0; i < n; ++i) {
        if (std::fabs(x[i]) > amax) {
            amax = std::fabs(x[i]);
            max = x[i];
        }
    }
    if (amax < kGroupMaxEps) {
        std::fill(L, L + n, int8_t{0});
        return 0.0f;
    }
    auto code = [&](float iscale, int i) {
        return clamp_int(nearest_int(iscale * x[i]), -nmax, nmax - 1);
    };
    float iscale = -nmax / max;
    float sum_lx = 0, sum_l2 = 0;
    for (int i = 0; i < n; ++i) {
        const int l = code(iscale, i);
        L[i] = static_cast<int8_t>(l + nmax);
        const float w = x[i] * x[i];
        sum_lx += w * x[i] * l;
        sum_l2 += w * l * l;
    }
    float scale = sum_l2 ? sum_lx / sum_l2 : 0.0f;
    float best = scale * sum_lx;
    for (int step = -9; step <= 9; ++step) {
        if (step == 0) continue;
        iscale = -(nmax + 0.1f * step) / max;
        sum_lx = sum_l2 = 0;
        for (int i = 0; i < n; ++i) {
            const int l = code(iscale, i);
            const float w = x[i] * x[i];
            sum_lx += w * x[i] * l;
            sum_l2 += w * l * l;
        }
        if (sum_l2 > 0 && sum_lx * sum_lx > best * sum_l2) {
            for (int i = 0; i < n; ++i)
                L[i] = static_cast<int8_t>(code(iscale, i) + nmax);
            scale = sum_lx / sum_l2;
            best = scale * sum_lx;
        }
    }
    return scale;
}

// Q4_K / Q5_K share everything but the code width and the search grid. `scales12` receives
// the eight 6-bit scales and mins in the packing k4_scale_min() reads; L the element codes.
template <typename Block>
void quantize_k4_block(const float* x, Block& y, int nmax, float rmin, int nstep, uint8_t* L) {
    float scales[8], mins[8], weights[32];
    float max_scale = 0, max_min = 0;
    for (int j = 0; j < 8; ++j) {
        const float* xs = x + 32 * j;
        float sum_x2 = 0;
        for (int l = 0; l < 32; ++l)
            sum_x2 += xs[l] * xs[l];
        const float av_x = std::sqrt(sum_x2 / 32);
        for (int l = 0; l < 32; ++l)
            weights[l] = av_x + std::fabs(xs[l]);
        const AffineFit fit = fit_affine(xs, weights, 32, nmax, L + 32 * j, rmin, 0.1f, nstep);
        scales[j] = fit.scale;
        mins[j] = fit.min;
        max_scale = std::max(max_scale, fit.scale);
        max_min = std::max(max_min, fit.min);
    }
    const float inv_scale = max_scale > 0 ? 63.f / max_scale : 0.f;
    const float inv_min = max_min > 0 ? 63.f / max_min : 0.f;
    std::memset(y.scales, 0, sizeof y.scales);
    for (int j = 0; j < 8; ++j) {
        const auto ls = static_cast<uint8_t>(std::min(63, nearest_int(inv_scale * scales[j])));
        const auto lm = static_cast<uint8_t>(std::min(63, nearest_int(inv_min * mins[j])));
        if (j < 4) {
            y.scales[j] = ls;
            y.scales[j + 4] = lm;
        } else {
            y.scales[j + 4] = static_cast<uint8_t>((ls & 0xF) | ((lm & 0xF) << 4));
            y.scales[j - 4] |= static_cast<uint8_t>((ls >> 4) << 6);
            y.scales[j] |= static_cast<uint8_t>((lm >> 4) << 6);
        }
    }
    y.d = fp32_to_fp16(max_scale / 63.f);
    y.dmin = fp32_to_fp16(max_min / 63.f);
    // Re-derive the codes against the scales as stored.
    for (int j = 0; j < 8; ++j) {
        uint8_t sc, m;
        cpu::k4_scale_min(j, y.scales, sc, m);
        const float d = fp16_to_fp32(y.d) * sc;
        if (!d) continue;
        const float dm = fp16_to_fp32(y.dmin) * m;
        for (int i = 0; i < 32; ++i) {
            L[32 * j + i] =
                static_cast<uint8_t>(clamp_int(nearest_int((x[32 * j + i] + dm) / d), 0, nmax));
        }
    }
}

}  // namespace

void quantize_q4_k(const float* x, void* out, int64_t n) {
    auto* y = static_cast<BlockQ4_K*>(out);
    uint8_t L[kQK_K];
    for (int64_t b = 0; b < n / kQK_K; ++b, x += kQK_K) {
        quantize_k4_block(x, y[b], 15, -1.0f, 20, L);
        // Each 32-byte group packs elements [64g, 64g+32) low and [64g+32, 64g+64) high.
        for (int g = 0; g < 4; ++g) {
            for (int l = 0; l < 32; ++l) {
                y[b].qs[32 * g + l] =
                    static_cast<uint8_t>(L[64 * g + l] | (L[64 * g + l + 32] << 4));
            }
        }
    }
}

void quantize_q5_k(const float* x, void* out, int64_t n) {
    auto* y = static_cast<BlockQ5_K*>(out);
    uint8_t L[kQK_K];
    for (int64_t b = 0; b < n / kQK_K; ++b, x += kQK_K) {
        quantize_k4_block(x, y[b], 31, -0.5f, 15, L);
        // Low nibbles as Q4_K; the fifth bit of element 64g + l goes to bit 2g of qh[l],
        // that of element 64g + 32 + l to bit 2g + 1.
        std::memset(y[b].qh, 0, sizeof y[b].qh);
        for (int g = 0; g < 4; ++g) {
            for (int l = 0; l < 32; ++l) {
                const int lo = L[64 * g + l], hi = L[64 * g + l + 32];
                y[b].qs[32 * g + l] = static_cast<uint8_t>((lo & 0xF) | ((hi & 0xF) << 4));
                y[b].qh[l] |=
                    static_cast<uint8_t>(((lo >> 4) << (2 * g)) | ((hi >> 4) << (2 * g + 1)));
            }
        }
    }
}

void quantize_q6_k(const float* x, void* out, int64_t n) {
    auto* y = static_cast<BlockQ6_K*>(out);
    int8_t L[kQK_K];
    float scales[kQK_K / 16];
    for (int64_t b = 0; b < n / kQK_K; ++b, x += kQK_K) {
        float max_scale = 0, max_abs_scale = 0;
        for (int s = 0; s < kQK_K / 16; ++s) {
            scales[s] = fit_symmetric(x + 16 * s, 16, 32, L + 16 * s);
            if (std::fabs(scales[s]) > max_abs_scale) {
                max_abs_scale = std::fabs(scales[s]);
                max_scale = scales[s];
            }
        }
        if (max_abs_scale < kGroupMaxEps) {
            std::memset(&y[b], 0, sizeof y[b]);
            continue;
        }
        const float iscale = -128.f / max_scale;
        y[b].d = fp32_to_fp16(1 / iscale);
        for (int s = 0; s < kQK_K / 16; ++s)
            y[b].scales[s] = static_cast<int8_t>(std::min(127, nearest_int(iscale * scales[s])));
        for (int s = 0; s < kQK_K / 16; ++s) {
            const float d = fp16_to_fp32(y[b].d) * y[b].scales[s];
            if (!d) continue;
            for (int i = 0; i < 16; ++i) {
                const int l = clamp_int(nearest_int(x[16 * s + i] / d), -32, 31);
                L[16 * s + i] = static_cast<int8_t>(l + 32);
            }
        }
        // 128-element halves: ql holds low nibbles of quarters (0,2) and (1,3); qh the two
        // high bits of all four quarters.
        for (int h = 0; h < 2; ++h) {
            uint8_t* ql = y[b].ql + 64 * h;
            uint8_t* qh = y[b].qh + 32 * h;
            const int8_t* q = L + 128 * h;
            for (int l = 0; l < 32; ++l) {
                ql[l] = static_cast<uint8_t>((q[l] & 0xF) | ((q[l + 64] & 0xF) << 4));
                ql[l + 32] = static_cast<uint8_t>((q[l + 32] & 0xF) | ((q[l + 96] & 0xF) << 4));
                qh[l] = static_cast<uint8_t>((q[l] >> 4) | ((q[l + 32] >> 4) << 2) |
                                             ((q[l + 64] >> 4) << 4) | ((q[l + 96] >> 4) << 6));
            }
        }
    }
}

}  // namespace hearth::quant
