#include "backend/vulkan/vulkan_backend.h"

#include <spdlog/spdlog.h>

#include "backend/vulkan/context.h"
#include "backend/vulkan/ops.h"
#include "backend/vulkan/vk_check.h"

namespace hearth::vulkan {

namespace {

const char* op_name(Op op) {
    switch (op) {
        case Op::rms_norm:
            return "rms_norm";
        case Op::matmul:
            return "matmul";
        case Op::add_rows:
            return "add_rows";
        case Op::rope:
            return "rope";
        case Op::kv_store:
            return "kv_store";
        case Op::attention:
            return "attention";
        case Op::get_rows:
            return "get_rows";
        case Op::silu_gate:
            return "silu_gate";
        case Op::gelu_gate:
            return "gelu_gate";
        case Op::add:
            return "add";
        case Op::scale:
            return "scale";
        case Op::softcap:
            return "softcap";
    }
    return "?";
}

size_t float_bytes(const Rows& r) {
    return size_t(r.rows * r.cols) * sizeof(float);
}

}  // namespace

VulkanBackend::VulkanBackend(std::unique_ptr<VulkanContext> context, Backend& fallback)
    : ctx_(std::move(context)), fallback_(fallback) {
    const DeviceInfo& info = ctx_->info();
    spdlog::info("vulkan: using device {} '{}' ({}, driver {} {}; {})", info.index, info.name,
                 device_kind_name(info.kind), info.driver_name, info.driver_info,
                 info.feature_summary());
}

std::unique_ptr<VulkanBackend> VulkanBackend::create(Backend& fallback) {
    return std::make_unique<VulkanBackend>(VulkanContext::create(), fallback);
}

VulkanBackend::~VulkanBackend() {
    // Allocations return to the context's allocator, so they go before it does.
    slots_.clear();
    weights_.clear();
    cache_mirrors_.clear();
}

bool VulkanBackend::supports(Op op, GgmlType type) const {
    switch (op) {
        case Op::matmul:
        case Op::get_rows:
            return ops::weight_type_supported(type);
        case Op::kv_store:
        case Op::attention:
            return ops::cache_type_supported(type);
        default:
            return type == GgmlType::F32;
    }
}

bool VulkanBackend::declined(Op op, GgmlType type) {
    if (supports(op, type)) return false;
    if (logged_.emplace(int(op), int(type)).second) {
        spdlog::info("vulkan: {} on {} is not implemented on the GPU; it runs on the {} backend",
                     op_name(op), gguf::ggml_type_name(type), fallback_.name());
    }
    ++fallback_calls_;
    return true;
}

const Region& VulkanBackend::weight(const void* data, size_t bytes) {
    auto it = weights_.find(data);
    if (it != weights_.end() && it->second.region().size >= bytes) return it->second.region();
    Allocation a(ctx_->memory(), bytes);
    ctx_->upload(a.region(), 0, data, bytes);
    auto [pos, inserted] = weights_.insert_or_assign(data, std::move(a));
    (void)inserted;
    return pos->second.region();
}

const Region& VulkanBackend::cache_mirror(const void* host, size_t bytes) {
    auto it = cache_mirrors_.find(host);
    if (it != cache_mirrors_.end() && it->second.region().size >= bytes) {
        return it->second.region();
    }
    // First sight of this layer: the device copy starts as what the host holds.
    Allocation a(ctx_->memory(), bytes);
    ctx_->upload(a.region(), 0, host, bytes);
    auto [pos, inserted] = cache_mirrors_.insert_or_assign(host, std::move(a));
    (void)inserted;
    return pos->second.region();
}

Region VulkanBackend::slot(size_t index, size_t bytes, const void* src) {
    if (slots_.size() <= index) slots_.resize(index + 1);
    Allocation& a = slots_[index];
    if (!a || a.region().size < bytes) {
        ctx_->stream().flush();  // a recorded dispatch may still use the old buffer
        a.reset();
        // Grow by half again so a prompt's chunks of varying length do not reallocate.
        a = Allocation(ctx_->memory(), bytes + bytes / 2);
    }
    if (src) ctx_->upload(a.region(), 0, src, bytes);
    return a.region();
}

void VulkanBackend::download(const Region& region, void* dst, size_t bytes) {
    ctx_->download(region, 0, dst, bytes);
}

void VulkanBackend::rms_norm(const Rows& x, VectorTensor w, float eps, const Rows& y) {
    const size_t bytes = float_bytes(x);
    const Region xr = slot(0, bytes, x.data);
    Region wr;
    if (w) wr = weight(w.data, size_t(w.n) * sizeof(float));
    ops::rms_norm(*ctx_, xr, wr, x.rows, x.cols, eps, xr);
    download(xr, y.data, bytes);
}

void VulkanBackend::matmul(const WeightTensor& w, const Rows& x, const Rows& y) {
    if (declined(Op::matmul, w.type)) return fallback_.matmul(w, x, y);
    const Region& wr = weight(w.data, size_t(w.rows) * w.row_stride);
    const Region xr = slot(0, float_bytes(x), x.data);
    const Region yr = slot(1, float_bytes(y));
    ops::matmul(*ctx_, w.type, wr, w.row_stride, w.cols, w.rows, xr, x.rows, yr);
    download(yr, y.data, float_bytes(y));
}

void VulkanBackend::add_rows(const Rows& y, VectorTensor b) {
    const Region yr = slot(0, float_bytes(y), y.data);
    const Region& br = weight(b.data, size_t(b.n) * sizeof(float));
    ops::add_rows(*ctx_, yr, br, y.rows * y.cols, y.cols);
    download(yr, y.data, float_bytes(y));
}

void VulkanBackend::rope(const Rows& x, int n_heads, int head_dim, int pos0,
                         const RopeParams& params) {
    const Region xr = slot(0, float_bytes(x), x.data);
    ops::rope(*ctx_, xr, x.rows, n_heads, head_dim, pos0, params);
    download(xr, x.data, float_bytes(x));
}

void VulkanBackend::kv_store(const KvLayerView& cache, int pos0, const Rows& k, const Rows& v) {
    if (declined(Op::kv_store, cache.type)) return fallback_.kv_store(cache, pos0, k, v);
    const Region& kc = cache_mirror(cache.k, size_t(cache.n_cells) * cache.k_row_bytes);
    const Region& vc = cache_mirror(cache.v, size_t(cache.n_cells) * cache.v_row_bytes);
    const Region kr = slot(0, float_bytes(k), k.data);
    const Region vr = slot(1, float_bytes(v), v.data);
    ops::kv_store(*ctx_, cache.type, kc, vc, pos0, kr, vr, k.rows, k.cols, v.cols);
    // Keep the host cells equal to the device's (a fallback op or a later session may read
    // them).
    auto* k_host = static_cast<uint8_t*>(cache.k) + size_t(pos0) * cache.k_row_bytes;
    auto* v_host = static_cast<uint8_t*>(cache.v) + size_t(pos0) * cache.v_row_bytes;
    ctx_->download(kc, size_t(pos0) * cache.k_row_bytes, k_host,
                   size_t(k.rows) * cache.k_row_bytes);
    ctx_->download(vc, size_t(pos0) * cache.v_row_bytes, v_host,
                   size_t(v.rows) * cache.v_row_bytes);
}

void VulkanBackend::attention(const AttentionParams& params, const Rows& q,
                              const KvLayerView& cache, const Rows& out) {
    if (params.head_dim_k > ops::kMaxHeadDim || params.head_dim_v > ops::kMaxHeadDim) {
        ++fallback_calls_;
        return fallback_.attention(params, q, cache, out);
    }
    if (declined(Op::attention, cache.type)) return fallback_.attention(params, q, cache, out);
    const Region& kc = cache_mirror(cache.k, size_t(cache.n_cells) * cache.k_row_bytes);
    const Region& vc = cache_mirror(cache.v, size_t(cache.n_cells) * cache.v_row_bytes);
    const Region qr = slot(0, float_bytes(q), q.data);
    const Region outr = slot(1, float_bytes(out));
    ops::attention(*ctx_, cache.type, params, qr, q.rows, kc, vc, outr);
    download(outr, out.data, float_bytes(out));
}

void VulkanBackend::get_rows(const WeightTensor& table, const int32_t* ids, const Rows& out) {
    if (declined(Op::get_rows, table.type)) return fallback_.get_rows(table, ids, out);
    const Region& tr = weight(table.data, size_t(table.rows) * table.row_stride);
    const Region ir = slot(0, size_t(out.rows) * sizeof(int32_t), ids);
    const Region outr = slot(1, float_bytes(out));
    ops::get_rows(*ctx_, table.type, tr, table.row_stride, table.cols, ir, out.rows, outr);
    download(outr, out.data, float_bytes(out));
}

void VulkanBackend::silu_gate(const Rows& gate, const Rows& up) {
    const Region g = slot(0, float_bytes(gate), gate.data);
    const Region u = slot(1, float_bytes(up), up.data);
    ops::silu_gate(*ctx_, g, u, gate.rows * gate.cols);
    download(g, gate.data, float_bytes(gate));
}

void VulkanBackend::gelu_gate(const Rows& gate, const Rows& up) {
    const Region g = slot(0, float_bytes(gate), gate.data);
    const Region u = slot(1, float_bytes(up), up.data);
    ops::gelu_gate(*ctx_, g, u, gate.rows * gate.cols);
    download(g, gate.data, float_bytes(gate));
}

void VulkanBackend::add(const Rows& a, const Rows& b, const Rows& y) {
    const Region ar = slot(0, float_bytes(a), a.data);
    const Region br = slot(1, float_bytes(b), b.data);
    const Region yr = slot(2, float_bytes(y));
    ops::add(*ctx_, ar, br, yr, a.rows * a.cols);
    download(yr, y.data, float_bytes(y));
}

void VulkanBackend::scale(const Rows& x, float s) {
    const Region xr = slot(0, float_bytes(x), x.data);
    ops::scale(*ctx_, xr, x.rows * x.cols, s);
    download(xr, x.data, float_bytes(x));
}

void VulkanBackend::softcap(const Rows& x, float cap) {
    const Region xr = slot(0, float_bytes(x), x.data);
    ops::softcap(*ctx_, xr, x.rows * x.cols, cap);
    download(xr, x.data, float_bytes(x));
}

}  // namespace hearth::vulkan
