#include "backend/cpu/ops_activation.h"

#include <array>
#include <cmath>

#include "backend/cpu/cpu_features.h"
#include "backend/cpu/fp16.h"
#include "backend/cpu/vec_math.h"

namespace hearth::cpu {
namespace {

// ggml's gelu_f32 as its native build compiles it: 1 + a*x*x contracted to one fma.
float gelu_tanh(float x) {
    constexpr float kCoefA = 0.044715f;
    constexpr float kSqrt2OverPi = 0.79788456080286535587989211986876f;
    return 0.5f * x * (1.0f + std::tanh(kSqrt2OverPi * x * std::fma(kCoefA * x, x, 1.0f)));
}

// GELU of every F16 value, as F16 bits; built once (65536 entries, 128 KiB, and a spare one
// for the AVX-512 gather's 32-bit reads).
const std::array<uint16_t, 65537>& gelu_table() {
    static const std::array<uint16_t, 65537> table = [] {
        std::array<uint16_t, 65537> t{};
        for (uint32_t i = 0; i < 65536; ++i) {
            t[i] = fp32_to_fp16(gelu_tanh(fp16_to_fp32(uint16_t(i))));
        }
        return t;
    }();
    return table;
}

}  // namespace

const uint16_t* gelu_f16_table() {
    return gelu_table().data();
}

void silu_gate(float* gate, const float* up, int64_t n) {
    swiglu(gate, up, n);
}

void gelu_gate(float* gate, const float* up, int64_t n) {
    const auto& table = gelu_table();
    static const bool wide = active_simd_level() == SimdLevel::avx512;
    for (int64_t i = wide ? gelu_gate_avx512(gate, up, n, table.data()) : 0; i < n; ++i) {
        const float x = gate[i];
        if (x <= -10.0f) {
            gate[i] = 0.0f;  // +0 whatever the sign of up[i], as ggml
        } else if (x >= 10.0f) {
            gate[i] = x * up[i];
        } else {
            gate[i] = fp16_to_fp32(table[fp32_to_fp16(x)]) * up[i];
        }
    }
}

void softcap(float* x, int64_t n, float cap) {
    const float inv = 1.0f / cap;
    for (int64_t i = 0; i < n; ++i) {
        x[i] = std::tanh(x[i] * inv) * cap;
    }
}

}  // namespace hearth::cpu
