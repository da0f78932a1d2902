// AVX-512 (F/BW/VL/DQ/VNNI) kernels; anything not listed falls back to dot_avx2.cpp.
#include "backend/cpu/dot_x86_common.h"
#include "backend/cpu/kernels_dispatch.h"

namespace hearth::cpu {

VecDotFn avx512_vec_dot(GgmlType) {
    return nullptr;
}

QuantizeFn avx512_activation_quantizer(GgmlType) {
    return nullptr;
}

}  // namespace hearth::cpu
