#pragma once
// Shared helpers for the CPU kernel tests: seeded random weight blocks with sane half
// scales (random bytes would make NaN/inf scales), float rows, and a tolerance helper.
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "backend/cpu/fp16.h"
#include "backend/cpu/kernels.h"
#include "backend/cpu/kernels_dispatch.h"
#include "backend/cpu/quant_blocks.h"
#include "core/error.h"

namespace kernel_test {

using hearth::cpu::GgmlType;

inline std::vector<float> random_floats(std::mt19937& rng, int64_t n, float scale = 1.0f) {
    std::normal_distribution<float> dist(0.0f, scale);
    std::vector<float> v(static_cast<size_t>(n));
    for (auto& x : v)
        x = dist(rng);
    return v;
}

inline uint16_t random_half(std::mt19937& rng, float lo, float hi) {
    std::uniform_real_distribution<float> dist(lo, hi);
    return hearth::cpu::fp32_to_fp16(dist(rng));
}

// Random bytes for every quant bit, then valid small scales in the half fields.
inline std::vector<uint8_t> random_row(std::mt19937& rng, GgmlType type, int64_t n) {
    using namespace hearth::cpu;
    const size_t bytes = row_size(type, n);
    std::vector<uint8_t> row(bytes);
    std::uniform_int_distribution<int> byte(0, 255);
    for (auto& b : row)
        b = static_cast<uint8_t>(byte(rng));
    const BlockShape shape = block_shape(type);
    const int64_t nb = n / shape.elements;
    auto at = [&](int64_t i) { return row.data() + i * shape.bytes; };
    for (int64_t i = 0; i < nb; ++i) {
        uint8_t* p = at(i);
        auto put = [&](size_t offset, uint16_t h) { std::memcpy(p + offset, &h, 2); };
        switch (type) {
            case GgmlType::F32: {
                const float f = std::normal_distribution<float>(0.0f, 1.0f)(rng);
                std::memcpy(p, &f, 4);
                break;
            }
            case GgmlType::F16:
                put(0, random_half(rng, -2.0f, 2.0f));
                break;
            case GgmlType::BF16: {
                const uint16_t h = fp32_to_bf16(std::normal_distribution<float>(0.0f, 1.0f)(rng));
                std::memcpy(p, &h, 2);
                break;
            }
            case GgmlType::Q4_0:
            case GgmlType::Q5_0:
            case GgmlType::Q8_0:
                put(0, random_half(rng, -0.05f, 0.05f));
                break;
            case GgmlType::Q4_1:
            case GgmlType::Q5_1:
                put(0, random_half(rng, 0.0f, 0.05f));
                put(2, random_half(rng, -0.5f, 0.5f));
                break;
            case GgmlType::Q2_K:
                put(offsetof(BlockQ2_K, d), random_half(rng, 0.0f, 0.02f));
                put(offsetof(BlockQ2_K, dmin), random_half(rng, 0.0f, 0.02f));
                break;
            case GgmlType::Q3_K:
                put(offsetof(BlockQ3_K, d), random_half(rng, -0.02f, 0.02f));
                break;
            case GgmlType::Q4_K:
            case GgmlType::Q5_K:
                put(0, random_half(rng, 0.0f, 0.01f));
                put(2, random_half(rng, 0.0f, 0.01f));
                break;
            case GgmlType::Q6_K:
                put(offsetof(BlockQ6_K, d), random_half(rng, -0.01f, 0.01f));
                break;
            case GgmlType::Q8_K: {
                const float d = std::uniform_real_distribution<float>(-0.05f, 0.05f)(rng);
                std::memcpy(p, &d, 4);
                break;
            }
            default:
                break;
        }
    }
    return row;
}

// Sum of |w_i * a_i| over dequantized rows: the scale a float-order difference lives on.
inline double dot_magnitude(GgmlType wtype, const void* w, GgmlType atype, const void* a,
                            int64_t n) {
    std::vector<float> wf(static_cast<size_t>(n)), af(static_cast<size_t>(n));
    hearth::cpu::dequantize_row(wtype, w, wf.data(), n);
    hearth::cpu::dequantize_row(atype, a, af.data(), n);
    double m = 0.0;
    for (int64_t i = 0; i < n; ++i)
        m += std::abs(static_cast<double>(wf[i]) * af[i]);
    return m;
}

inline const std::vector<GgmlType>& weight_types() {
    static const std::vector<GgmlType> types = {
        GgmlType::F32,  GgmlType::F16,  GgmlType::BF16, GgmlType::Q4_0, GgmlType::Q4_1,
        GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0, GgmlType::Q2_K, GgmlType::Q3_K,
        GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K};
    return types;
}

inline const char* type_name(GgmlType t) {
    switch (t) {
        case GgmlType::F32:
            return "f32";
        case GgmlType::F16:
            return "f16";
        case GgmlType::BF16:
            return "bf16";
        case GgmlType::Q4_0:
            return "q4_0";
        case GgmlType::Q4_1:
            return "q4_1";
        case GgmlType::Q5_0:
            return "q5_0";
        case GgmlType::Q5_1:
            return "q5_1";
        case GgmlType::Q8_0:
            return "q8_0";
        case GgmlType::Q8_1:
            return "q8_1";
        case GgmlType::Q2_K:
            return "q2_K";
        case GgmlType::Q3_K:
            return "q3_K";
        case GgmlType::Q4_K:
            return "q4_K";
        case GgmlType::Q5_K:
            return "q5_K";
        case GgmlType::Q6_K:
            return "q6_K";
        case GgmlType::Q8_K:
            return "q8_K";
        default:
            return "?";
    }
}

}  // namespace kernel_test
