// Correctly rounded float division (and the exact products it is built from). Vulkan lets
// a driver's division be 2.5 ulp off, while the CPU ops the shaders must equal divide with
// one rounding; these use only multiplies and adds, which Vulkan rounds correctly (under
// `precise`, so nothing is contracted into an fma).

// Exact a*b = hi + lo (Dekker's product with Veltkamp splitting; no fma needed, so it is
// exact on every device). |a|, |b| < 2^100 here.
void two_product(float a, float b, out float hi, out float lo) {
    precise float prod = a * b;
    precise float ca = 4097.0 * a;
    precise float a_hi = ca - (ca - a);
    precise float a_lo = a - a_hi;
    precise float cb = 4097.0 * b;
    precise float b_hi = cb - (cb - b);
    precise float b_lo = b - b_hi;
    precise float err = ((a_hi * b_hi - prod) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo;
    hi = prod;
    lo = err;
}

// a - q*b, exact when q is within an ulp or two of a/b (the remainder is then representable
// and a - hi is exact by Sterbenz's lemma).
float remainder_of(float a, float b, float q) {
    float hi, lo;
    two_product(q, b, hi, lo);
    precise float r = (a - hi) - lo;
    return r;
}

// Correctly rounded a / b for finite nonzero b: the driver's quotient, then stepped one ulp
// at a time toward the true value while that shrinks the exact remainder. The quotients
// used here (127/amax, amax/127, 1/iscale) are never halfway between two floats, so the
// smaller remainder identifies the rounded quotient.
float div_rn(float a, float b) {
    precise float q = a / b;
    if (q == 0.0 || isinf(q) || isnan(q)) return q;
    for (int step = 0; step < 4; ++step) {
        const float r = remainder_of(a, b, q);
        if (r == 0.0) break;
        // Toward |a/b|: up in magnitude when r has the sign of b*q's direction.
        const bool grow = (r > 0.0) == (b > 0.0) == (q > 0.0);
        const float next = uintBitsToFloat(floatBitsToUint(q) + (grow ? 1u : 0xFFFFFFFFu));
        if (abs(remainder_of(a, b, next)) < abs(r)) {
            q = next;
        } else {
            break;
        }
    }
    return q;
}

#if defined(EXACT_F64)
// Correctly rounded square root of a float (needs shaderFloat64): the driver's root, then
// moved one ulp at a time while the true root lies beyond the midpoint towards the
// neighbour (midpoints have 25 bits, so their squares are exact in a double).
float sqrt_rn(float v) {
    precise float s = sqrt(v);
    if (!(v > 0.0) || isinf(v)) return s;
    for (int step = 0; step < 4; ++step) {
        const bool above = double(s) * double(s) > double(v);  // root below s
        const float next = uintBitsToFloat(floatBitsToUint(s) + (above ? 0xFFFFFFFFu : 1u));
        precise double mid = (double(s) + double(next)) * 0.5;
        const bool cross = above ? mid * mid > double(v) : mid * mid < double(v);
        if (!cross) break;
        s = next;
    }
    return s;
}
#endif
