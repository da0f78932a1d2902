#pragma once
// What a model's sessions share on one Vulkan device: the context and the weights uploaded
// to it (once, keyed by their address in the model's mapping). Each session has its own
// VulkanBackend on top (its activations and KV cache); a session holds lock() for a whole
// forward pass, because the context's command stream records one pass at a time.
#include <memory>
#include <mutex>
#include <unordered_map>

#include "backend/vulkan/memory.h"

namespace hearth::vulkan {

class VulkanContext;

class SharedDevice {
public:
    explicit SharedDevice(std::unique_ptr<VulkanContext> context);
    ~SharedDevice();
    SharedDevice(const SharedDevice&) = delete;
    SharedDevice& operator=(const SharedDevice&) = delete;

    VulkanContext& context() { return *ctx_; }
    // The device copy of `bytes` of host data at `data` (uploaded on first use).
    const Region& weight(const void* data, size_t bytes);
    uint64_t weight_bytes() const { return weight_bytes_; }
    std::unique_lock<std::mutex> lock() { return std::unique_lock<std::mutex>(mutex_); }

private:
    std::unique_ptr<VulkanContext> ctx_;
    std::unordered_map<const void*, Allocation> weights_;
    uint64_t weight_bytes_ = 0;
    std::mutex mutex_;
};

}  // namespace hearth::vulkan
