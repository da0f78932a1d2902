#pragma once
// Which SIMD kernel family to use. Detected once from cpuid (and the OS's XSAVE state);
// HEARTH_CPU=scalar|avx2|avx512 forces a lower level (never a higher one than the CPU has),
// so tests and benchmarks can exercise every path on one machine.
namespace hearth::cpu {

enum class SimdLevel { scalar = 0, avx2 = 1, avx512 = 2 };

// What the CPU and OS support: avx2 needs AVX2+FMA+F16C; avx512 additionally needs
// AVX-512 F/BW/VL/DQ/VNNI.
SimdLevel detected_simd_level();

// detected_simd_level() lowered by HEARTH_CPU when set; read once.
SimdLevel active_simd_level();

const char* simd_level_name(SimdLevel level);

}  // namespace hearth::cpu
