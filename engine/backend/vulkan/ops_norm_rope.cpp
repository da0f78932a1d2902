// rms_norm and rope (shaders/rms_norm.comp, shaders/rope.comp).
#include <cmath>
#include <vector>

#include "backend/vulkan/context.h"
#include "backend/vulkan/ops.h"
#include "backend/vulkan/vk_check.h"

namespace hearth::vulkan::ops {

void rms_norm(VulkanContext& ctx, const Region& x, const Region& w, int64_t n_rows, int64_t n,
              float eps, const Region& y) {
    const struct {
        uint32_t n, n_rows;
        float eps;
        uint32_t has_w;
    } push{uint32_t(n), uint32_t(n_rows), eps, w ? 1u : 0u};
    // Without a weight, x stands in for binding 1; the shader never reads it.
    const char* shader = use_float64_variants(ctx.info()) ? "rms_norm_f64" : "rms_norm";
    ctx.stream().dispatch(ctx.pipeline(shader), {x, w ? w : x, y}, &push, sizeof push,
                          split_groups(uint64_t(n_rows), 1, ctx.info().max_workgroup_count));
}

void rope(VulkanContext& ctx, const Region& x, int64_t n_tokens, int n_heads, int head_dim,
          int pos0, const RopeParams& params) {
    if (params.n_rot <= 0 || params.n_rot % 2 != 0 || params.n_rot > head_dim) {
        vk_fail("rope: n_rot " + std::to_string(params.n_rot) + " does not fit head_dim " +
                std::to_string(head_dim));
    }
    // cos/sin of every angle, by the CPU op's own code (backend/cpu/ops_rope.cpp): the
    // shader cannot reproduce std::cos/std::sin to the bit, and the angles are few.
    const int n_rot = params.n_rot;
    const float theta_scale = std::pow(params.freq_base, -2.0f / float(n_rot));
    std::vector<float> table(size_t(n_tokens) * size_t(n_rot));
    for (int64_t t = 0; t < n_tokens; ++t) {
        float theta = float(pos0 + t);
        for (int i0 = 0; i0 < n_rot; i0 += 2) {
            const float angle = params.freq_scale * theta;
            table[size_t(t * n_rot + i0)] = std::cos(angle);
            table[size_t(t * n_rot + i0) + 1] = std::sin(angle);
            theta *= theta_scale;
        }
    }
    const size_t bytes = table.size() * sizeof(float);
    const Region table_region = ctx.scratch(bytes, ScratchSlot::rope_table);
    ctx.record_upload(table_region, 0, table.data(), bytes);
    const struct {
        uint32_t n_tokens, n_heads, head_dim, n_rot, neox;
    } push{uint32_t(n_tokens), uint32_t(n_heads), uint32_t(head_dim), uint32_t(n_rot),
           params.layout == RopeLayout::neox ? 1u : 0u};
    const uint64_t n = uint64_t(n_tokens) * uint64_t(n_heads) * uint64_t(n_rot / 2);
    const char* shader = use_exact_fma_variants(ctx.info()) ? "rope_f64fma" : "rope";
    ctx.stream().dispatch(ctx.pipeline(shader), {x, table_region}, &push, sizeof push,
                          split_groups((n + 63) / 64, 1, ctx.info().max_workgroup_count));
}

}  // namespace hearth::vulkan::ops
