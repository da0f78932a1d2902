#include "backend/vulkan/vulkan_backend.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "backend/vulkan/context.h"
#include "backend/vulkan/ops.h"
#include "backend/vulkan/shared_device.h"
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

HostMirror::Operand in(const Rows& r) {
    return {r.data, float_bytes(r), true};
}
HostMirror::Operand out(const Rows& r) {
    return {r.data, float_bytes(r), false};
}

}  // namespace

VulkanBackend::VulkanBackend(std::shared_ptr<SharedDevice> device, Backend& fallback)
    : device_(std::move(device)), ctx_(device_->context()), fallback_(fallback), mirror_(ctx_) {}

std::unique_ptr<VulkanBackend> VulkanBackend::create(Backend& fallback) {
    auto device = std::make_shared<SharedDevice>(VulkanContext::create());
    const DeviceInfo& info = device->context().info();
    spdlog::info("vulkan: using device {} '{}' ({}, driver {} {}; {})", info.index, info.name,
                 device_kind_name(info.kind), info.driver_name, info.driver_info,
                 info.feature_summary());
    return std::make_unique<VulkanBackend>(std::move(device), fallback);
}

VulkanBackend::~VulkanBackend() {
    // Recorded commands may still use this backend's memory: finish them before it goes.
    try {
        ctx_.stream().flush();
    } catch (const std::exception&) {
        // A lost device has nothing left to finish.
    }
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
    return device_->weight(data, bytes);
}

Region VulkanBackend::cache_cells(const KvLayerView& cache, bool v, int valid_cells) {
    void* host = v ? cache.v : cache.k;
    const size_t row = v ? cache.v_row_bytes : cache.k_row_bytes;
    if (!mirror_.mapped(host)) {
        const Region r = mirror_.region(host, size_t(cache.n_cells) * row, false);
        mirror_.from_host(host, size_t(valid_cells) * row);
        return r;
    }
    return mirror_.region(host, size_t(cache.n_cells) * row, false);
}

Region VulkanBackend::upload_ids(const int32_t* ids, int64_t n) {
    const size_t bytes = size_t(n) * sizeof(int32_t);
    if (!ids_ || ids_.region().size < bytes) {
        ctx_.stream().flush();  // recorded dispatches may still read the old buffer
        ids_ = Allocation(ctx_.memory(), std::max<size_t>(bytes, 4096));
    }
    ctx_.record_upload(ids_.region(), 0, ids, bytes);
    Region r = ids_.region();
    r.size = bytes;
    return r;
}

void VulkanBackend::to_host(const Rows& r) {
    mirror_.to_host(r.data, float_bytes(r));
}

void VulkanBackend::from_host(const Rows& r) {
    mirror_.from_host(r.data, float_bytes(r));
}

void VulkanBackend::cells_to_host(const KvLayerView& cache, int n_cells) {
    mirror_.to_host(cache.k, size_t(n_cells) * cache.k_row_bytes);
    mirror_.to_host(cache.v, size_t(n_cells) * cache.v_row_bytes);
}

void VulkanBackend::cells_from_host(const KvLayerView& cache, int first, int n) {
    mirror_.from_host(static_cast<uint8_t*>(cache.k) + size_t(first) * cache.k_row_bytes,
                      size_t(n) * cache.k_row_bytes);
    mirror_.from_host(static_cast<uint8_t*>(cache.v) + size_t(first) * cache.v_row_bytes,
                      size_t(n) * cache.v_row_bytes);
}

void VulkanBackend::rms_norm(const Rows& x, VectorTensor w, float eps, const Rows& y) {
    mirror_.prepare({in(x), out(y)});
    Region wr;
    if (w) wr = weight(w.data, size_t(w.n) * sizeof(float));
    ops::rms_norm(ctx_, mirror_.region(x.data, float_bytes(x), true), wr, x.rows, x.cols, eps,
                  mirror_.region(y.data, float_bytes(y), false));
}

void VulkanBackend::matmul(const WeightTensor& w, const Rows& x, const Rows& y) {
    if (declined(Op::matmul, w.type)) {
        to_host(x);
        fallback_.matmul(w, x, y);
        return from_host(y);
    }
    const Region& wr = weight(w.data, size_t(w.rows) * w.row_stride);
    mirror_.prepare({in(x), out(y)});
    ops::matmul(ctx_, w.type, wr, w.row_stride, w.cols, w.rows,
                mirror_.region(x.data, float_bytes(x), true), x.rows,
                mirror_.region(y.data, float_bytes(y), false));
    // A prompt's forward pass is many times a token's work: submitted after each matmul, no
    // single submission runs long enough to look like a hung device (commands.cpp), while a
    // decode step stays one submission.
    if (x.rows > 1) ctx_.stream().flush();
}

void VulkanBackend::add_rows(const Rows& y, VectorTensor b) {
    const Region& br = weight(b.data, size_t(b.n) * sizeof(float));
    ops::add_rows(ctx_, mirror_.region(y.data, float_bytes(y), true), br, y.rows * y.cols, y.cols);
}

void VulkanBackend::rope(const Rows& x, int n_heads, int head_dim, int pos0,
                         const RopeParams& params) {
    ops::rope(ctx_, mirror_.region(x.data, float_bytes(x), true), x.rows, n_heads, head_dim, pos0,
              params);
}

void VulkanBackend::kv_store(const KvLayerView& cache, int pos0, const Rows& k, const Rows& v) {
    if (declined(Op::kv_store, cache.type)) {
        to_host(k);
        to_host(v);
        fallback_.kv_store(cache, pos0, k, v);
        return cells_from_host(cache, pos0, int(k.rows));
    }
    cache_cells(cache, false, pos0);
    cache_cells(cache, true, pos0);
    mirror_.prepare({in(k), in(v)});
    ops::kv_store(ctx_, cache.type, cache_cells(cache, false, pos0), cache_cells(cache, true, pos0),
                  pos0, mirror_.region(k.data, float_bytes(k), true),
                  mirror_.region(v.data, float_bytes(v), true), k.rows, k.cols, v.cols);
}

void VulkanBackend::attention(const AttentionParams& params, const Rows& q,
                              const KvLayerView& cache, const Rows& out_rows) {
    const bool too_wide =
        params.head_dim_k > ops::kMaxHeadDim || params.head_dim_v > ops::kMaxHeadDim;
    if (too_wide) ++fallback_calls_;
    if (too_wide || declined(Op::attention, cache.type)) {
        to_host(q);
        cells_to_host(cache, params.pos0 + int(q.rows));
        fallback_.attention(params, q, cache, out_rows);
        return from_host(out_rows);
    }
    const int valid = params.pos0 + int(q.rows);
    cache_cells(cache, false, valid);
    cache_cells(cache, true, valid);
    mirror_.prepare({in(q), out(out_rows)});
    ops::attention(ctx_, cache.type, params, mirror_.region(q.data, float_bytes(q), true), q.rows,
                   cache_cells(cache, false, valid), cache_cells(cache, true, valid),
                   mirror_.region(out_rows.data, float_bytes(out_rows), false));
}

void VulkanBackend::get_rows(const WeightTensor& table, const int32_t* ids, const Rows& out_rows) {
    if (declined(Op::get_rows, table.type)) {
        fallback_.get_rows(table, ids, out_rows);
        return from_host(out_rows);
    }
    const Region& tr = weight(table.data, size_t(table.rows) * table.row_stride);
    const Region ir = upload_ids(ids, out_rows.rows);
    ops::get_rows(ctx_, table.type, tr, table.row_stride, table.cols, ir, out_rows.rows,
                  mirror_.region(out_rows.data, float_bytes(out_rows), false));
}

void VulkanBackend::silu_gate(const Rows& gate, const Rows& up) {
    mirror_.prepare({in(gate), in(up)});
    ops::silu_gate(ctx_, mirror_.region(gate.data, float_bytes(gate), true),
                   mirror_.region(up.data, float_bytes(up), true), gate.rows * gate.cols);
}

void VulkanBackend::gelu_gate(const Rows& gate, const Rows& up) {
    mirror_.prepare({in(gate), in(up)});
    ops::gelu_gate(ctx_, mirror_.region(gate.data, float_bytes(gate), true),
                   mirror_.region(up.data, float_bytes(up), true), gate.rows * gate.cols);
}

void VulkanBackend::add(const Rows& a, const Rows& b, const Rows& y) {
    mirror_.prepare({in(a), in(b), out(y)});
    ops::add(ctx_, mirror_.region(a.data, float_bytes(a), true),
             mirror_.region(b.data, float_bytes(b), true),
             mirror_.region(y.data, float_bytes(y), false), a.rows * a.cols);
}

void VulkanBackend::scale(const Rows& x, float s) {
    ops::scale(ctx_, mirror_.region(x.data, float_bytes(x), true), x.rows * x.cols, s);
}

void VulkanBackend::softcap(const Rows& x, float cap) {
    ops::softcap(ctx_, mirror_.region(x.data, float_bytes(x), true), x.rows * x.cols, cap);
}

void VulkanBackend::copy_rows(const Rows& src, const Rows& dst) {
    mirror_.prepare({in(src), out(dst)});
    ctx_.stream().copy(mirror_.region(src.data, float_bytes(src), true), 0,
                       mirror_.region(dst.data, float_bytes(dst), false), 0, float_bytes(src));
}

void VulkanBackend::read_back(const Rows& rows) {
    to_host(rows);
    ctx_.stream().flush();  // nothing may stay queued past the step (a read-back of an
                            // unmapped range downloads nothing)
}

void VulkanBackend::host_wrote(const Rows& rows) {
    from_host(rows);
}

}  // namespace hearth::vulkan
