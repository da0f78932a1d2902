// e^x as the CPU's AVX-512 SiLU and softmax compute it (ggml's 16-lane exp, backend/cpu/
// vec_math_avx512.cpp): n = round(x log2 e) by the 1.5 * 2^23 shifter, b = x - n ln 2 in two
// fma steps, a degree-5 polynomial of b in fma steps, scaled by 2^n; |n| > 192 gives 0 or
// +inf. Constants as float bits (ggml's hex floats: 0x1.715476p+0 = log2 e, ln 2 split in
// 0x1.62e4p-1 + 0x1.7f7d1cp-20, then the polynomial's). With fma_rn exact (fma_exact.glsl)
// each step rounds as the CPU's does, so the result is the CPU's to the bit. Include after
// fma_exact.glsl.
float exp16(float x) {
    if (isinf(x)) return x < 0.0 ? 0.0 : x;  // the CPU's |n| > 192 ends, without NaN steps
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
