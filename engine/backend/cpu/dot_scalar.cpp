// Portable reference dot products, one per weight type, each against its vec_dot_type.
// Integer sums are formed per block (per super-block for K-quants) exactly as ggml does,
// then scaled in float, so SIMD versions can be bit-identical in the integer part and
// differ from this only in float summation order.
#include <cmath>
#include <cstring>

#include "backend/cpu/fp16.h"
#include "backend/cpu/kernels_dispatch.h"
#include "backend/cpu/quant_blocks.h"

namespace hearth::cpu {
namespace {

float dot_q4_0(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const BlockQ4_0*>(w);
    const auto* y = static_cast<const BlockQ8_0*>(a);
    float sum = 0.0f;
    for (int64_t i = 0; i < n / kQK; ++i) {
        int sumi = 0;
        for (int j = 0; j < kQK / 2; ++j) {
            sumi += ((x[i].qs[j] & 0xF) - 8) * y[i].qs[j];
            sumi += ((x[i].qs[j] >> 4) - 8) * y[i].qs[j + 16];
        }
        sum += static_cast<float>(sumi) * (fp16_to_fp32(x[i].d) * fp16_to_fp32(y[i].d));
    }
    return sum;
}

float dot_q4_1(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const BlockQ4_1*>(w);
    const auto* y = static_cast<const BlockQ8_1*>(a);
    float sum = 0.0f;
    for (int64_t i = 0; i < n / kQK; ++i) {
        int sumi = 0;
        for (int j = 0; j < kQK / 2; ++j) {
            sumi += (x[i].qs[j] & 0xF) * y[i].qs[j];
            sumi += (x[i].qs[j] >> 4) * y[i].qs[j + 16];
        }
        // sum(q*d + m)(qy*dy) = d*dy*sum(q*qy) + m * (dy*sum(qy)); the last factor is y.s.
        sum += (fp16_to_fp32(x[i].d) * fp16_to_fp32(y[i].d)) * static_cast<float>(sumi) +
               fp16_to_fp32(x[i].m) * fp16_to_fp32(y[i].s);
    }
    return sum;
}

template <typename Block>
int q5_value(const Block& b, int j) {
    uint32_t qh;
    std::memcpy(&qh, b.qh, sizeof qh);
    const int low = j < 16 ? (b.qs[j] & 0xF) : (b.qs[j - 16] >> 4);
    return low | static_cast<int>(((qh >> j) & 1u) << 4);
}

float dot_q5_0(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const BlockQ5_0*>(w);
    const auto* y = static_cast<const BlockQ8_0*>(a);
    float sum = 0.0f;
    for (int64_t i = 0; i < n / kQK; ++i) {
        int sumi = 0;
        for (int j = 0; j < kQK; ++j)
            sumi += (q5_value(x[i], j) - 16) * y[i].qs[j];
        sum += static_cast<float>(sumi) * (fp16_to_fp32(x[i].d) * fp16_to_fp32(y[i].d));
    }
    return sum;
}

float dot_q5_1(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const BlockQ5_1*>(w);
    const auto* y = static_cast<const BlockQ8_1*>(a);
    float sum = 0.0f;
    for (int64_t i = 0; i < n / kQK; ++i) {
        int sumi = 0;
        for (int j = 0; j < kQK; ++j)
            sumi += q5_value(x[i], j) * y[i].qs[j];
        sum += (fp16_to_fp32(x[i].d) * fp16_to_fp32(y[i].d)) * static_cast<float>(sumi) +
               fp16_to_fp32(x[i].m) * fp16_to_fp32(y[i].s);
    }
    return sum;
}

float dot_q8_0(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const BlockQ8_0*>(w);
    const auto* y = static_cast<const BlockQ8_0*>(a);
    float sum = 0.0f;
    for (int64_t i = 0; i < n / kQK; ++i) {
        int sumi = 0;
        for (int j = 0; j < kQK; ++j)
            sumi += x[i].qs[j] * y[i].qs[j];
        sum += static_cast<float>(sumi) * (fp16_to_fp32(x[i].d) * fp16_to_fp32(y[i].d));
    }
    return sum;
}

float dot_q2_k(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const BlockQ2_K*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(a);
    float sum = 0.0f;
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const uint8_t* sc = x[i].scales;
        int mins = 0;
        for (int g = 0; g < 16; ++g)
            mins += y[i].bsums[g] * (sc[g] >> 4);
        const int8_t* q8 = y[i].qs;
        const uint8_t* q2 = x[i].qs;
        int isum = 0;
        int is = 0;
        for (int half = 0; half < 2; ++half, q2 += 32) {
            for (int shift = 0; shift < 8; shift += 2, q8 += 32) {
                for (int part = 0; part < 2; ++part) {
                    int s = 0;
                    for (int l = 0; l < 16; ++l) {
                        s += q8[16 * part + l] * ((q2[16 * part + l] >> shift) & 3);
                    }
                    isum += (sc[is++] & 0xF) * s;
                }
            }
        }
        const float dall = y[i].d * fp16_to_fp32(x[i].d);
        const float dmin = y[i].d * fp16_to_fp32(x[i].dmin);
        sum += dall * static_cast<float>(isum) - dmin * static_cast<float>(mins);
    }
    return sum;
}

float dot_q3_k(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const BlockQ3_K*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(a);
    float sum = 0.0f;
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        int8_t scales[16];
        q3k_scales(x[i].scales, scales);
        const int8_t* q8 = y[i].qs;
        const uint8_t* q3 = x[i].qs;
        int isum = 0;
        int is = 0;
        uint8_t mask = 1;
        for (int half = 0; half < 2; ++half, q3 += 32) {
            for (int shift = 0; shift < 8; shift += 2, mask <<= 1, q8 += 32) {
                for (int part = 0; part < 2; ++part) {
                    int s = 0;
                    for (int l = 0; l < 16; ++l) {
                        const int k = 16 * part + l;
                        const int q = ((q3[k] >> shift) & 3) - ((x[i].hmask[k] & mask) ? 0 : 4);
                        s += q8[k] * q;
                    }
                    isum += (scales[is++] - 32) * s;
                }
            }
        }
        sum += fp16_to_fp32(x[i].d) * y[i].d * static_cast<float>(isum);
    }
    return sum;
}

// Q4_K / Q5_K share the structure: 8 sub-blocks of 32 with a 6-bit scale and min each.
// The min term uses Q8_K's bsums (pairs of 16-sums per 32-element sub-block).
template <bool kHasHighBit, typename Block>
float dot_qk_scale_min(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const Block*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(a);
    float sum = 0.0f;
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        int isum = 0;
        int mins = 0;
        const uint8_t* q = x[i].qs;
        const int8_t* q8 = y[i].qs;
        for (int sub = 0; sub < 8; ++sub) {
            uint8_t sc, m;
            k4_scale_min(sub, x[i].scales, sc, m);
            mins += m * (y[i].bsums[2 * sub] + y[i].bsums[2 * sub + 1]);
            const int shift = (sub & 1) * 4;
            int s = 0;
            for (int l = 0; l < 32; ++l) {
                int v = (q[l] >> shift) & 0xF;
                if constexpr (kHasHighBit) {
                    if (x[i].qh[l] & (1u << sub)) v += 16;
                }
                s += v * q8[l];
            }
            isum += sc * s;
            q8 += 32;
            if (sub & 1) q += 32;
        }
        const float d = fp16_to_fp32(x[i].d) * y[i].d;
        const float dmin = fp16_to_fp32(x[i].dmin) * y[i].d;
        sum += d * static_cast<float>(isum) - dmin * static_cast<float>(mins);
    }
    return sum;
}

// kTiledOrder: the float steps of ggml's tiled K-quant matmul (kernels_dispatch.h): the
// block's integer sum times the weight scale, then one fma with the activation scale.
template <bool kTiledOrder>
float dot_q6_k(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const BlockQ6_K*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(a);
    float sum = 0.0f;
    for (int64_t i = 0; i < n / kQK_K; ++i) {
        const uint8_t* ql = x[i].ql;
        const uint8_t* qh = x[i].qh;
        const int8_t* q8 = y[i].qs;
        int isum = 0;
        for (int half = 0; half < 2; ++half, ql += 64, qh += 32, q8 += 128) {
            const int8_t* sc = x[i].scales + 8 * half;
            for (int l = 0; l < 32; ++l) {
                const int is = l / 16;
                const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                isum += sc[is] * q1 * q8[l] + sc[is + 2] * q2 * q8[l + 32] +
                        sc[is + 4] * q3 * q8[l + 64] + sc[is + 6] * q4 * q8[l + 96];
            }
        }
        if constexpr (kTiledOrder) {
            sum = std::fma(static_cast<float>(isum) * fp16_to_fp32(x[i].d), y[i].d, sum);
        } else {
            sum += fp16_to_fp32(x[i].d) * y[i].d * static_cast<float>(isum);
        }
    }
    return sum;
}

float dot_f32(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const float*>(w);
    const auto* y = static_cast<const float*>(a);
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i)
        sum += static_cast<double>(x[i]) * y[i];
    return static_cast<float>(sum);
}

float dot_f16(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const uint16_t*>(w);
    const auto* y = static_cast<const uint16_t*>(a);
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        sum += static_cast<double>(fp16_to_fp32(x[i])) * fp16_to_fp32(y[i]);
    }
    return static_cast<float>(sum);
}

float dot_bf16(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const uint16_t*>(w);
    const auto* y = static_cast<const uint16_t*>(a);
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        sum += static_cast<double>(bf16_to_fp32(x[i])) * bf16_to_fp32(y[i]);
    }
    return static_cast<float>(sum);
}

}  // namespace

VecDotFn scalar_vec_dot(GgmlType type) {
    switch (type) {
        case GgmlType::F32:
            return dot_f32;
        case GgmlType::F16:
            return dot_f16;
        case GgmlType::BF16:
            return dot_bf16;
        case GgmlType::Q4_0:
            return dot_q4_0;
        case GgmlType::Q4_1:
            return dot_q4_1;
        case GgmlType::Q5_0:
            return dot_q5_0;
        case GgmlType::Q5_1:
            return dot_q5_1;
        case GgmlType::Q8_0:
            return dot_q8_0;
        case GgmlType::Q2_K:
            return dot_q2_k;
        case GgmlType::Q3_K:
            return dot_q3_k;
        case GgmlType::Q4_K:
            return dot_qk_scale_min<false, BlockQ4_K>;
        case GgmlType::Q5_K:
            return dot_qk_scale_min<true, BlockQ5_K>;
        case GgmlType::Q6_K:
            return dot_q6_k<false>;
        default:
            return nullptr;
    }
}

VecDotFn scalar_vec_dot_tiled(GgmlType type) {
    return type == GgmlType::Q6_K ? dot_q6_k<true> : nullptr;
}

}  // namespace hearth::cpu
