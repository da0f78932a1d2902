#include "backend/cpu/cpu_features.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define HEARTH_X86 1
#endif

namespace hearth::cpu {
namespace {

#ifdef HEARTH_X86
uint64_t read_xcr0() {
    uint32_t eax = 0;
    uint32_t edx = 0;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return (static_cast<uint64_t>(edx) << 32) | eax;
}

SimdLevel probe() {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return SimdLevel::scalar;
    const bool fma = c & (1u << 12);
    const bool osxsave = c & (1u << 27);
    const bool avx = c & (1u << 28);
    const bool f16c = c & (1u << 29);
    if (!osxsave || !avx) return SimdLevel::scalar;
    const uint64_t xcr0 = read_xcr0();
    if ((xcr0 & 0x6) != 0x6) return SimdLevel::scalar;  // XMM and YMM state enabled
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return SimdLevel::scalar;
    const bool avx2 = b & (1u << 5);
    if (!(avx2 && fma && f16c)) return SimdLevel::scalar;
    const bool avx512f = b & (1u << 16);
    const bool avx512dq = b & (1u << 17);
    const bool avx512bw = b & (1u << 30);
    const bool avx512vl = b & (1u << 31);
    const bool avx512vnni = c & (1u << 11);
    const bool zmm_state = (xcr0 & 0xe0) == 0xe0;  // opmask, ZMM0-15 upper, ZMM16-31
    if (avx512f && avx512dq && avx512bw && avx512vl && avx512vnni && zmm_state) {
        return SimdLevel::avx512;
    }
    return SimdLevel::avx2;
}
#else
SimdLevel probe() {
    return SimdLevel::scalar;
}
#endif

SimdLevel from_env(SimdLevel detected) {
    const char* env = std::getenv("HEARTH_CPU");
    if (!env) return detected;
    const std::string_view v(env);
    SimdLevel wanted = detected;
    if (v == "scalar") wanted = SimdLevel::scalar;
    if (v == "avx2") wanted = SimdLevel::avx2;
    if (v == "avx512") wanted = SimdLevel::avx512;
    return static_cast<int>(wanted) < static_cast<int>(detected) ? wanted : detected;
}

}  // namespace

SimdLevel detected_simd_level() {
    static const SimdLevel level = probe();
    return level;
}

SimdLevel active_simd_level() {
    static const SimdLevel level = from_env(detected_simd_level());
    return level;
}

const char* simd_level_name(SimdLevel level) {
    switch (level) {
        case SimdLevel::scalar:
            return "scalar";
        case SimdLevel::avx2:
            return "avx2";
        case SimdLevel::avx512:
            return "avx512";
    }
    return "?";
}

}  // namespace hearth::cpu
