#include "backend/cpu/cpu_backend.h"

#include "backend/cpu/kernels.h"
#include "backend/cpu/ops_activation.h"
#include "backend/cpu/ops_attention.h"
#include "backend/cpu/ops_norm.h"
#include "backend/cpu/ops_rope.h"
#include "backend/cpu/thread_pool.h"

namespace hearth::cpu {

CpuBackend::CpuBackend(int n_threads) : pool_(std::make_unique<ThreadPool>(n_threads)) {}
CpuBackend::~CpuBackend() = default;

bool CpuBackend::supports(Op op, GgmlType type) const {
    switch (op) {
        case Op::matmul:
        case Op::get_rows:
            return supports_weight_type(type);
        case Op::kv_store:
        case Op::attention:
            return type == GgmlType::F16 || type == GgmlType::F32 || type == GgmlType::Q8_0;
        default:
            return type == GgmlType::F32;
    }
}

void CpuBackend::rms_norm(const Rows& x, VectorTensor w, float eps, const Rows& y) {
    rms_norm_rows(x.data, w.data, y.data, x.rows, x.cols, eps);
}

void CpuBackend::matmul(const WeightTensor& w, const Rows& x, const Rows& y) {
    const WeightView view{w.type, w.cols, w.rows, w.data, w.row_stride};
    cpu::matmul(*pool_, view, x.data, x.rows, y.data);
}

void CpuBackend::add_rows(const Rows& y, VectorTensor b) {
    for (int64_t r = 0; r < y.rows; ++r) {
        float* row = y.row(r);
        for (int64_t i = 0; i < y.cols; ++i) {
            row[i] += b.data[i];
        }
    }
}

void CpuBackend::rope(const Rows& x, int n_heads, int head_dim, int pos0,
                      const RopeParams& params) {
    rope_rows(x.data, x.rows, n_heads, head_dim, pos0, params);
}

void CpuBackend::kv_store(const KvLayerView& cache, int pos0, const Rows& k, const Rows& v) {
    cpu::kv_store(cache, pos0, k, v);
}

void CpuBackend::attention(const AttentionParams& params, const Rows& q, const KvLayerView& cache,
                           const Rows& out) {
    cpu::attention(*pool_, params, q, cache, out);
}

void CpuBackend::get_rows(const WeightTensor& table, const int32_t* ids, const Rows& out) {
    for (int64_t r = 0; r < out.rows; ++r) {
        const auto* src =
            static_cast<const uint8_t*>(table.data) + size_t(ids[r]) * table.row_stride;
        dequantize_row(table.type, src, out.row(r), table.cols);
    }
}

void CpuBackend::silu_gate(const Rows& gate, const Rows& up) {
    // Row by row: ggml's vector loop restarts at each row, so its scalar tail does too.
    for (int64_t r = 0; r < gate.rows; ++r) {
        cpu::silu_gate(gate.row(r), up.row(r), gate.cols);
    }
}

void CpuBackend::gelu_gate(const Rows& gate, const Rows& up) {
    cpu::gelu_gate(gate.data, up.data, gate.rows * gate.cols);
}

void CpuBackend::add(const Rows& a, const Rows& b, const Rows& y) {
    const int64_t n = a.rows * a.cols;
    for (int64_t i = 0; i < n; ++i) {
        y.data[i] = a.data[i] + b.data[i];
    }
}

void CpuBackend::scale(const Rows& x, float s) {
    const int64_t n = x.rows * x.cols;
    for (int64_t i = 0; i < n; ++i) {
        x.data[i] *= s;
    }
}

void CpuBackend::softcap(const Rows& x, float cap) {
    cpu::softcap(x.data, x.rows * x.cols, cap);
}

}  // namespace hearth::cpu
