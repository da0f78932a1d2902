#pragma once
// Seeded weight matrices in every ggml format the shaders read: random bits for the quants,
// then sane half scales written over the scale fields (random bits there would make NaN and
// infinite scales). The float formats come from random floats through quantize_row.
#include <cstring>
#include <random>
#include <vector>

#include "backend/cpu/fp16.h"
#include "backend/cpu/kernels.h"
#include "core/error.h"

namespace vulkan_test {

using hearth::GgmlType;

struct ScaleFields {
    int block_elements;
    int block_bytes;
    std::vector<int> half_offsets;  // byte offsets of the half scale/min fields
};

inline ScaleFields scale_fields(GgmlType type) {
    switch (type) {
        case GgmlType::Q4_0:
            return {32, 18, {0}};
        case GgmlType::Q4_1:
            return {32, 20, {0, 2}};
        case GgmlType::Q5_0:
            return {32, 22, {0}};
        case GgmlType::Q5_1:
            return {32, 24, {0, 2}};
        case GgmlType::Q8_0:
            return {32, 34, {0}};
        case GgmlType::Q4_K:
        case GgmlType::Q5_K:
            return {256, type == GgmlType::Q4_K ? 144 : 176, {0, 2}};
        case GgmlType::Q6_K:
            return {256, 210, {208}};
        default:
            return {0, 0, {}};
    }
}

// `rows` rows of k elements of `type`, contiguous (row stride = row_size(type, k)).
inline std::vector<uint8_t> random_weights(std::mt19937& rng, GgmlType type, int64_t rows,
                                           int64_t k) {
    const size_t stride = hearth::cpu::row_size(type, k);
    std::vector<uint8_t> data(stride * size_t(rows));
    if (type == GgmlType::F32 || type == GgmlType::F16 || type == GgmlType::BF16) {
        std::normal_distribution<float> dist(0.0f, 1.0f);
        std::vector<float> row(static_cast<size_t>(k));
        for (int64_t r = 0; r < rows; ++r) {
            for (float& v : row)
                v = dist(rng);
            hearth::cpu::quantize_row(type, row.data(), data.data() + size_t(r) * stride, k);
        }
        return data;
    }
    const ScaleFields f = scale_fields(type);
    if (f.block_bytes == 0) throw hearth::Error(hearth::ErrorCode::unsupported, "test type");
    std::uniform_int_distribution<int> byte(0, 255);
    for (uint8_t& b : data)
        b = uint8_t(byte(rng));
    std::uniform_real_distribution<float> scale(0.001f, 0.05f);
    for (size_t block = 0; block < data.size() / size_t(f.block_bytes); ++block) {
        for (int offset : f.half_offsets) {
            const float sign = (offset == 2 && byte(rng) < 128) ? -1.0f : 1.0f;
            const uint16_t h = hearth::cpu::fp32_to_fp16(sign * scale(rng));
            std::memcpy(data.data() + block * size_t(f.block_bytes) + size_t(offset), &h, 2);
        }
    }
    return data;
}

}  // namespace vulkan_test
