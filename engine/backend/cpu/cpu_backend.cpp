#include "backend/cpu/cpu_backend.h"

#include "backend/cpu/kernels.h"
#include "backend/cpu/ops_activation.h"
#include "backend/cpu/ops_attention.h"
#include "backend/cpu/ops_norm.h"
#include "backend/cpu/ops_rope.h"
#include "backend/cpu/thread_pool.h"

namespace hearth::cpu {
namespace {

// Runs fn(r_begin, r_end) over consecutive row ranges, one per pool thread, when there are
// enough elements to pay for waking the workers (prefill); on the calling thread otherwise
// (decode). Every op below treats its rows independently, so the split changes no bit.
template <typename Fn>
void for_row_ranges(ThreadPool& pool, int64_t rows, int64_t cols, Fn&& fn) {
    constexpr int64_t kMinParallelElements = int64_t(1) << 14;
    const int n_threads = pool.size();
    if (n_threads == 1 || rows < 2 || rows * cols < kMinParallelElements) {
        fn(int64_t(0), rows);
        return;
    }
    pool.run([&](int ith, int nth) {
        const int64_t r0 = rows * ith / nth;
        const int64_t r1 = rows * (ith + 1) / nth;
        if (r0 < r1) fn(r0, r1);
    });
}

}  // namespace

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
    for_row_ranges(*pool_, x.rows, x.cols, [&](int64_t r0, int64_t r1) {
        rms_norm_rows(x.row(r0), w.data, y.row(r0), r1 - r0, x.cols, eps);
    });
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
    for_row_ranges(*pool_, x.rows, x.cols, [&](int64_t r0, int64_t r1) {
        rope_rows(x.row(r0), r1 - r0, n_heads, head_dim, pos0 + int(r0), params);
    });
}

void CpuBackend::kv_store(const KvLayerView& cache, int pos0, const Rows& k, const Rows& v) {
    cpu::kv_store(cache, pos0, k, v);
}

void CpuBackend::attention(const AttentionParams& params, const Rows& q, const KvLayerView& cache,
                           const Rows& out) {
    cpu::attention(*pool_, params, q, cache, out);
}

void CpuBackend::get_rows(const WeightTensor& table, const int32_t* ids, const Rows& out) {
    for_row_ranges(*pool_, out.rows, out.cols, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            const auto* src =
                static_cast<const uint8_t*>(table.data) + size_t(ids[r]) * table.row_stride;
            dequantize_row(table.type, src, out.row(r), table.cols);
        }
    });
}

void CpuBackend::silu_gate(const Rows& gate, const Rows& up) {
    // Row by row: ggml's vector loop restarts at each row, so its scalar tail does too.
    for_row_ranges(*pool_, gate.rows, gate.cols, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r) {
            cpu::silu_gate(gate.row(r), up.row(r), gate.cols);
        }
    });
}

void CpuBackend::gelu_gate(const Rows& gate, const Rows& up) {
    for_row_ranges(*pool_, gate.rows, gate.cols, [&](int64_t r0, int64_t r1) {
        cpu::gelu_gate(gate.row(r0), up.row(r0), (r1 - r0) * gate.cols);
    });
}

void CpuBackend::add(const Rows& a, const Rows& b, const Rows& y) {
    for_row_ranges(*pool_, a.rows, a.cols, [&](int64_t r0, int64_t r1) {
        for (int64_t i = r0 * a.cols; i < r1 * a.cols; ++i) {
            y.data[i] = a.data[i] + b.data[i];
        }
    });
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
