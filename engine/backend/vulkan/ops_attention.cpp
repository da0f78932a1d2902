// kv_store and attention over a KV cache layer (shaders/kv_store.comp, attention.comp).
#include <string>

#include "backend/vulkan/context.h"
#include "backend/vulkan/ops.h"
#include "backend/vulkan/vk_check.h"

namespace hearth::vulkan::ops {

namespace {
// The CPU attention switches to its tiled kernel at this many query rows
// (backend/cpu/ops_attention.h, kTiledMinRows).
constexpr int64_t kCpuTiledMinRows = 64;

const char* cache_suffix(GgmlType type) {
    if (type == GgmlType::F16) return "f16";
    if (type == GgmlType::F32) return "f32";
    vk_fail("no attention shader for cache type " + std::string(gguf::ggml_type_name(type)));
}
}  // namespace

bool cache_type_supported(GgmlType type) {
    return type == GgmlType::F16 || type == GgmlType::F32;
}

void kv_store(VulkanContext& ctx, GgmlType cache_type, const Region& k_cache, const Region& v_cache,
              int pos0, const Region& k, const Region& v, int64_t n_tokens, int64_t k_cols,
              int64_t v_cols) {
    // F16 cells pack two halves per word, so rows must hold whole words.
    if (cache_type == GgmlType::F16 && (k_cols % 2 != 0 || v_cols % 2 != 0)) {
        vk_fail("kv_store: F16 cache rows need an even number of elements");
    }
    const struct {
        uint32_t n_tokens, k_cols, v_cols, pos0;
    } push{uint32_t(n_tokens), uint32_t(k_cols), uint32_t(v_cols), uint32_t(pos0)};
    const uint64_t per_word = cache_type == GgmlType::F16 ? 2 : 1;
    const uint64_t words = uint64_t(n_tokens) * uint64_t(k_cols + v_cols) / per_word;
    ctx.stream().dispatch(ctx.pipeline(std::string("kv_store_") + cache_suffix(cache_type)),
                          {k, v, k_cache, v_cache}, &push, sizeof push,
                          split_groups((words + 63) / 64, 1, ctx.info().max_workgroup_count));
}

void attention(VulkanContext& ctx, GgmlType cache_type, const AttentionParams& params,
               const Region& q, int64_t n_tokens, const Region& k_cache, const Region& v_cache,
               const Region& out) {
    if (params.head_dim_k > kMaxHeadDim || params.head_dim_v > kMaxHeadDim ||
        params.n_kv_heads <= 0 || params.n_heads % params.n_kv_heads != 0) {
        vk_fail("attention: unsupported head layout");
    }
    const struct {
        uint32_t n_tokens, n_heads, n_kv_heads, head_dim_k, head_dim_v, pos0, window;
        float scale, softcap;
    } push{uint32_t(n_tokens),
           uint32_t(params.n_heads),
           uint32_t(params.n_kv_heads),
           uint32_t(params.head_dim_k),
           uint32_t(params.head_dim_v),
           uint32_t(params.pos0),
           uint32_t(params.sliding_window > 0 ? params.sliding_window : 0),
           params.scale,
           params.softcap};
    const uint64_t groups = uint64_t(n_tokens) * uint64_t(params.n_heads);
    // The CPU's arithmetic (an F16 cache, no softcap) is reproduced to the bit where the
    // device has float64 (attention_exact.comp): its decode path below kCpuTiledMinRows
    // query rows, its tiled prefill kernel from there on.
    if (cache_type == GgmlType::F16 && params.softcap <= 0.0f && use_float64_variants(ctx.info())) {
        const char* shader =
            n_tokens < kCpuTiledMinRows ? "attention_exact_f16" : "attention_exact_tiled_f16";
        ctx.stream().dispatch(ctx.pipeline(shader), {q, k_cache, v_cache, out}, &push, sizeof push,
                              split_groups((groups + 7) / 8, 1, ctx.info().max_workgroup_count));
        return;
    }
    ctx.stream().dispatch(ctx.pipeline(std::string("attention_") + cache_suffix(cache_type)),
                          {q, k_cache, v_cache, out}, &push, sizeof push,
                          split_groups(groups, 1, ctx.info().max_workgroup_count));
}

}  // namespace hearth::vulkan::ops
