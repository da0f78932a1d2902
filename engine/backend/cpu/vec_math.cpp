#include "backend/cpu/vec_math.h"

#include <bit>
#include <cmath>

namespace hearth::cpu {
namespace {

// Constants of ggml's vector exp: 2^x = 2^n * p(b) with n = round(x * log2(e)) found by
// adding and subtracting 1.5 * 2^23, b = x - n * ln2 in two parts, p a degree-5 polynomial.
constexpr float kShifter = 0x1.8p23f;
constexpr float kLog2e = 0x1.715476p+0f;
constexpr float kLn2Hi = 0x1.62e4p-1f;
constexpr float kLn2Lo = 0x1.7f7d1cp-20f;
constexpr float kC5 = 0x1.0e4020p-7f;
constexpr float kC4 = 0x1.573e2ep-5f;
constexpr float kC3 = 0x1.555e66p-3f;
constexpr float kC2 = 0x1.fffdb6p-2f;
constexpr float kC1 = 0x1.ffffecp-1f;

void swiglu_scalar(float* gate, const float* up, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
        const float x = gate[i];
        gate[i] = x / (1.0f + std::exp(-x)) * up[i];
    }
}

double soft_max_scalar(float* y, const float* x, int64_t n, float max) {
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        const float v = std::exp(x[i] - max);
        sum += double(v);
        y[i] = v;
    }
    return sum;
}

}  // namespace

float vector_exp_lane_avx512(float x) {
    const float z = std::fma(x, kLog2e, kShifter);
    const float n = z - kShifter;
    const float b = std::fma(-n, kLn2Lo, std::fma(-n, kLn2Hi, x));
    if (std::isnan(n)) return n;
    if (std::fabs(n) > 192.0f) return n <= 0.0f ? 0.0f : INFINITY;
    const float u = b * b;
    const float j = std::fma(std::fma(std::fma(kC5, b, kC4), u, std::fma(kC3, b, kC2)), u,
                             std::fma(kC1, b, 1.0f));
    return std::ldexp(j, int(n));  // vscalefps: j * 2^n, rounded once
}

float vector_exp_lane_avx2(float x) {
    const float z = std::fma(x, kLog2e, kShifter);
    const float n = z - kShifter;
    const float b = std::fma(-n, kLn2Lo, std::fma(-n, kLn2Hi, x));
    // 2^n built in the exponent field from z's low mantissa bits.
    const uint32_t e = std::bit_cast<uint32_t>(z) << 23;
    const float k = std::bit_cast<float>(e + std::bit_cast<uint32_t>(1.0f));
    const float u = b * b;
    const float j = std::fma(std::fma(std::fma(kC5, b, kC4), u, std::fma(kC3, b, kC2)), u, kC1 * b);
    if (!(std::fabs(n) > 126.0f)) return std::fma(k, j, k);
    // Large |n|: 2^n split into two factors so neither overflows.
    const uint32_t g = n <= 0.0f ? 0x82000000u : 0u;
    const float s1 = std::bit_cast<float>(g + 0x7f000000u);
    const float s2 = std::bit_cast<float>(e - g);
    if (std::fabs(n) > 192.0f) return s1 * s1;
    return std::fma(s2, j, s2) * s1;
}

SwigluFn swiglu_fn(SimdLevel level) {
    switch (level) {
        case SimdLevel::avx512:
            return swiglu_avx512;
        case SimdLevel::avx2:
            return swiglu_avx2;
        default:
            return swiglu_scalar;
    }
}

SoftMaxFn soft_max_fn(SimdLevel level) {
    switch (level) {
        case SimdLevel::avx512:
            return soft_max_avx512;
        case SimdLevel::avx2:
            return soft_max_avx2;
        default:
            return soft_max_scalar;
    }
}

void swiglu(float* gate, const float* up, int64_t n) {
    static const SwigluFn fn = swiglu_fn(active_simd_level());
    fn(gate, up, n);
}

double soft_max(float* y, const float* x, int64_t n, float max) {
    static const SoftMaxFn fn = soft_max_fn(active_simd_level());
    return fn(y, x, n, max);
}

}  // namespace hearth::cpu
