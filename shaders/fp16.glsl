// float -> half bits rounded to nearest even, written out with integer operations so every
// device rounds alike and the result equals the CPU's fp32_to_fp16 (backend/cpu/fp16.h).
// Below the smallest normal half, adding 0.5 (whose ulp is 2^-24) lets the correctly
// rounded float add do the subnormal rounding.
uint half_bits_rte(float f) {
    uint x = floatBitsToUint(f);
    const uint sign = (x >> 16) & 0x8000u;
    x &= 0x7FFFFFFFu;
    if (x > 0x7F800000u) return sign | 0x7E00u;
    if (x >= 0x477FF000u) return sign | 0x7C00u;
    if (x < 0x38800000u) {
        const float shifted = uintBitsToFloat(x) + 0.5;
        return sign | (floatBitsToUint(shifted) - floatBitsToUint(0.5));
    }
    x += 0xFFFu + ((x >> 13) & 1u);
    return sign | ((x - (112u << 23)) >> 13);
}

float round_to_half(float f) { return unpackHalf2x16(half_bits_rte(f)).x; }
