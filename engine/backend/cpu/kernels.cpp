// Public kernel entry points (kernels.h) and the run-time choice between SIMD levels.
#include "backend/cpu/kernels.h"

#include <string>

#include "backend/cpu/kernels_dispatch.h"
#include "core/error.h"

namespace hearth::cpu {

BlockShape block_shape(GgmlType type) {
    switch (type) {
        case GgmlType::F32:
            return {1, 4};
        case GgmlType::F16:
            return {1, 2};
        case GgmlType::BF16:
            return {1, 2};
        case GgmlType::Q4_0:
            return {32, 18};
        case GgmlType::Q4_1:
            return {32, 20};
        case GgmlType::Q5_0:
            return {32, 22};
        case GgmlType::Q5_1:
            return {32, 24};
        case GgmlType::Q8_0:
            return {32, 34};
        case GgmlType::Q8_1:
            return {32, 36};
        case GgmlType::Q2_K:
            return {256, 84};
        case GgmlType::Q3_K:
            return {256, 110};
        case GgmlType::Q4_K:
            return {256, 144};
        case GgmlType::Q5_K:
            return {256, 176};
        case GgmlType::Q6_K:
            return {256, 210};
        case GgmlType::Q8_K:
            return {256, 292};
        default:
            return {0, 0};
    }
}

VecDotFn vec_dot_fn(SimdLevel level, GgmlType weight_type) {
    VecDotFn fn = nullptr;
    if (level == SimdLevel::avx512) fn = avx512_vec_dot(weight_type);
    if (!fn && level >= SimdLevel::avx2) fn = avx2_vec_dot(weight_type);
    if (!fn) fn = scalar_vec_dot(weight_type);
    return fn;
}

QuantizeFn activation_quantizer_fn(SimdLevel level, GgmlType act_type) {
    QuantizeFn fn = nullptr;
    if (level == SimdLevel::avx512) fn = avx512_activation_quantizer(act_type);
    if (!fn && level >= SimdLevel::avx2) fn = avx2_activation_quantizer(act_type);
    if (!fn) fn = scalar_activation_quantizer(act_type);
    return fn;
}

VecDotMultiFn vec_dot_multi_fn(SimdLevel level, GgmlType weight_type) {
    return level == SimdLevel::avx512 ? avx512_vec_dot_multi(weight_type) : nullptr;
}

VecDotRowsFn vec_dot_rows_fn(SimdLevel level, GgmlType weight_type) {
    return level == SimdLevel::avx512 ? avx512_vec_dot_rows(weight_type) : nullptr;
}

GemmKernel gemm_fn(SimdLevel level, GgmlType weight_type, int64_t n_tokens) {
    if (level != SimdLevel::avx512) return {};
    // Widest first: the token-per-lane tiles need 16 tokens, the 4 x 4 tiles 4.
    for (const GemmKernel& k : {avx512_gemm_lanes(weight_type), avx512_gemm_kquant(weight_type),
                                avx512_gemm(weight_type)}) {
        if (k && k.tokens <= n_tokens) return k;
    }
    return {};
}

VecDotFn vec_dot_tiled_fn(SimdLevel level, GgmlType weight_type) {
    VecDotFn fn = nullptr;
    if (level == SimdLevel::avx512) fn = avx512_vec_dot_tiled(weight_type);
    if (!fn) fn = scalar_vec_dot_tiled(weight_type);
    return fn;
}

VecDotMultiFn vec_dot_multi_tiled_fn(SimdLevel level, GgmlType weight_type) {
    return level == SimdLevel::avx512 ? avx512_vec_dot_multi_tiled(weight_type) : nullptr;
}

bool supports_weight_type(GgmlType type) {
    return scalar_vec_dot(type) != nullptr;
}

GgmlType vec_dot_type(GgmlType weight_type) {
    switch (weight_type) {
        case GgmlType::F32:
            return GgmlType::F32;
        case GgmlType::F16:
            return GgmlType::F16;
        case GgmlType::BF16:
            return GgmlType::BF16;
        case GgmlType::Q4_0:
        case GgmlType::Q5_0:
        case GgmlType::Q8_0:
            return GgmlType::Q8_0;
        case GgmlType::Q4_1:
        case GgmlType::Q5_1:
            return GgmlType::Q8_1;
        case GgmlType::Q2_K:
        case GgmlType::Q3_K:
        case GgmlType::Q4_K:
        case GgmlType::Q5_K:
        case GgmlType::Q6_K:
            return GgmlType::Q8_K;
        default:
            break;
    }
    throw Error(ErrorCode::unsupported, "CPU backend has no kernels for tensor type " +
                                            std::to_string(static_cast<uint32_t>(weight_type)));
}

size_t row_size(GgmlType type, int64_t n) {
    const BlockShape shape = block_shape(type);
    if (shape.elements == 0) {
        throw Error(ErrorCode::unsupported,
                    "row_size: unknown type " + std::to_string(static_cast<uint32_t>(type)));
    }
    if (n < 0 || n % shape.elements != 0) {
        throw Error(ErrorCode::invalid_argument,
                    "row_size: " + std::to_string(n) + " is not a multiple of the block size");
    }
    return static_cast<size_t>(n / shape.elements * shape.bytes);
}

float vec_dot(GgmlType weight_type, int64_t n, const void* weight_row, const void* act_row) {
    static const SimdLevel level = active_simd_level();
    const VecDotFn fn = vec_dot_fn(level, weight_type);
    if (!fn) {
        throw Error(ErrorCode::unsupported, "vec_dot: unsupported weight type " +
                                                std::to_string(static_cast<uint32_t>(weight_type)));
    }
    const BlockShape shape = block_shape(weight_type);
    if (n % shape.elements != 0) {
        throw Error(ErrorCode::invalid_argument, "vec_dot: length is not a multiple of the block");
    }
    return fn(n, weight_row, act_row);
}

}  // namespace hearth::cpu
