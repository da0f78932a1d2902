// quantize_row: the reference quantizers (the numerics gguf-py and llama-quantize write
// files with) and the scalar activation quantizers (the numerics llama.cpp's x86 CPU
// backend applies to activations before a matmul). The two differ for Q8_0/Q8_1 only:
// the reference multiplies by 1/(amax/127) and rounds half away from zero, the backend
// multiplies by 127/amax and rounds half to even.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>

#include "backend/cpu/fp16.h"
#include "backend/cpu/kernels.h"
#include "backend/cpu/kernels_dispatch.h"
#include "backend/cpu/quant_blocks.h"
#include "core/error.h"

namespace hearth::cpu {
namespace {

float block_amax(const float* x, int n) {
    float amax = 0.0f;
    for (int j = 0; j < n; ++j)
        amax = std::max(amax, std::fabs(x[j]));
    return amax;
}

// Element with the largest magnitude, keeping its sign (first one wins on ties).
float block_signed_max(const float* x, int n) {
    float amax = 0.0f, max = 0.0f;
    for (int j = 0; j < n; ++j) {
        if (amax < std::fabs(x[j])) {
            amax = std::fabs(x[j]);
            max = x[j];
        }
    }
    return max;
}

// Round half to even for |v| < 2^22 under the default FP rounding mode (what ggml's Q8_K
// quantizer and vroundps do).
int round_half_even(float v) {
    const float biased = v + 12582912.0f;  // 1.5 * 2^23: the add leaves the integer in the mantissa
    return static_cast<int>(float_bits(biased) & 0x007fffffu) - 0x00400000;
}

void ref_q8_0(const float* x, void* out, int64_t n) {
    auto* y = static_cast<BlockQ8_0*>(out);
    for (int64_t i = 0; i < n / kQK; ++i, x += kQK) {
        const float d = block_amax(x, kQK) / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        y[i].d = fp32_to_fp16(d);
        for (int j = 0; j < kQK; ++j)
            y[i].qs[j] = static_cast<int8_t>(std::roundf(x[j] * id));
    }
}

void ref_q8_1(const float* x, void* out, int64_t n) {
    auto* y = static_cast<BlockQ8_1*>(out);
    for (int64_t i = 0; i < n / kQK; ++i, x += kQK) {
        const float d = block_amax(x, kQK) / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        y[i].d = fp32_to_fp16(d);
        int sum = 0;
        for (int j = 0; j < kQK; ++j) {
            y[i].qs[j] = static_cast<int8_t>(std::roundf(x[j] * id));
            sum += y[i].qs[j];
        }
        y[i].s = fp32_to_fp16(static_cast<float>(sum) * d);
    }
}

void backend_q8_0(const float* x, void* out, int64_t n) {
    auto* y = static_cast<BlockQ8_0*>(out);
    for (int64_t i = 0; i < n / kQK; ++i, x += kQK) {
        const float amax = block_amax(x, kQK);
        y[i].d = fp32_to_fp16(amax / 127.0f);
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        for (int j = 0; j < kQK; ++j)
            y[i].qs[j] = static_cast<int8_t>(round_half_even(x[j] * id));
    }
}

void backend_q8_1(const float* x, void* out, int64_t n) {
    auto* y = static_cast<BlockQ8_1*>(out);
    for (int64_t i = 0; i < n / kQK; ++i, x += kQK) {
        const float amax = block_amax(x, kQK);
        const float d = amax / 127.0f;
        y[i].d = fp32_to_fp16(d);
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        int sum = 0;
        for (int j = 0; j < kQK; ++j) {
            y[i].qs[j] = static_cast<int8_t>(round_half_even(x[j] * id));
            sum += y[i].qs[j];
        }
        y[i].s = fp32_to_fp16(d * static_cast<float>(sum));
    }
}

// Q8_K scales by -127/max where max is the signed extreme, so d may be negative; the same
// code serves as reference and as llama.cpp's x86 activation quantizer.
void q8_k(const float* x, void* out, int64_t n) {
    auto* y = static_cast<BlockQ8_K*>(out);
    for (int64_t i = 0; i < n / kQK_K; ++i, x += kQK_K) {
        const float max = block_signed_max(x, kQK_K);
        if (max == 0.0f) {
            std::memset(&y[i], 0, sizeof y[i]);
            continue;
        }
        const float iscale = -127.0f / max;
        for (int j = 0; j < kQK_K; ++j) {
            y[i].qs[j] = static_cast<int8_t>(std::min(127, round_half_even(iscale * x[j])));
        }
        for (int g = 0; g < kQK_K / 16; ++g) {
            int sum = 0;
            for (int l = 0; l < 16; ++l)
                sum += y[i].qs[g * 16 + l];
            y[i].bsums[g] = static_cast<int16_t>(sum);
        }
        y[i].d = 1.0f / iscale;
    }
}

void to_f32(const float* x, void* out, int64_t n) {
    std::memcpy(out, x, static_cast<size_t>(n) * sizeof(float));
}

void to_f16(const float* x, void* out, int64_t n) {
    auto* h = static_cast<uint16_t*>(out);
    for (int64_t i = 0; i < n; ++i)
        h[i] = fp32_to_fp16(x[i]);
}

void to_bf16(const float* x, void* out, int64_t n) {
    auto* h = static_cast<uint16_t*>(out);
    for (int64_t i = 0; i < n; ++i)
        h[i] = fp32_to_bf16(x[i]);
}

void ref_q4_0(const float* x, void* out, int64_t n) {
    auto* y = static_cast<BlockQ4_0*>(out);
    for (int64_t i = 0; i < n / kQK; ++i, x += kQK) {
        const float d = block_signed_max(x, kQK) / -8.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        y[i].d = fp32_to_fp16(d);
        for (int j = 0; j < kQK / 2; ++j) {
            // Truncation after +8.5 is the reference's rounding; keep it for equal files.
            const int q0 = std::min(15, static_cast<int>(static_cast<int8_t>(x[j] * id + 8.5f)));
            const int q1 =
                std::min(15, static_cast<int>(static_cast<int8_t>(x[j + 16] * id + 8.5f)));
            y[i].qs[j] = static_cast<uint8_t>(q0 | (q1 << 4));
        }
    }
}

void min_max(const float* x, int n, float& min, float& max) {
    min = FLT_MAX;
    max = -FLT_MAX;
    for (int j = 0; j < n; ++j) {
        min = std::min(min, x[j]);
        max = std::max(max, x[j]);
    }
}

void ref_q4_1(const float* x, void* out, int64_t n) {
    auto* y = static_cast<BlockQ4_1*>(out);
    for (int64_t i = 0; i < n / kQK; ++i, x += kQK) {
        float min, max;
        min_max(x, kQK, min, max);
        const float d = (max - min) / 15.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        y[i].d = fp32_to_fp16(d);
        y[i].m = fp32_to_fp16(min);
        for (int j = 0; j < kQK / 2; ++j) {
            const int q0 =
                std::min(15, static_cast<int>(static_cast<int8_t>((x[j] - min) * id + 0.5f)));
            const int q1 =
                std::min(15, static_cast<int>(static_cast<int8_t>((x[j + 16] - min) * id + 0.5f)));
            y[i].qs[j] = static_cast<uint8_t>(q0 | (q1 << 4));
        }
    }
}

template <typename Block>
void pack_q5(Block& b, const int q[kQK]) {
    uint32_t qh = 0;
    for (int j = 0; j < kQK / 2; ++j) {
        b.qs[j] = static_cast<uint8_t>((q[j] & 0xF) | ((q[j + 16] & 0xF) << 4));
    }
    for (int j = 0; j < kQK; ++j)
        qh |= static_cast<uint32_t>((q[j] >> 4) & 1) << j;
    std::memcpy(b.qh, &qh, sizeof qh);
}

void ref_q5_0(const float* x, void* out, int64_t n) {
    auto* y = static_cast<BlockQ5_0*>(out);
    for (int64_t i = 0; i < n / kQK; ++i, x += kQK) {
        const float d = block_signed_max(x, kQK) / -16.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        y[i].d = fp32_to_fp16(d);
        int q[kQK];
        for (int j = 0; j < kQK; ++j) {
            q[j] = std::min(
                31, static_cast<int>(static_cast<uint8_t>(static_cast<int8_t>(x[j] * id + 16.5f))));
        }
        pack_q5(y[i], q);
    }
}

void ref_q5_1(const float* x, void* out, int64_t n) {
    auto* y = static_cast<BlockQ5_1*>(out);
    for (int64_t i = 0; i < n / kQK; ++i, x += kQK) {
        float min, max;
        min_max(x, kQK, min, max);
        const float d = (max - min) / 31.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        y[i].d = fp32_to_fp16(d);
        y[i].m = fp32_to_fp16(min);
        int q[kQK];
        for (int j = 0; j < kQK; ++j)
            q[j] = static_cast<uint8_t>((x[j] - min) * id + 0.5f);
        pack_q5(y[i], q);
    }
}

QuantizeFn reference_quantizer(GgmlType type) {
    switch (type) {
        case GgmlType::F32:
            return to_f32;
        case GgmlType::F16:
            return to_f16;
        case GgmlType::BF16:
            return to_bf16;
        case GgmlType::Q8_0:
            return ref_q8_0;
        case GgmlType::Q8_1:
            return ref_q8_1;
        case GgmlType::Q8_K:
            return q8_k;
        case GgmlType::Q4_0:
            return ref_q4_0;
        case GgmlType::Q4_1:
            return ref_q4_1;
        case GgmlType::Q5_0:
            return ref_q5_0;
        case GgmlType::Q5_1:
            return ref_q5_1;
        default:
            return nullptr;
    }
}

void check_length(GgmlType type, int64_t n, const char* what) {
    const BlockShape shape = block_shape(type);
    if (shape.elements == 0 || n % shape.elements != 0) {
        throw Error(ErrorCode::invalid_argument,
                    std::string(what) + ": length is not a multiple of the block size");
    }
}

}  // namespace

QuantizeFn scalar_activation_quantizer(GgmlType type) {
    switch (type) {
        case GgmlType::F32:
            return to_f32;
        case GgmlType::F16:
            return to_f16;
        case GgmlType::BF16:
            return to_bf16;
        case GgmlType::Q8_0:
            return backend_q8_0;
        case GgmlType::Q8_1:
            return backend_q8_1;
        case GgmlType::Q8_K:
            return q8_k;
        default:
            return nullptr;
    }
}

void quantize_row(GgmlType type, const float* x, void* out, int64_t n) {
    const QuantizeFn fn = reference_quantizer(type);
    if (!fn) throw Error(ErrorCode::unsupported, "quantize_row: no quantizer for this type");
    check_length(type, n, "quantize_row");
    fn(x, out, n);
}

void quantize_row_activation(GgmlType type, const float* x, void* out, int64_t n) {
    const QuantizeFn fn = activation_quantizer_fn(active_simd_level(), type);
    if (!fn) throw Error(ErrorCode::unsupported, "quantize_row_activation: not an activation type");
    check_length(type, n, "quantize_row_activation");
    fn(x, out, n);
}

}  // namespace hearth::cpu
