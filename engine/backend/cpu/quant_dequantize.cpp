// dequantize_row for every block format the CPU backend reads. Plain loops: this runs
// when loading or debugging, never inside a matmul.
#include <cstring>

#include "backend/cpu/fp16.h"
#include "backend/cpu/kernels.h"
#include "backend/cpu/kernels_dispatch.h"
#include "backend/cpu/quant_blocks.h"
#include "core/error.h"

namespace hearth::cpu {
namespace {

void dequant_q4_0(const BlockQ4_0* b, float* y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += kQK) {
        const float d = fp16_to_fp32(b[i].d);
        for (int j = 0; j < kQK / 2; ++j) {
            y[j] = static_cast<float>((b[i].qs[j] & 0xF) - 8) * d;
            y[j + 16] = static_cast<float>((b[i].qs[j] >> 4) - 8) * d;
        }
    }
}

void dequant_q4_1(const BlockQ4_1* b, float* y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += kQK) {
        const float d = fp16_to_fp32(b[i].d);
        const float m = fp16_to_fp32(b[i].m);
        for (int j = 0; j < kQK / 2; ++j) {
            y[j] = static_cast<float>(b[i].qs[j] & 0xF) * d + m;
            y[j + 16] = static_cast<float>(b[i].qs[j] >> 4) * d + m;
        }
    }
}

template <typename Block>
int fifth_bit_value(const Block& b, int j) {
    uint32_t qh;
    std::memcpy(&qh, b.qh, sizeof qh);
    const int low = j < 16 ? (b.qs[j] & 0xF) : (b.qs[j - 16] >> 4);
    return low | static_cast<int>(((qh >> j) & 1u) << 4);
}

void dequant_q5_0(const BlockQ5_0* b, float* y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += kQK) {
        const float d = fp16_to_fp32(b[i].d);
        for (int j = 0; j < kQK; ++j)
            y[j] = static_cast<float>(fifth_bit_value(b[i], j) - 16) * d;
    }
}

void dequant_q5_1(const BlockQ5_1* b, float* y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += kQK) {
        const float d = fp16_to_fp32(b[i].d);
        const float m = fp16_to_fp32(b[i].m);
        for (int j = 0; j < kQK; ++j)
            y[j] = static_cast<float>(fifth_bit_value(b[i], j)) * d + m;
    }
}

void dequant_q8_0(const BlockQ8_0* b, float* y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += kQK) {
        const float d = fp16_to_fp32(b[i].d);
        for (int j = 0; j < kQK; ++j)
            y[j] = static_cast<float>(b[i].qs[j]) * d;
    }
}

void dequant_q8_1(const BlockQ8_1* b, float* y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i, y += kQK) {
        const float d = fp16_to_fp32(b[i].d);
        for (int j = 0; j < kQK; ++j)
            y[j] = static_cast<float>(b[i].qs[j]) * d;
    }
}

// Q2_K: 256 elements in two halves of 128; each half has 32 bytes of qs holding four 2-bit
// planes; every 16 outputs use one scale byte (low nibble scale, high nibble min).
void dequant_q2_k(const BlockQ2_K* b, float* y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i) {
        const float d = fp16_to_fp32(b[i].d);
        const float dmin = fp16_to_fp32(b[i].dmin);
        const uint8_t* q = b[i].qs;
        int is = 0;
        for (int half = 0; half < 2; ++half, q += 32) {
            for (int shift = 0; shift < 8; shift += 2) {
                for (int part = 0; part < 2; ++part) {
                    const uint8_t sc = b[i].scales[is++];
                    const float dl = d * static_cast<float>(sc & 0xF);
                    const float ml = dmin * static_cast<float>(sc >> 4);
                    for (int l = 0; l < 16; ++l) {
                        *y++ = dl * static_cast<float>((q[l + 16 * part] >> shift) & 3) - ml;
                    }
                }
            }
        }
    }
}

void dequant_q3_k(const BlockQ3_K* b, float* y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i) {
        const float d = fp16_to_fp32(b[i].d);
        int8_t scales[16];
        q3k_scales(b[i].scales, scales);
        const uint8_t* q = b[i].qs;
        uint8_t mask = 1;
        int is = 0;
        for (int half = 0; half < 2; ++half, q += 32) {
            for (int shift = 0; shift < 8; shift += 2, mask <<= 1) {
                for (int part = 0; part < 2; ++part) {
                    const float dl = d * static_cast<float>(scales[is++] - 32);
                    for (int l = 0; l < 16; ++l) {
                        const int low = (q[l + 16 * part] >> shift) & 3;
                        const int high = (b[i].hmask[l + 16 * part] & mask) ? 0 : 4;
                        *y++ = dl * static_cast<float>(low - high);
                    }
                }
            }
        }
    }
}

void dequant_q4_k(const BlockQ4_K* b, float* y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i) {
        const float d = fp16_to_fp32(b[i].d);
        const float dmin = fp16_to_fp32(b[i].dmin);
        const uint8_t* q = b[i].qs;
        for (int sub = 0; sub < 8; sub += 2, q += 32) {
            uint8_t sc, m;
            k4_scale_min(sub, b[i].scales, sc, m);
            const float d1 = d * sc, m1 = dmin * m;
            k4_scale_min(sub + 1, b[i].scales, sc, m);
            const float d2 = d * sc, m2 = dmin * m;
            for (int l = 0; l < 32; ++l)
                *y++ = d1 * static_cast<float>(q[l] & 0xF) - m1;
            for (int l = 0; l < 32; ++l)
                *y++ = d2 * static_cast<float>(q[l] >> 4) - m2;
        }
    }
}

void dequant_q5_k(const BlockQ5_K* b, float* y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i) {
        const float d = fp16_to_fp32(b[i].d);
        const float dmin = fp16_to_fp32(b[i].dmin);
        const uint8_t* q = b[i].qs;
        for (int sub = 0; sub < 8; sub += 2, q += 32) {
            uint8_t sc, m;
            k4_scale_min(sub, b[i].scales, sc, m);
            const float d1 = d * sc, m1 = dmin * m;
            k4_scale_min(sub + 1, b[i].scales, sc, m);
            const float d2 = d * sc, m2 = dmin * m;
            const uint8_t bit1 = static_cast<uint8_t>(1u << sub);
            const uint8_t bit2 = static_cast<uint8_t>(2u << sub);
            for (int l = 0; l < 32; ++l) {
                *y++ = d1 * static_cast<float>((q[l] & 0xF) + ((b[i].qh[l] & bit1) ? 16 : 0)) - m1;
            }
            for (int l = 0; l < 32; ++l) {
                *y++ = d2 * static_cast<float>((q[l] >> 4) + ((b[i].qh[l] & bit2) ? 16 : 0)) - m2;
            }
        }
    }
}

// Q6_K: per 128-element half, ql holds 64 bytes of low nibbles and qh 32 bytes of 2-bit highs.
void dequant_q6_k(const BlockQ6_K* b, float* y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i) {
        const float d = fp16_to_fp32(b[i].d);
        const uint8_t* ql = b[i].ql;
        const uint8_t* qh = b[i].qh;
        const int8_t* sc = b[i].scales;
        for (int half = 0; half < 2; ++half, y += 128, ql += 64, qh += 32, sc += 8) {
            for (int l = 0; l < 32; ++l) {
                const int is = l / 16;
                const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[l] = d * static_cast<float>(sc[is]) * static_cast<float>(q1);
                y[l + 32] = d * static_cast<float>(sc[is + 2]) * static_cast<float>(q2);
                y[l + 64] = d * static_cast<float>(sc[is + 4]) * static_cast<float>(q3);
                y[l + 96] = d * static_cast<float>(sc[is + 6]) * static_cast<float>(q4);
            }
        }
    }
}

void dequant_q8_k(const BlockQ8_K* b, float* y, int64_t nb) {
    for (int64_t i = 0; i < nb; ++i) {
        for (int j = 0; j < kQK_K; ++j)
            *y++ = b[i].d * static_cast<float>(b[i].qs[j]);
    }
}

}  // namespace

void dequantize_row(GgmlType type, const void* src, float* out, int64_t n) {
    const BlockShape shape = block_shape(type);
    if (shape.elements == 0 || n % shape.elements != 0) {
        throw Error(ErrorCode::invalid_argument, "dequantize_row: unsupported type or length");
    }
    const int64_t nb = n / shape.elements;
    switch (type) {
        case GgmlType::F32:
            std::memcpy(out, src, static_cast<size_t>(n) * 4);
            return;
        case GgmlType::F16: {
            const auto* h = static_cast<const uint16_t*>(src);
            for (int64_t i = 0; i < n; ++i)
                out[i] = fp16_to_fp32(h[i]);
            return;
        }
        case GgmlType::BF16: {
            const auto* h = static_cast<const uint16_t*>(src);
            for (int64_t i = 0; i < n; ++i)
                out[i] = bf16_to_fp32(h[i]);
            return;
        }
        case GgmlType::Q4_0:
            return dequant_q4_0(static_cast<const BlockQ4_0*>(src), out, nb);
        case GgmlType::Q4_1:
            return dequant_q4_1(static_cast<const BlockQ4_1*>(src), out, nb);
        case GgmlType::Q5_0:
            return dequant_q5_0(static_cast<const BlockQ5_0*>(src), out, nb);
        case GgmlType::Q5_1:
            return dequant_q5_1(static_cast<const BlockQ5_1*>(src), out, nb);
        case GgmlType::Q8_0:
            return dequant_q8_0(static_cast<const BlockQ8_0*>(src), out, nb);
        case GgmlType::Q8_1:
            return dequant_q8_1(static_cast<const BlockQ8_1*>(src), out, nb);
        case GgmlType::Q2_K:
            return dequant_q2_k(static_cast<const BlockQ2_K*>(src), out, nb);
        case GgmlType::Q3_K:
            return dequant_q3_k(static_cast<const BlockQ3_K*>(src), out, nb);
        case GgmlType::Q4_K:
            return dequant_q4_k(static_cast<const BlockQ4_K*>(src), out, nb);
        case GgmlType::Q5_K:
            return dequant_q5_k(static_cast<const BlockQ5_K*>(src), out, nb);
        case GgmlType::Q6_K:
            return dequant_q6_k(static_cast<const BlockQ6_K*>(src), out, nb);
        case GgmlType::Q8_K:
            return dequant_q8_k(static_cast<const BlockQ8_K*>(src), out, nb);
        default:
            break;
    }
    throw Error(ErrorCode::unsupported, "dequantize_row: unsupported type");
}

}  // namespace hearth::cpu
