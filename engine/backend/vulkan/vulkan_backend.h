#pragma once
// The Vulkan implementation of the op boundary (backend/backend.h).
//
// The boundary hands every op host pointers, so each op uploads its activations, records
// its dispatch and reads the result back (one submission per op; the command stream can hold
// a whole decode step once the boundary keeps activations on the device). What stays on the
// device is what is reused: weights and norm vectors are uploaded once, on first use, keyed
// by their address in the model mapping; each KV cache layer has a device mirror written by
// kv_store (which also writes the host cells, so both stay equal); activation buffers are a
// few slots that only ever grow, so a decode step allocates nothing after the first token.
//
// Ops or types without a shader (supports() == false: e.g. Q3_K weights, a Q8_0 cache, head
// dims above 256) run on the fallback backend, with one log line per (op, type).
#include <map>
#include <memory>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "backend/backend.h"
#include "backend/vulkan/memory.h"

namespace hearth::vulkan {

class VulkanContext;

class VulkanBackend final : public Backend {
public:
    // `fallback` (usually the CPU backend) computes what this one declines; not owned.
    VulkanBackend(std::unique_ptr<VulkanContext> context, Backend& fallback);
    // Picks the device (HEARTH_DEVICE); throws Error(unsupported, "no Vulkan device: ...").
    static std::unique_ptr<VulkanBackend> create(Backend& fallback);
    ~VulkanBackend() override;

    const char* name() const override { return "vulkan"; }
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

    VulkanContext& context() { return *ctx_; }
    // Ops that ran on the fallback since construction (tests, logs).
    uint64_t fallback_calls() const { return fallback_calls_; }

private:
    // Logs once per (op, type) and returns true when `op` must go to the fallback.
    bool declined(Op op, GgmlType type);
    const Region& weight(const void* data, size_t bytes);
    const Region& cache_mirror(const void* host, size_t bytes);
    // Activation slot `slot`, at least `bytes` long; optionally filled from `src`.
    Region slot(size_t index, size_t bytes, const void* src = nullptr);
    void download(const Region& region, void* dst, size_t bytes);

    std::unique_ptr<VulkanContext> ctx_;
    Backend& fallback_;
    std::unordered_map<const void*, Allocation> weights_;
    std::unordered_map<const void*, Allocation> cache_mirrors_;
    std::vector<Allocation> slots_;
    std::set<std::pair<int, int>> logged_;
    uint64_t fallback_calls_ = 0;
};

}  // namespace hearth::vulkan
