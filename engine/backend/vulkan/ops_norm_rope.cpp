// rms_norm and rope (shaders/rms_norm.comp, shaders/rope.comp).
#include <cmath>

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
    ctx.stream().dispatch(ctx.pipeline("rms_norm"), {x, w ? w : x, y}, &push, sizeof push,
                          split_groups(uint64_t(n_rows), 1, ctx.info().max_workgroup_count));
}

void rope(VulkanContext& ctx, const Region& x, int64_t n_tokens, int n_heads, int head_dim,
          int pos0, const RopeParams& params) {
    if (params.n_rot <= 0 || params.n_rot % 2 != 0 || params.n_rot > head_dim) {
        vk_fail("rope: n_rot " + std::to_string(params.n_rot) + " does not fit head_dim " +
                std::to_string(head_dim));
    }
    // The same float expression as the CPU op, so the angles agree exactly.
    const float theta_scale = std::pow(params.freq_base, -2.0f / float(params.n_rot));
    const struct {
        uint32_t n_tokens, n_heads, head_dim, n_rot;
        int32_t pos0;
        float theta_scale, freq_scale;
        uint32_t neox;
    } push{uint32_t(n_tokens),
           uint32_t(n_heads),
           uint32_t(head_dim),
           uint32_t(params.n_rot),
           pos0,
           theta_scale,
           params.freq_scale,
           params.layout == RopeLayout::neox ? 1u : 0u};
    const uint64_t n = uint64_t(n_tokens) * uint64_t(n_heads) * uint64_t(params.n_rot / 2);
    ctx.stream().dispatch(ctx.pipeline("rope"), {x}, &push, sizeof push,
                          split_groups((n + 63) / 64, 1, ctx.info().max_workgroup_count));
}

}  // namespace hearth::vulkan::ops
