// matmul_* and get_rows_* (shaders/matmul.comp, shaders/get_rows.comp).
#include <string>

#include "backend/vulkan/context.h"
#include "backend/vulkan/ops.h"
#include "backend/vulkan/vk_check.h"

namespace hearth::vulkan::ops {

namespace {

// Module-name suffix of a weight type's shader variant; nullptr when there is none.
const char* weight_suffix(GgmlType type) {
    switch (type) {
        case GgmlType::F32:
            return "f32";
        case GgmlType::F16:
            return "f16";
        case GgmlType::BF16:
            return "bf16";
        case GgmlType::Q4_0:
            return "q4_0";
        case GgmlType::Q4_1:
            return "q4_1";
        case GgmlType::Q5_0:
            return "q5_0";
        case GgmlType::Q5_1:
            return "q5_1";
        case GgmlType::Q8_0:
            return "q8_0";
        case GgmlType::Q4_K:
            return "q4_k";
        case GgmlType::Q5_K:
            return "q5_k";
        case GgmlType::Q6_K:
            return "q6_k";
        default:
            return nullptr;
    }
}

const char* checked_suffix(GgmlType type) {
    const char* suffix = weight_suffix(type);
    if (!suffix) vk_fail("no shader for weight type " + std::string(gguf::ggml_type_name(type)));
    return suffix;
}

uint32_t u32(int64_t v, const char* what) {
    if (v < 0 || v > int64_t(UINT32_MAX)) vk_fail(std::string(what) + " out of range");
    return uint32_t(v);
}

}  // namespace

bool weight_type_supported(GgmlType type) {
    return weight_suffix(type) != nullptr;
}

constexpr uint32_t kTokensPerGroup = 8;  // TOKENS in matmul.comp
constexpr uint32_t kRowsPerGroup = 8;    // ROWS in matmul.comp

void matmul(VulkanContext& ctx, GgmlType type, const Region& w, size_t row_stride, int64_t k,
            int64_t n_rows, const Region& x, int64_t n_tokens, const Region& y) {
    // Byte addresses inside the shader are 32-bit.
    if (uint64_t(n_rows) * row_stride > UINT32_MAX) vk_fail("weight larger than 4 GiB");
    const struct {
        uint32_t k, n_rows, n_tokens, row_stride;
    } push{u32(k, "k"), u32(n_rows, "rows"), u32(n_tokens, "tokens"),
           u32(int64_t(row_stride), "row stride")};
    const uint32_t tiles = uint32_t((n_tokens + kTokensPerGroup - 1) / kTokensPerGroup);
    const Pipeline& pipeline = ctx.pipeline(std::string("matmul_") + checked_suffix(type));
    ctx.stream().dispatch(pipeline, {w, x, y}, &push, sizeof push,
                          split_groups((uint64_t(n_rows) + kRowsPerGroup - 1) / kRowsPerGroup,
                                       tiles, ctx.info().max_workgroup_count));
}

void get_rows(VulkanContext& ctx, GgmlType type, const Region& table, size_t row_stride, int64_t k,
              const Region& ids, int64_t n_ids, const Region& out) {
    const struct {
        uint32_t k, n_ids, row_stride;
    } push{u32(k, "k"), u32(n_ids, "ids"), u32(int64_t(row_stride), "row stride")};
    const uint64_t n = uint64_t(k) * uint64_t(n_ids);
    const Pipeline& pipeline = ctx.pipeline(std::string("get_rows_") + checked_suffix(type));
    ctx.stream().dispatch(pipeline, {table, ids, out}, &push, sizeof push,
                          split_groups((n + 63) / 64, 1, ctx.info().max_workgroup_count));
}

}  // namespace hearth::vulkan::ops
