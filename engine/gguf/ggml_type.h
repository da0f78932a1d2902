#pragma once
// Tensor element types as numbered by ggml (the ids are part of the GGUF format and are
// never reused). Block geometry is what the reader needs to size a tensor; whether a type
// can be computed is the backends' business (backend/*/supports).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace hearth::gguf {

enum class GgmlType : uint32_t {
    F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3,
    // 4 and 5 were Q4_2 / Q4_3, removed from ggml; never reuse.
    Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q8_1 = 9,
    Q2_K = 10, Q3_K = 11, Q4_K = 12, Q5_K = 13, Q6_K = 14, Q8_K = 15,
    IQ2_XXS = 16, IQ2_XS = 17, IQ3_XXS = 18, IQ1_S = 19, IQ4_NL = 20, IQ3_S = 21, IQ2_S = 22,
    IQ4_XS = 23, I8 = 24, I16 = 25, I32 = 26, I64 = 27, F64 = 28, IQ1_M = 29, BF16 = 30,
    // 31..33 were Q4_0_4_4 / Q4_0_4_8 / Q4_0_8_8 (removed).
    TQ1_0 = 34, TQ2_0 = 35,
    // 36..38 were IQ4_NL_4_4 / _4_8 / _8_8 (removed).
    MXFP4 = 39,
};

struct GgmlTypeTraits {
    GgmlType type;
    std::string_view name;  // as ggml_type_name() spells it, e.g. "q4_K"
    uint32_t block_size;    // elements per block (1 for plain types)
    uint32_t type_size;     // bytes per block
};

// nullopt for ids ggml does not define (including removed ones).
std::optional<GgmlTypeTraits> ggml_type_traits(uint32_t id);
const GgmlTypeTraits& ggml_type_traits(GgmlType type);
std::string_view ggml_type_name(GgmlType type);

}  // namespace hearth::gguf
