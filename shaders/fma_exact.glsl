// fma_rn(a, b, c) = a * b + c rounded once, the CPU kernels' vfmadd. Vulkan lets a driver
// compute fma() as a multiply and an add (lavapipe does: Mesa lowers ffma for llvmpipe),
// which changes the last bit of the per-block accumulations, so on such drivers
// (FMA_VIA_F64, see DeviceInfo::splits_fma) it is built from doubles: the product of two
// floats is exact in a double, the sum is rounded once to a double and once more to a
// float; the second rounding is wrong only when the double lands exactly halfway between
// two floats without the exact sum being there, which the exact error of the double sum
// (TwoSum) detects and fixes. Elsewhere the driver's fma() is a fused multiply-add.
#if defined(FMA_VIA_F64)
float fma_rn(float a, float b, float c) {
    precise double p = double(a) * double(b);
    precise double s = p + double(c);
    precise double bv = s - p;
    precise double err = (p - (s - bv)) + (double(c) - bv);
    const float r = float(s);
    precise double diff = s - double(r);
    if (err == 0.0 || diff == 0.0) return r;
    // The float next to r on s's side; s is a tie when it is the midpoint of r and that.
    const bool up = (diff > 0.0) == (r >= 0.0);  // away from zero in magnitude
    const float other = uintBitsToFloat(floatBitsToUint(r) + (up ? 1u : 0xFFFFFFFFu));
    precise double mid = (double(r) + double(other)) * 0.5;
    if (s != mid) return r;
    return (err > 0.0) == (diff > 0.0) ? other : r;
}
#else
float fma_rn(float a, float b, float c) {
    precise float r = fma(a, b, c);
    return r;
}
#endif
