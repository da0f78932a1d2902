#version 450
#extension GL_GOOGLE_include_directive : require
// Gated activations of the feed-forward block, in place on `gate` (n floats):
//   SILU_GATE: g = g / (1 + e^-g) * u
//   GELU_GATE: g = gelu_tanh(g) * u, evaluated as the CPU op does: the input rounded to
//              half, GELU in float, the result rounded to half; 0 below -10, identity above 10.
layout(local_size_x = 64) in;

layout(binding = 0) buffer Gate { float g[]; };
layout(binding = 1) readonly buffer Up { float u[]; };

layout(push_constant) uniform Params { uint n; } p;

#include "exact_math.glsl"
#include "fma_exact.glsl"
#include "fp16.glsl"

// e^x as the CPU's AVX-512 SiLU computes it (ggml's 16-lane exp, backend/cpu/
// vec_math_avx512.cpp): n = round(x log2 e) by the 1.5 * 2^23 shifter, b = x - n ln 2 in two
// fma steps, a degree-5 polynomial of b in fma steps, scaled by 2^n; |n| > 192 gives 0 or
// +inf. Constants as float bits (ggml's hex floats: 0x1.715476p+0 = log2 e, ln 2 split in
// 0x1.62e4p-1 + 0x1.7f7d1cp-20, then the polynomial's). With fma_rn exact (fma_exact.glsl)
// each step rounds as the CPU's does, so the SiLU equals the CPU's to the bit (the next
// matmul quantizes it to int8).
float exp16(float x) {
    const float shifter = 12582912.0;  // 0x1.8p23
    precise float z = fma_rn(x, uintBitsToFloat(0x3FB8AA3Bu), shifter);
    precise float n = z - shifter;
    precise float b = fma_rn(-n, uintBitsToFloat(0x35BFBE8Eu),
                             fma_rn(-n, uintBitsToFloat(0x3F317200u), x));
    precise float u = b * b;
    precise float hi = fma_rn(uintBitsToFloat(0x3C072010u), b,
                              uintBitsToFloat(0x3D2B9F17u));
    precise float mid = fma_rn(uintBitsToFloat(0x3E2AAF33u), b,
                               uintBitsToFloat(0x3EFFFEDBu));
    precise float lo = fma_rn(uintBitsToFloat(0x3F7FFFF6u), b, 1.0);
    precise float j = fma_rn(fma_rn(hi, u, mid), u, lo);
    if (abs(n) > 192.0) return n <= 0.0 ? 0.0 : uintBitsToFloat(0x7F800000u);
    // j * 2^n rounded once (vscalefps), in two exact steps where 2^n alone would overflow.
    const int k = int(n);
    if (k > 127) return j * exp2(127.0) * exp2(float(k - 127));
    if (k < -126) return j * exp2(-126.0) * exp2(float(k + 126));
    return j * exp2(float(k));
}

void main() {
    const uint i = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * 64u +
                   gl_LocalInvocationID.x;
    if (i >= p.n) return;
    const float x = g[i];
#if defined(SILU_GATE)
    precise float e = exp16(-x);
    precise float out_v = div_rn(x, 1.0 + e) * u[i];
    g[i] = out_v;
#elif defined(GELU_GATE)
    float v;
    if (x <= -10.0) {
        v = 0.0;
    } else if (x >= 10.0) {
        v = x;
    } else {
        const float h = round_to_half(x);
        v = round_to_half(0.5 * h * (1.0 + tanh(0.7978845608 * h * (1.0 + 0.044715 * h * h))));
    }
    g[i] = v * u[i];
#else
#error "define SILU_GATE or GELU_GATE"
#endif
}
