// Element access into ggml-format weight rows held in a uint[] buffer named `wq`.
// Reading through 32-bit words keeps the shaders on baseline Vulkan 1.2 (no 8/16-bit
// storage): blocks of 18/20/22/34/144/176/210 bytes are byte-packed, so a byte is a shift of
// its word and a half (always at an even address) is one half of its word.
//
// One TYPE_* define picks the format; dequant(row_base, i) returns element i of the row that
// starts at byte row_base. Layouts are ggml's (engine/backend/cpu/quant_blocks.h).

uint wq_byte(uint addr) { return (wq[addr >> 2] >> ((addr & 3u) * 8u)) & 0xFFu; }

float wq_half(uint addr) {
    uint word = wq[addr >> 2];
    return unpackHalf2x16((addr & 2u) != 0u ? (word >> 16) : word).x;
}

int wq_int8(uint addr) { return int(wq_byte(addr) << 24) >> 24; }

#if defined(TYPE_F32)
float dequant(uint row_base, uint i) { return uintBitsToFloat(wq[(row_base >> 2) + i]); }

#elif defined(TYPE_F16)
float dequant(uint row_base, uint i) { return wq_half(row_base + 2u * i); }

#elif defined(TYPE_BF16)
float dequant(uint row_base, uint i) {
    uint addr = row_base + 2u * i;
    uint word = wq[addr >> 2];
    uint bits = (addr & 2u) != 0u ? (word >> 16) : (word & 0xFFFFu);
    return uintBitsToFloat(bits << 16);
}

#elif defined(TYPE_Q4_0) || defined(TYPE_Q4_1)
// Q4_0: {half d; u8 qs[16]} value (q - 8) * d. Q4_1: {half d, m; u8 qs[16]} value q * d + m.
// Element j < 16 is the low nibble of qs[j], element j >= 16 the high nibble of qs[j - 16].
#if defined(TYPE_Q4_0)
const uint BLOCK_BYTES = 18u;
const uint QS = 2u;
#else
const uint BLOCK_BYTES = 20u;
const uint QS = 4u;
#endif
float dequant(uint row_base, uint i) {
    uint block = row_base + (i >> 5) * BLOCK_BYTES;
    uint j = i & 31u;
    uint q = (wq_byte(block + QS + (j & 15u)) >> (j >= 16u ? 4u : 0u)) & 0xFu;
#if defined(TYPE_Q4_0)
    return (float(q) - 8.0) * wq_half(block);
#else
    return float(q) * wq_half(block) + wq_half(block + 2u);
#endif
}

#elif defined(TYPE_Q5_0) || defined(TYPE_Q5_1)
// Q5_0: {half d; u8 qh[4]; u8 qs[16]} value (q - 16) * d; Q5_1 adds half m after d and
// gives q * d + m. Bit j of qh (little-endian) is the fifth bit of element j.
#if defined(TYPE_Q5_0)
const uint BLOCK_BYTES = 22u;
const uint QH = 2u;
#else
const uint BLOCK_BYTES = 24u;
const uint QH = 4u;
#endif
float dequant(uint row_base, uint i) {
    uint block = row_base + (i >> 5) * BLOCK_BYTES;
    uint j = i & 31u;
    uint low = (wq_byte(block + QH + 4u + (j & 15u)) >> (j >= 16u ? 4u : 0u)) & 0xFu;
    uint high = (wq_byte(block + QH + (j >> 3)) >> (j & 7u)) & 1u;
    uint q = low | (high << 4);
#if defined(TYPE_Q5_0)
    return (float(q) - 16.0) * wq_half(block);
#else
    return float(q) * wq_half(block) + wq_half(block + 2u);
#endif
}

#elif defined(TYPE_Q8_0)
// {half d; i8 qs[32]} value qs[j] * d.
const uint BLOCK_BYTES = 34u;
float dequant(uint row_base, uint i) {
    uint block = row_base + (i >> 5) * BLOCK_BYTES;
    return float(wq_int8(block + 2u + (i & 31u))) * wq_half(block);
}

#elif defined(TYPE_Q4_K) || defined(TYPE_Q5_K)
// Super-blocks of 256: {half d, dmin; u8 scales[12]; [Q5_K: u8 qh[32];] u8 qs[128]}.
// Element i: group g = i / 64 uses qs[32g .. 32g+31], low nibbles for the first 32 elements
// (sub-block 2g) and high nibbles for the next 32 (sub-block 2g+1); value
// d * scale(sb) * q - dmin * min(sb) with six-bit scales/mins packed into scales[12].
// Q5_K's fifth bit of element (g, half, l) is bit 2g+half of qh[l].
#if defined(TYPE_Q4_K)
const uint BLOCK_BYTES = 144u;
const uint QS = 16u;
#else
const uint BLOCK_BYTES = 176u;
const uint QH = 16u;
const uint QS = 48u;
#endif
float dequant(uint row_base, uint i) {
    uint block = row_base + (i >> 8) * BLOCK_BYTES;
    uint r = i & 255u;
    uint g = r >> 6, upper = (r >> 5) & 1u, l = r & 31u;
    uint sb = 2u * g + upper;
    uint sc, mn;
    if (sb < 4u) {
        sc = wq_byte(block + 4u + sb) & 63u;
        mn = wq_byte(block + 8u + sb) & 63u;
    } else {
        uint b = wq_byte(block + 8u + sb);
        sc = (b & 0xFu) | ((wq_byte(block + 4u + sb - 4u) >> 6) << 4);
        mn = (b >> 4) | ((wq_byte(block + 4u + sb) >> 6) << 4);
    }
    uint q = (wq_byte(block + QS + 32u * g + l) >> (upper * 4u)) & 0xFu;
#if defined(TYPE_Q5_K)
    q |= ((wq_byte(block + QH + l) >> sb) & 1u) << 4;
#endif
    return wq_half(block) * float(sc) * float(q) - wq_half(block + 2u) * float(mn);
}

#elif defined(TYPE_Q6_K)
// {u8 ql[128]; u8 qh[64]; i8 scales[16]; half d}. Half h = i / 128 uses ql[64h..], qh[32h..]
// and scales[8h..]; within it quarter c = (i % 128) / 32 and l = i % 32 take the low (c < 2)
// or high nibble of ql[64h + l + 32 (c & 1)], bits 2c..2c+1 of qh[32h + l], and scale
// scales[8h + l / 16 + 2c]; value d * scale * (q - 32).
const uint BLOCK_BYTES = 210u;
float dequant(uint row_base, uint i) {
    uint block = row_base + (i >> 8) * BLOCK_BYTES;
    uint r = i & 255u;
    uint h = r >> 7, c = (r >> 5) & 3u, l = r & 31u;
    uint low = (wq_byte(block + 64u * h + l + 32u * (c & 1u)) >> (c >= 2u ? 4u : 0u)) & 0xFu;
    uint high = (wq_byte(block + 128u + 32u * h + l) >> (2u * c)) & 3u;
    int q = int(low | (high << 4)) - 32;
    float scale = float(wq_int8(block + 192u + 8u * h + (l >> 4) + 2u * c));
    return wq_half(block + 208u) * scale * float(q);
}

#else
#error "define one TYPE_*"
#endif
