#pragma once
// The CPU implementation of every op (backend/backend.h): matmuls through kernels.h on a
// thread pool, attention threaded over (token, head), the element-wise ops split by rows over
// the pool when there are many rows (prefill).
// It is also the fallback for any op another backend declines.
#include <memory>

#include "backend/backend.h"

namespace hearth::cpu {

class ThreadPool;

class CpuBackend final : public Backend {
public:
    explicit CpuBackend(int n_threads);
    ~CpuBackend() override;

    const char* name() const override { return "cpu"; }
    bool supports(Op op, GgmlType type) const override;

    void rms_norm(const Rows& x, VectorTensor w, float eps, const Rows& y) override;
    void matmul(const WeightTensor& w, const Rows& x, const Rows& y) override;
    void add_rows(const Rows& y, VectorTensor b) override;
    void rope(const Rows& x, int n_heads, int head_dim, int pos0,
              const RopeParams& params) override;
    void kv_store(const KvLayerView& cache, int pos0, const Rows& k, const Rows& v) override;
    void attention(const AttentionParams& params, const Rows& q, const KvLayerView& cache,
                   const Rows& out) override;
    void get_rows(const WeightTensor& table, const int32_t* ids, const Rows& out) override;
    void silu_gate(const Rows& gate, const Rows& up) override;
    void gelu_gate(const Rows& gate, const Rows& up) override;
    void add(const Rows& a, const Rows& b, const Rows& y) override;
    void scale(const Rows& x, float s) override;
    void softcap(const Rows& x, float cap) override;

    ThreadPool& pool() { return *pool_; }

private:
    std::unique_ptr<ThreadPool> pool_;
};

}  // namespace hearth::cpu
