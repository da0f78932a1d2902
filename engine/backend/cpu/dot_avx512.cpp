// avx512 kernels (compiled with the matching -m flags; only called when cpuid allows).
#include "backend/cpu/kernels_dispatch.h"

namespace hearth::cpu {

VecDotFn avx512_vec_dot(GgmlType) {
    return nullptr;
}

QuantizeFn avx512_activation_quantizer(GgmlType) {
    return nullptr;
}

}  // namespace hearth::cpu
