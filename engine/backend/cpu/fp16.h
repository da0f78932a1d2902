#pragma once
// Scalar half-precision conversions. fp32 -> fp16 and fp32 -> bf16 round to nearest even,
// bit-identical to F16C's vcvtps2ph (imm 0) and to ggml's scalar converters, because a
// different rounding of one activation would change llama.cpp-equal results.
#include <cmath>
#include <cstdint>
#include <cstring>

namespace hearth::cpu {

inline uint32_t float_bits(float f) {
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

inline float bits_float(uint32_t u) {
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

inline float fp16_to_fp32(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exponent = (h >> 10) & 0x1fu;
    const uint32_t mantissa = h & 0x3ffu;
    if (exponent == 0) {
        // Zero or subnormal: mantissa * 2^-24 is exact in float.
        const float v = static_cast<float>(mantissa) * 0x1p-24f;
        return sign ? -v : v;
    }
    if (exponent == 31) return bits_float(sign | 0x7f800000u | (mantissa << 13));
    return bits_float(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

inline uint16_t fp32_to_fp16(float f) {
    uint32_t x = float_bits(f);
    const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
    x &= 0x7fffffffu;
    if (x > 0x7f800000u) return sign | 0x7e00u;   // NaN stays NaN (quiet)
    if (x >= 0x477ff000u) return sign | 0x7c00u;  // >= 65520 rounds to infinity
    if (x < 0x38800000u) {
        // Below the smallest normal half (2^-14): adding 0.5 leaves a float whose ulp is
        // 2^-24, so the hardware add rounds |f| to the half subnormal grid (ties to even).
        const float shifted = bits_float(x) + 0.5f;
        return sign | static_cast<uint16_t>(float_bits(shifted) - float_bits(0.5f));
    }
    x += 0xfffu + ((x >> 13) & 1u);  // round to nearest even on the 13 dropped bits
    return sign | static_cast<uint16_t>((x - (112u << 23)) >> 13);
}

inline float bf16_to_fp32(uint16_t h) {
    return bits_float(static_cast<uint32_t>(h) << 16);
}

inline uint16_t fp32_to_bf16(float f) {
    const uint32_t x = float_bits(f);
    if ((x & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((x >> 16) | 0x40u);
    return static_cast<uint16_t>((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
}

}  // namespace hearth::cpu
