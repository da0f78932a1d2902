#pragma once
// The Vulkan implementation of the op boundary (backend/backend.h).
//
// Ops are recorded, not run: every operand is a host address that the HostMirror maps to
// device memory, an op's result stays on the device for the next op, and nothing is
// submitted until read_back() (the logits) or an op that has to run on the CPU. So a decode
// step is one command buffer and one submission. Weights and norm vectors live in the
// SharedDevice (uploaded once for all of a model's sessions); the KV cache and the
// activations live in this backend's mirror, allocated on first sight and reused, so a
// decode step allocates nothing after the first token.
//
// Ops or types without a shader (supports() == false: e.g. Q3_K weights, a Q8_0 cache, head
// dims above 256) run on the fallback backend, with one log line per (op, type): their
// inputs are read back first and their outputs uploaded after.
#include <memory>
#include <set>
#include <utility>

#include "backend/backend.h"
#include "backend/vulkan/host_mirror.h"
#include "backend/vulkan/memory.h"

namespace hearth::vulkan {

class VulkanContext;
class SharedDevice;

class VulkanBackend final : public Backend {
public:
    // `fallback` (usually the CPU backend) computes what this one declines; not owned.
    VulkanBackend(std::shared_ptr<SharedDevice> device, Backend& fallback);
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
    void copy_rows(const Rows& src, const Rows& dst) override;
    void read_back(const Rows& rows) override;
    void host_wrote(const Rows& rows) override;

    VulkanContext& context() { return ctx_; }
    SharedDevice& device() { return *device_; }
    const HostMirror& mirror() const { return mirror_; }
    // Ops that ran on the fallback since construction (tests, logs).
    uint64_t fallback_calls() const { return fallback_calls_; }

private:
    // Logs once per (op, type) and returns true when `op` must go to the fallback.
    bool declined(Op op, GgmlType type);
    const Region& weight(const void* data, size_t bytes);
    // The device copy of a KV cache layer's K or V cells; on first sight the host's cells
    // below `valid_cells` are uploaded (the rest are not written yet).
    Region cache_cells(const KvLayerView& cache, bool v, int valid_cells);
    // Device copy of `n` token ids (recorded upload into a buffer that only grows).
    Region upload_ids(const int32_t* ids, int64_t n);
    void to_host(const Rows& r);
    void from_host(const Rows& r);
    void cells_to_host(const KvLayerView& cache, int n_cells);
    void cells_from_host(const KvLayerView& cache, int first, int n);

    std::shared_ptr<SharedDevice> device_;  // first: outlives the allocations below
    VulkanContext& ctx_;
    Backend& fallback_;
    HostMirror mirror_;
    Allocation ids_;
    std::set<std::pair<int, int>> logged_;
    uint64_t fallback_calls_ = 0;
};

}  // namespace hearth::vulkan
