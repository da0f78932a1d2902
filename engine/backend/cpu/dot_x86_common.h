#pragma once
// x86 helpers shared by dot_avx2.cpp and dot_avx512.cpp. Everything here has internal
// linkage on purpose: each file is compiled with different -m flags, and an inline
// function with external linkage could be merged by the linker into the AVX-512 copy and
// then run on an AVX2-only CPU.
#include <immintrin.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "backend/cpu/fp16.h"
#include "backend/cpu/quant_blocks.h"

namespace hearth::cpu {
namespace {

// Decode streams every weight byte from DRAM once, and the hardware prefetcher stops at page
// boundaries: a kernel that consumes `bytes` of a weight stream per step also prefetches the
// bytes kStreamPrefetchBytes further on (measured on Zen 4: 4 KiB halves the decode time of
// a 100 MB model against no prefetch; 1 KiB and 16 KiB are both slower).
constexpr size_t kStreamPrefetchBytes = 4096;

template <size_t kBytes>
inline void prefetch_stream(const void* consumed) {
    const char* p = static_cast<const char*>(consumed) + kStreamPrefetchBytes;
    for (size_t off = 0; off < kBytes; off += 64)
        _mm_prefetch(p + off, _MM_HINT_T0);
}

inline float hsum_ps(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

inline int hsum_epi32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

// Four bytes at any alignment: block fields are packed without padding.
inline uint32_t load_u32(const void* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

inline float h2f(uint16_t h) {
    return _cvtsh_ss(h);
}

// Two consecutive halves (a block's d and m, or Q8_1's d and s) as floats in lanes 0-1.
// One 32-bit load + vcvtph2ps: GCC lowers _cvtsh_ss of a memory half to vpinsrw, which runs
// on a single shuffle port and was the bottleneck of the per-block loops (llvm-mca).
inline __m128 load_half_pair(const void* p) {
    int v;
    std::memcpy(&v, p, 4);
    return _mm_cvtph_ps(_mm_cvtsi32_si128(v));
}

// 16 packed nibble bytes -> 32 bytes: low nibbles (elements 0..15) then high (16..31).
// The broadcast is a load-port op and the per-lane shift (0 for the low lane, 4 for the
// high one) an ALU op, which keeps the shuffle unit free for the rest of the kernel.
inline __m256i unpack_nibbles_32(const uint8_t* qs) {
    const __m256i both =
        _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(qs)));
    const __m256i shifted = _mm256_srlv_epi64(both, _mm256_setr_epi64x(0, 0, 4, 4));
    return _mm256_and_si256(shifted, _mm256_set1_epi8(0x0F));
}

// 32 bits -> 32 bytes, 0xFF where the bit is set (byte j <- bit j).
inline __m256i expand_bits_32(uint32_t bits) {
    const __m256i shuffle = _mm256_setr_epi64x(0x0000000000000000, 0x0101010101010101,
                                               0x0202020202020202, 0x0303030303030303);
    __m256i v = _mm256_shuffle_epi8(_mm256_set1_epi32(static_cast<int>(bits)), shuffle);
    const __m256i select = _mm256_set1_epi64x(static_cast<long long>(0x8040201008040201ull));
    v = _mm256_and_si256(v, select);
    return _mm256_cmpeq_epi8(v, select);
}

// Sum of signed x * signed y over 32 bytes, as 8 int32 lanes (AVX2: sign trick, exact for
// |y| <= 127, which every activation quantizer guarantees).
inline __m256i dot_i8_i8_avx2(__m256i x, __m256i y) {
    const __m256i ax = _mm256_sign_epi8(x, x);
    const __m256i sy = _mm256_sign_epi8(y, x);
    return _mm256_madd_epi16(_mm256_maddubs_epi16(ax, sy), _mm256_set1_epi16(1));
}

// Same for unsigned x (<= 127 per pair sum safety: x <= 63 here) * signed y.
inline __m256i dot_u8_i8_avx2(__m256i x, __m256i y) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(x, y), _mm256_set1_epi16(1));
}

// Q4_K/Q5_K six-bit scales and mins: out[0..7] scales, out[8..15] mins.
inline void unpack_k4_scales(const uint8_t* packed, uint8_t out[16]) {
    for (int j = 0; j < 8; ++j)
        k4_scale_min(j, packed, out[j], out[8 + j]);
}

// sum over the 8 sub-blocks of min[j] * (bsums[2j] + bsums[2j+1]).
inline int k4_min_term(const uint8_t mins[8], const int16_t* bsums) {
    const __m128i b0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bsums));
    const __m128i b1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bsums + 8));
    const __m128i pairs = _mm_hadd_epi16(b0, b1);  // |pair| <= 2*16*127 fits int16
    const __m128i m = _mm_cvtepu8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(mins)));
    __m128i s = _mm_madd_epi16(pairs, m);
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

}  // namespace
}  // namespace hearth::cpu
