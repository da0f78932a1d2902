#pragma once
// Tensor element types as numbered by ggml (the ids are part of the GGUF format and are
// never reused). Block geometry is what the reader needs to size a tensor; whether a type
// can be computed is the backends' business (backend/*/supports).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace hearth::gguf {

// clang-format off
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
    NVFP4 = 40,  // 64-element blocks: four E4M3 sub-block scales + 32 bytes of E2M1 pairs
    Q1_0 = 41,   // 128-element blocks: f16 scale + 1 bit per element
    Q2_0 = 42,   // 64-element blocks: f16 scale + 2 bits per element
};
// clang-format on

// One past the highest id this build knows; ids at or above it are rejected by the reader.
inline constexpr uint32_t kGgmlTypeIdLimit = 43;

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

// The enum spelling used by the GGUF tools and in `hearth inspect` ("Q4_K", "BF16").
std::string ggml_type_upper_name(GgmlType type);
// Inverse of either spelling, case-insensitive ("q4_k", "Q4_K"); nullopt when unknown.
std::optional<GgmlType> ggml_type_from_name(std::string_view name);

// Why an id is not a type, for error messages: "removed from ggml (was Q4_0_4_4)" or
// "unknown". Empty for defined ids.
std::string_view ggml_type_id_problem(uint32_t id);

}  // namespace hearth::gguf
