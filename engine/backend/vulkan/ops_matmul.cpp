// matmul_* / matvec_* (shaders/matmul_q.comp for quantized weights after quantize_act.comp,
// shaders/matmul.comp for float weights) and get_rows_* (shaders/get_rows.comp).
#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "backend/cpu/kernels_dispatch.h"
#include "backend/vulkan/context.h"
#include "backend/vulkan/fault.h"
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

// Float weights: matmul.comp, F32 activations (TOKENS / ROWS there).
constexpr uint32_t kFloatTokensPerGroup = 8;
constexpr uint32_t kFloatRowsPerGroup = 8;
// Quantized weights: matmul_q.comp, one row per invocation (local_size_x), and TOKENS
// tokens per invocation in the multi-token variant.
constexpr uint32_t kQuantRowsPerGroup = 32;
constexpr uint32_t kQuantTokensPerGroup = 4;
// Where the CPU's matmul changes float order, its own thresholds: ggml's tiled Q6_K order
// from cpu::kTiledMinTokens tokens, groups of cpu::kMultiTokens tokens for Q4_K.
using cpu::kMultiTokens;
using cpu::kTiledMinTokens;

// The activation blocks a quantized weight type is dotted with (quantize_act.comp): Q8_1
// layout for the 32-element formats (Q8_0 weights use its d and q), Q8_K for K-quants.
struct ActFormat {
    const char* shader;
    uint32_t block_elements;
    uint32_t block_words;
};

ActFormat act_format(GgmlType type) {
    switch (type) {
        case GgmlType::Q4_K:
        case GgmlType::Q5_K:
        case GgmlType::Q6_K:
            return {"quantize_q8_k", 256, 73};
        default:
            return {"quantize_q8_1", 32, 9};
    }
}

// The tokens the CPU's matmul gives its multi-token float order (matmul_q.comp): Q6_K is
// tiled for a whole matmul of kTiledMinTokens or more; Q4_K's four-token kernel takes every
// whole group of kMultiTokens, the rest go through the single-token dot.
uint32_t alt_order_tokens(GgmlType type, int64_t n_tokens) {
    if (type == GgmlType::Q6_K) return n_tokens >= kTiledMinTokens ? uint32_t(n_tokens) : 0;
    if (type == GgmlType::Q4_K) return uint32_t(n_tokens / kMultiTokens * kMultiTokens);
    return 0;
}

bool float_weights(GgmlType type) {
    return type == GgmlType::F32 || type == GgmlType::F16 || type == GgmlType::BF16;
}

void check_shape(int64_t k, int64_t n_rows, int64_t n_tokens, size_t row_stride) {
    if (k <= 0 || n_rows < 0 || n_tokens < 0) vk_fail("matmul: bad shape");
    // Byte addresses inside the shaders are 32-bit.
    if (uint64_t(n_rows) * row_stride > UINT32_MAX) vk_fail("weight larger than 4 GiB");
}

// Rows r0 .. r0 + count of a weight, bound as their own Region.
struct RowWindow {
    int64_t first, count;
};

// A weight larger than one binding may hold (maxStorageBufferRange: 128 MiB on lavapipe,
// less than a large vocabulary's embedding) is dispatched in windows of rows, each starting
// at a byte offset the binding alignment allows (regions themselves start aligned).
std::vector<RowWindow> row_windows(const VulkanContext& ctx, int64_t n_rows, size_t row_stride) {
    const DeviceInfo& info = ctx.info();
    uint64_t limit = info.max_storage_buffer_range;
    if (injected_fault() == Fault::small_bindings) limit = std::min<uint64_t>(limit, 64 << 10);
    if (uint64_t(n_rows) * row_stride <= limit) return {{0, n_rows}};
    const uint64_t align = std::max<uint64_t>(16, info.min_storage_offset_alignment);
    const uint64_t step = align / std::gcd(uint64_t(row_stride), align);  // rows per aligned start
    const int64_t per = int64_t(limit / row_stride / step * step);
    if (per == 0) vk_fail("a weight row is larger than the device's largest binding");
    std::vector<RowWindow> windows;
    for (int64_t r0 = 0; r0 < n_rows; r0 += per)
        windows.push_back({r0, std::min(per, n_rows - r0)});
    return windows;
}

Region rows_of(const Region& w, const RowWindow& window, size_t row_stride) {
    Region r = w;
    const VkDeviceSize offset = VkDeviceSize(window.first) * row_stride;
    r.offset += offset;
    // Whole words: the shaders read 32-bit words, the last one past a 2-aligned row's end
    // (inside the region, whose size the allocator rounds up).
    r.size = std::min<VkDeviceSize>((VkDeviceSize(window.count) * row_stride + 3) / 4 * 4,
                                    w.size - offset);
    if (r.mapped) r.mapped += offset;
    return r;
}

}  // namespace

void quantize_activations(VulkanContext& ctx, GgmlType weight_type, const Region& x, int64_t k,
                          int64_t n_tokens, const Region& out) {
    const ActFormat f = act_format(weight_type);
    if (k % f.block_elements != 0) {
        vk_fail("matmul: k = " + std::to_string(k) + " is not a multiple of the " +
                std::string(gguf::ggml_type_name(weight_type)) + " block size");
    }
    const uint64_t blocks = uint64_t(k / f.block_elements) * uint64_t(n_tokens);
    if (blocks * f.block_words > UINT32_MAX / 4) vk_fail("matmul: activations too large");
    const struct { uint32_t k, n_tokens; } push{u32(k, "k"), u32(n_tokens, "tokens")};
    ctx.stream().dispatch(ctx.pipeline(f.shader), {x, out}, &push, sizeof push,
                          split_groups((blocks + 63) / 64, 1, ctx.info().max_workgroup_count));
}

size_t quantized_activation_bytes(GgmlType weight_type, int64_t k, int64_t n_tokens) {
    const ActFormat f = act_format(weight_type);
    return size_t(k / f.block_elements) * f.block_words * 4 * size_t(n_tokens);
}

void matmul(VulkanContext& ctx, GgmlType type, const Region& w, size_t row_stride, int64_t k,
            int64_t n_rows, const Region& x, int64_t n_tokens, const Region& y) {
    check_shape(k, n_rows, n_tokens, row_stride);
    const char* suffix = checked_suffix(type);
    if (n_rows == 0 || n_tokens == 0) return;
    const std::vector<RowWindow> windows = row_windows(ctx, n_rows, row_stride);
    if (float_weights(type)) {
        const uint32_t tiles =
            uint32_t((n_tokens + kFloatTokensPerGroup - 1) / kFloatTokensPerGroup);
        for (const RowWindow& win : windows) {
            const struct {
                uint32_t k, n_rows, n_tokens, row_stride, row0, y_rows;
            } push{u32(k, "k"),
                   u32(win.count, "rows"),
                   u32(n_tokens, "tokens"),
                   u32(int64_t(row_stride), "row stride"),
                   uint32_t(win.first),
                   uint32_t(n_rows)};
            ctx.stream().dispatch(
                ctx.pipeline(std::string("matmul_") + suffix), {rows_of(w, win, row_stride), x, y},
                &push, sizeof push,
                split_groups((uint64_t(win.count) + kFloatRowsPerGroup - 1) / kFloatRowsPerGroup,
                             tiles, ctx.info().max_workgroup_count));
        }
        return;
    }
    // The CPU's scheme: activations to int8 blocks once, then integer dots per block.
    const Region act = ctx.scratch(quantized_activation_bytes(type, k, n_tokens));
    quantize_activations(ctx, type, x, k, n_tokens, act);
    const ActFormat f = act_format(type);
    const bool decode = n_tokens == 1;
    const uint32_t tiles =
        decode ? 1u : uint32_t((n_tokens + kQuantTokensPerGroup - 1) / kQuantTokensPerGroup);
    // Where the driver splits fma() (device_info.h), the exact-fma variant keeps the bits.
    const bool f64_fma = use_exact_fma_variants(ctx.info());
    const std::string name = std::string(decode ? "matvec_" : "matmul_") + suffix +
                             (f64_fma ? "_f64fma" : "") +
                             (use_int_dot_variants(ctx.info()) ? "_idot" : "");
    const Pipeline& pipeline = ctx.pipeline(name);
    for (const RowWindow& win : windows) {
        const struct {
            uint32_t k, n_rows, n_tokens, row_stride, act_words, alt_order_tokens, row0, y_rows;
        } push{u32(k, "k"),
               u32(win.count, "rows"),
               u32(n_tokens, "tokens"),
               u32(int64_t(row_stride), "row stride"),
               uint32_t(k / f.block_elements * f.block_words),
               alt_order_tokens(type, n_tokens),
               uint32_t(win.first),
               uint32_t(n_rows)};
        ctx.stream().dispatch(
            pipeline, {rows_of(w, win, row_stride), act, y}, &push, sizeof push,
            split_groups((uint64_t(win.count) + kQuantRowsPerGroup - 1) / kQuantRowsPerGroup, tiles,
                         ctx.info().max_workgroup_count));
    }
}

bool weight_type_supported(GgmlType type) {
    return weight_suffix(type) != nullptr;
}

void get_rows(VulkanContext& ctx, GgmlType type, const Region& table, size_t row_stride, int64_t k,
              const Region& ids, int64_t n_ids, const Region& out) {
    const uint64_t n = uint64_t(k) * uint64_t(n_ids);
    const Pipeline& pipeline = ctx.pipeline(std::string("get_rows_") + checked_suffix(type));
    const int64_t table_rows = int64_t(table.size / row_stride);
    for (const RowWindow& win : row_windows(ctx, table_rows, row_stride)) {
        const struct {
            uint32_t k, n_ids, row_stride, first_row, window_rows;
        } push{u32(k, "k"), u32(n_ids, "ids"), u32(int64_t(row_stride), "row stride"),
               uint32_t(win.first), uint32_t(win.count)};
        ctx.stream().dispatch(pipeline, {rows_of(table, win, row_stride), ids, out}, &push,
                              sizeof push,
                              split_groups((n + 63) / 64, 1, ctx.info().max_workgroup_count));
    }
}

}  // namespace hearth::vulkan::ops
