// K-quant half of matmul_q.comp (included there): 256-element super-blocks against Q8_K
// activation blocks {float d; i8 q[256] in words 1..64; i16 bsums[16] in words 65..72}.
// Integer sums per sub-block of 32, weights unpacked once per sub-block for all TOKENS.
const uint QK = 256u;
const uint ACT_WORDS = 73u;

// bsums[2j] + bsums[2j+1] (the 32 elements of sub-block j).
int bsum_pair(uint a, uint j) {
    const int w = int(aq[a + 65u + j]);
    return bitfieldExtract(w, 0, 16) + bitfieldExtract(w, 16, 16);
}

#if defined(TYPE_Q4_K) || defined(TYPE_Q5_K)
// {half d, dmin; u8 scales[12]; [Q5_K: u8 qh[32]]; u8 qs[128]}: 4-byte multiples, aligned.
#if defined(TYPE_Q4_K)
const uint BLOCK_WORDS = 36u;
const uint QS = 4u;  // word offsets
#else
const uint BLOCK_WORDS = 44u;
const uint QH = 4u;
const uint QS = 12u;
#endif

uint scale_byte(uint sw[3], uint j) { return (sw[j >> 2] >> (8u * (j & 3u))) & 0xFFu; }

void main() {
    const uint row = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * 32u +
                     gl_LocalInvocationID.x;
    if (row >= p.n_rows) return;
    const uint t0 = gl_WorkGroupID.z * TOKENS;
    const uint nt = min(uint(TOKENS), p.n_tokens - t0);
    precise float acc[TOKENS];
    precise float min_acc[TOKENS];
    [[unroll]] for (uint t = 0u; t < TOKENS; ++t) {
        acc[t] = 0.0;
        min_acc[t] = 0.0;
    }
    const uint n_blocks = p.k / QK;
    for (uint i = 0u; i < n_blocks; ++i) {
        const uint b = (row * p.row_stride >> 2) + i * BLOCK_WORDS;
        const vec2 dm = unpackHalf2x16(wq[b]);
        const uint sw[3] = {wq[b + 1u], wq[b + 2u], wq[b + 3u]};
        int isum[TOKENS], mins[TOKENS];
        [[unroll]] for (uint t = 0u; t < TOKENS; ++t) {
            isum[t] = 0;
            mins[t] = 0;
        }
        for (uint sb = 0u; sb < 8u; ++sb) {
            uint sc, mn;
            if (sb < 4u) {
                sc = scale_byte(sw, sb) & 63u;
                mn = scale_byte(sw, sb + 4u) & 63u;
            } else {
                sc = (scale_byte(sw, sb + 4u) & 0xFu) | ((scale_byte(sw, sb - 4u) >> 6) << 4);
                mn = (scale_byte(sw, sb + 4u) >> 4) | ((scale_byte(sw, sb) >> 6) << 4);
            }
            uint q[8];  // values 0..31: packed signed bytes as they are
            const uint shift = 4u * (sb & 1u);
            [[unroll]] for (uint j = 0u; j < 8u; ++j) {
                uint v = (wq[b + QS + 8u * (sb >> 1) + j] >> shift) & 0x0F0F0F0Fu;
#if defined(TYPE_Q5_K)
                v |= ((wq[b + QH + j] >> sb) & 0x01010101u) << 4;
#endif
                q[j] = v;
            }
            [[unroll]] for (uint t = 0u; t < TOKENS; ++t) {
                if (t >= nt) break;
                const uint a = (t0 + t) * p.act_words + i * ACT_WORDS;
                int s = 0;
                [[unroll]] for (uint j = 0u; j < 8u; ++j) {
                    s += dot4(q[j], aq[a + 1u + 8u * sb + j]);
                }
                isum[t] += int(sc) * s;
                mins[t] += int(mn) * bsum_pair(a, sb);
#if defined(TYPE_Q4_K)
                // The CPU's four-token Q4_K kernel (llama.cpp's repacked gemm): one float
                // step per 64 elements.
                if ((sb & 1u) != 0u && t0 + t < p.alt_order_tokens) {
                    const float yd = uintBitsToFloat(aq[a]);
                    precise float d = dm.x * yd;
                    precise float dmin = dm.y * yd;
                    acc[t] = fma_rn(float(isum[t]), d, acc[t]);
                    min_acc[t] = fma_rn(float(mins[t]), dmin, min_acc[t]);
                    isum[t] = 0;
                    mins[t] = 0;
                }
#endif
            }
        }
        [[unroll]] for (uint t = 0u; t < TOKENS; ++t) {
            if (t >= nt || t0 + t < p.alt_order_tokens) continue;
            const float yd = uintBitsToFloat(aq[(t0 + t) * p.act_words + i * ACT_WORDS]);
            precise float d = dm.x * yd;
            precise float dmin = dm.y * yd;
            acc[t] = fma_rn(float(isum[t]), d, acc[t]);
            min_acc[t] = fma_rn(float(mins[t]), dmin, min_acc[t]);
        }
    }
    [[unroll]] for (uint t = 0u; t < TOKENS; ++t) {
        if (t >= nt) break;
        precise float r = acc[t] - min_acc[t];
        y[(t0 + t) * p.y_rows + p.row0 + row] = r;
    }
}

#else  // TYPE_Q6_K
// {u8 ql[128]; u8 qh[64]; i8 scales[16]; half d}: 210 bytes, so a block starts on a word or
// two bytes into one (`odd`); every field offset is a multiple of 4.
const uint BLOCK_BYTES = 210u;

// n consecutive block words from word offset `first`, at either alignment.
#define LOAD_WORDS(dst, n, first)                                                     \
    {                                                                                 \
        uint raw[n + 1];                                                              \
        [[unroll]] for (uint i_ = 0u; i_ <= n; ++i_) raw[i_] = wq[base + (first) + i_]; \
        [[unroll]] for (uint i_ = 0u; i_ < n; ++i_)                                   \
            dst[i_] = odd ? funnel(raw[i_], raw[i_ + 1u]) : raw[i_];                  \
    }

void main() {
    const uint row = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * 32u +
                     gl_LocalInvocationID.x;
    if (row >= p.n_rows) return;
    const uint t0 = gl_WorkGroupID.z * TOKENS;
    const uint nt = min(uint(TOKENS), p.n_tokens - t0);
    precise float acc[TOKENS][8];
    precise float block_acc[TOKENS];
    [[unroll]] for (uint t = 0u; t < TOKENS; ++t) {
        [[unroll]] for (uint l = 0u; l < 8u; ++l) acc[t][l] = 0.0;
        block_acc[t] = 0.0;
    }
    const uint n_blocks = p.k / QK;
    for (uint i = 0u; i < n_blocks; ++i) {
        const uint addr = row * p.row_stride + i * BLOCK_BYTES;
        const uint base = addr >> 2;
        const bool odd = (addr & 2u) != 0u;
        uint scw[4];
        LOAD_WORDS(scw, 4, 48u)
        int sc[16];
        [[unroll]] for (uint j = 0u; j < 16u; ++j) {
            sc[j] = bitfieldExtract(int(scw[j >> 2]), int(8u * (j & 3u)), 8);
        }
        const uint dword = wq[base + 52u];
        const float d = unpackHalf2x16(odd ? dword >> 16 : dword).x;
        // Lane l starts with -32 * (sc[2l] * bsums[2l] + sc[2l+1] * bsums[2l+1]) (the -32
        // offset of every value, vpmaddwd's pairing), then takes bytes 4l..4l+3 of each
        // 32-byte row of products, weighted by its 16-element scale.
        int isum[TOKENS][8];
        [[unroll]] for (uint t = 0u; t < TOKENS; ++t) {
            if (t >= nt) break;
            const uint a = (t0 + t) * p.act_words + i * ACT_WORDS;
            [[unroll]] for (uint l = 0u; l < 8u; ++l) {
                const int w = int(aq[a + 65u + l]);
                isum[t][l] = -32 * (sc[2u * l] * bitfieldExtract(w, 0, 16) +
                                    sc[2u * l + 1u] * bitfieldExtract(w, 16, 16));
            }
        }
        for (uint h = 0u; h < 2u; ++h) {
            uint ql[16], qh[8];
            LOAD_WORDS(ql, 16, 16u * h)
            LOAD_WORDS(qh, 8, 32u + 8u * h)
            [[unroll]] for (uint c = 0u; c < 4u; ++c) {
                uint q[8];  // values 0..63 as packed bytes; the -32 is in isum's start
                [[unroll]] for (uint l = 0u; l < 8u; ++l) {
                    const uint low = (ql[8u * (c & 1u) + l] >> (4u * (c >> 1))) & 0x0F0F0F0Fu;
                    q[l] = low | (((qh[l] >> (2u * c)) & 0x03030303u) << 4);
                }
                const int s_lo = sc[8u * h + 2u * c], s_hi = sc[8u * h + 2u * c + 1u];
                [[unroll]] for (uint t = 0u; t < TOKENS; ++t) {
                    if (t >= nt) break;
                    const uint a = (t0 + t) * p.act_words + i * ACT_WORDS + 1u + 32u * h + 8u * c;
                    [[unroll]] for (uint l = 0u; l < 8u; ++l) {
                        isum[t][l] += (l < 4u ? s_lo : s_hi) * dot4(q[l], aq[a + l]);
                    }
                }
            }
        }
        [[unroll]] for (uint t = 0u; t < TOKENS; ++t) {
            if (t >= nt) break;
            const float yd = uintBitsToFloat(aq[(t0 + t) * p.act_words + i * ACT_WORDS]);
            if (t0 + t < p.alt_order_tokens) {
                int total = 0;
                [[unroll]] for (uint l = 0u; l < 8u; ++l) total += isum[t][l];
                precise float scaled = float(total) * d;
                block_acc[t] = fma_rn(scaled, yd, block_acc[t]);
            } else {
                precise float scale = d * yd;
                [[unroll]] for (uint l = 0u; l < 8u; ++l) {
                    acc[t][l] = fma_rn(scale, float(isum[t][l]), acc[t][l]);
                }
            }
        }
    }
    [[unroll]] for (uint t = 0u; t < TOKENS; ++t) {
        if (t >= nt) break;
        y[(t0 + t) * p.y_rows + p.row0 + row] =
            t0 + t < p.alt_order_tokens ? block_acc[t] : hsum8(acc[t]);
    }
}
#undef LOAD_WORDS
#endif
