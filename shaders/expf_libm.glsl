// expf_libm(x): e^x bit for bit as the C library's expf (glibc 2.28+, the CPU attention's
// std::exp): x/ln2 scaled by N = 32 rounded by the 1.5 * 2^52 shifter to k, a 32-entry table
// of 2^(i/32) (stored minus i << 47 so k's bits can be added into the exponent) and a cubic
// in the remainder, all in double, rounded once to float. Needs shaderFloat64; uses only
// double multiplies and adds (correctly rounded), and 32-bit halves instead of 64-bit
// integers. Checked against the host's expf (test_vulkan_ops); softmax arguments are <= 0,
// so only the underflow end of expf's special cases is kept.
const uvec2 EXPF_TABLE[32] = uvec2[32](
    uvec2(0x00000000u, 0x3FF00000u), uvec2(0xD3158574u, 0x3FEFD9B0u), uvec2(0x6CF9890Fu, 0x3FEFB558u),
    uvec2(0xD0125B51u, 0x3FEF9301u), uvec2(0x3C7D517Bu, 0x3FEF72B8u), uvec2(0x3168B9AAu, 0x3FEF5487u),
    uvec2(0x6E756238u, 0x3FEF387Au), uvec2(0xF51FDEE1u, 0x3FEF1E9Du), uvec2(0x0A31B715u, 0x3FEF06FEu),
    uvec2(0x373AA9CBu, 0x3FEEF1A7u), uvec2(0x4C123422u, 0x3FEEDEA6u), uvec2(0x6061892Du, 0x3FEECE08u),
    uvec2(0xD5362A27u, 0x3FEEBFDAu), uvec2(0x569D4F82u, 0x3FEEB42Bu), uvec2(0xDD485429u, 0x3FEEAB07u),
    uvec2(0xB03A5585u, 0x3FEEA47Eu), uvec2(0x667F3BCDu, 0x3FEEA09Eu), uvec2(0xE8EC5F74u, 0x3FEE9F75u),
    uvec2(0x73EB0187u, 0x3FEEA114u), uvec2(0x994CCE13u, 0x3FEEA589u), uvec2(0x422AA0DBu, 0x3FEEACE5u),
    uvec2(0xB0CDC5E5u, 0x3FEEB737u), uvec2(0x82A3F090u, 0x3FEEC491u), uvec2(0xB23E255Du, 0x3FEED503u),
    uvec2(0x995AD3ADu, 0x3FEEE89Fu), uvec2(0xF2FB5E47u, 0x3FEEFF76u), uvec2(0xDD85529Cu, 0x3FEF199Bu),
    uvec2(0xDCEF9069u, 0x3FEF3720u), uvec2(0xDCFBA487u, 0x3FEF5818u), uvec2(0x337B9B5Fu, 0x3FEF7C97u),
    uvec2(0xA2A490DAu, 0x3FEFA4AFu), uvec2(0x5B6E4540u, 0x3FEFD076u)
);

double expf_double(uvec2 bits) { return packDouble2x32(bits); }

float expf_libm(float x) {
    if (x < uintBitsToFloat(0xC2CFF1B4u)) return 0.0;  // below -0x1.9fe368p6 (also -inf)
    const double inv_ln2_n = expf_double(uvec2(0x652B82FEu, 0x40471547u));  // 32 / ln 2
    const double shift = expf_double(uvec2(0x00000000u, 0x43380000u));      // 0x1.8p52
    const double c0 = expf_double(uvec2(0x4B912394u, 0x3EBC6AF8u));
    const double c1 = expf_double(uvec2(0x50FAC4F3u, 0x3F2EBFCEu));
    const double c2 = expf_double(uvec2(0xFF0C52D6u, 0x3F962E42u));
    precise double z = inv_ln2_n * double(x);
    precise double kd = z + shift;
    const uint ki = unpackDouble2x32(kd).x;  // k in the low bits
    kd = kd - shift;
    precise double r = z - kd;
    uvec2 t = EXPF_TABLE[ki & 31u];
    t.y += ki << 15;  // + (k << 47): k / 32 into the exponent
    const double s = packDouble2x32(t);
    precise double p = c0 * r + c1;
    precise double r2 = r * r;
    precise double y = c2 * r + 1.0;
    y = p * r2 + y;
    y = y * s;
    return float(y);
}
