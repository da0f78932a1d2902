// Gated activations and element-wise ops (shaders/activation.comp, elementwise.comp): one
// invocation per element, 64 per group.
#include "backend/cpu/ops_activation.h"
#include "backend/vulkan/context.h"
#include "backend/vulkan/ops.h"

namespace hearth::vulkan::ops {

namespace {

struct ElementwisePush {
    uint32_t n, cols;
    float s;
};

void run(VulkanContext& ctx, const char* shader, std::initializer_list<Region> bindings, int64_t n,
         int64_t cols, float s) {
    const ElementwisePush push{uint32_t(n), uint32_t(cols), s};
    ctx.stream().dispatch(ctx.pipeline(shader), bindings, &push, sizeof push,
                          split_groups((uint64_t(n) + 63) / 64, 1, ctx.info().max_workgroup_count));
}

}  // namespace

void silu_gate(VulkanContext& ctx, const Region& gate, const Region& up, int64_t n) {
    run(ctx, use_exact_fma_variants(ctx.info()) ? "silu_gate_f64fma" : "silu_gate", {gate, up}, n,
        0, 0);
}

void gelu_gate(VulkanContext& ctx, const Region& gate, const Region& up, int64_t n) {
    // The CPU op's own F16 table, so the GELU is the CPU's to the bit.
    const Region& table =
        ctx.constant("gelu_f16", cpu::gelu_f16_table(), size_t(65536) * sizeof(uint16_t));
    run(ctx, "gelu_gate", {gate, up, table}, n, 0, 0);
}

void add(VulkanContext& ctx, const Region& a, const Region& b, const Region& y, int64_t n) {
    run(ctx, "add", {a, b, y}, n, 0, 0);
}

void mul(VulkanContext& ctx, const Region& a, const Region& b, const Region& y, int64_t n) {
    run(ctx, "mul", {a, b, y}, n, 0, 0);
}

void add_rows(VulkanContext& ctx, const Region& y, const Region& b, int64_t n, int64_t cols) {
    run(ctx, "add_rows", {y, b}, n, cols, 0);
}

void scale(VulkanContext& ctx, const Region& x, int64_t n, float s) {
    run(ctx, "scale", {x}, n, 0, s);
}

void softcap(VulkanContext& ctx, const Region& x, int64_t n, float cap) {
    run(ctx, "softcap", {x}, n, 0, cap);
}

}  // namespace hearth::vulkan::ops
