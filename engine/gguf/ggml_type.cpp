#include "gguf/ggml_type.h"

#include <array>
#include <string>

#include "core/error.h"

namespace hearth::gguf {
namespace {

// Block geometry per id (block_size elements take type_size bytes). K-quants and most
// i-quants use 256-element super-blocks; the legacy quants use 32.
constexpr GgmlTypeTraits kTraits[] = {
    {GgmlType::F32, "f32", 1, 4},
    {GgmlType::F16, "f16", 1, 2},
    {GgmlType::Q4_0, "q4_0", 32, 18},
    {GgmlType::Q4_1, "q4_1", 32, 20},
    {GgmlType::Q5_0, "q5_0", 32, 22},
    {GgmlType::Q5_1, "q5_1", 32, 24},
    {GgmlType::Q8_0, "q8_0", 32, 34},
    {GgmlType::Q8_1, "q8_1", 32, 36},
    {GgmlType::Q2_K, "q2_K", 256, 84},
    {GgmlType::Q3_K, "q3_K", 256, 110},
    {GgmlType::Q4_K, "q4_K", 256, 144},
    {GgmlType::Q5_K, "q5_K", 256, 176},
    {GgmlType::Q6_K, "q6_K", 256, 210},
    {GgmlType::Q8_K, "q8_K", 256, 292},
    {GgmlType::IQ2_XXS, "iq2_xxs", 256, 66},
    {GgmlType::IQ2_XS, "iq2_xs", 256, 74},
    {GgmlType::IQ3_XXS, "iq3_xxs", 256, 98},
    {GgmlType::IQ1_S, "iq1_s", 256, 50},
    {GgmlType::IQ4_NL, "iq4_nl", 32, 18},
    {GgmlType::IQ3_S, "iq3_s", 256, 110},
    {GgmlType::IQ2_S, "iq2_s", 256, 82},
    {GgmlType::IQ4_XS, "iq4_xs", 256, 136},
    {GgmlType::I8, "i8", 1, 1},
    {GgmlType::I16, "i16", 1, 2},
    {GgmlType::I32, "i32", 1, 4},
    {GgmlType::I64, "i64", 1, 8},
    {GgmlType::F64, "f64", 1, 8},
    {GgmlType::IQ1_M, "iq1_m", 256, 56},
    {GgmlType::BF16, "bf16", 1, 2},
    {GgmlType::TQ1_0, "tq1_0", 256, 54},
    {GgmlType::TQ2_0, "tq2_0", 256, 66},
    {GgmlType::MXFP4, "mxfp4", 32, 17},
    {GgmlType::NVFP4, "nvfp4", 64, 36},
    {GgmlType::Q1_0, "q1_0", 128, 18},
    {GgmlType::Q2_0, "q2_0", 64, 18},
};

// Dense lookup by id; nullptr marks holes (removed or never-assigned ids).
constexpr std::array<const GgmlTypeTraits*, kGgmlTypeIdLimit> make_index() {
    std::array<const GgmlTypeTraits*, kGgmlTypeIdLimit> index{};
    for (const auto& t : kTraits)
        index[static_cast<uint32_t>(t.type)] = &t;
    return index;
}
constexpr auto kIndex = make_index();

char ascii_upper(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

}  // namespace

std::optional<GgmlTypeTraits> ggml_type_traits(uint32_t id) {
    if (id >= kGgmlTypeIdLimit || kIndex[id] == nullptr) return std::nullopt;
    return *kIndex[id];
}

const GgmlTypeTraits& ggml_type_traits(GgmlType type) {
    const auto id = static_cast<uint32_t>(type);
    if (id >= kGgmlTypeIdLimit || kIndex[id] == nullptr) {
        throw Error(ErrorCode::internal, "ggml type id " + std::to_string(id) + " is not defined");
    }
    return *kIndex[id];
}

std::string_view ggml_type_name(GgmlType type) {
    return ggml_type_traits(type).name;
}

std::string ggml_type_upper_name(GgmlType type) {
    std::string name(ggml_type_name(type));
    for (char& c : name)
        c = ascii_upper(c);
    return name;
}

std::optional<GgmlType> ggml_type_from_name(std::string_view name) {
    for (const auto& t : kTraits) {
        if (t.name.size() != name.size()) continue;
        bool same = true;
        for (size_t i = 0; i < name.size() && same; ++i) {
            same = ascii_upper(t.name[i]) == ascii_upper(name[i]);
        }
        if (same) return t.type;
    }
    return std::nullopt;
}

std::string_view ggml_type_id_problem(uint32_t id) {
    switch (id) {
        case 4:
            return "removed from ggml (was Q4_2)";
        case 5:
            return "removed from ggml (was Q4_3)";
        case 31:
            return "removed from ggml (was Q4_0_4_4; use Q4_0)";
        case 32:
            return "removed from ggml (was Q4_0_4_8; use Q4_0)";
        case 33:
            return "removed from ggml (was Q4_0_8_8; use Q4_0)";
        case 36:
            return "removed from ggml (was IQ4_NL_4_4; use IQ4_NL)";
        case 37:
            return "removed from ggml (was IQ4_NL_4_8; use IQ4_NL)";
        case 38:
            return "removed from ggml (was IQ4_NL_8_8; use IQ4_NL)";
        default:
            break;
    }
    if (ggml_type_traits(id)) return {};
    return "unknown";
}

}  // namespace hearth::gguf
