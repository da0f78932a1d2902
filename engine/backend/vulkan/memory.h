#pragma once
// Device memory in a few large blocks. Each block is one VkDeviceMemory with one VkBuffer
// spanning it (storage + transfer usage); tensors are Regions (buffer, offset, size) carved
// out first-fit, so a model's weights cost a handful of allocations, not one per tensor.
// Offsets are aligned to minStorageBufferOffsetAlignment so any Region binds directly.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <map>
#include <vector>

namespace hearth::vulkan {

class Device;

enum class MemoryUse {
    device,  // weights, KV cache, activations: device-local (also host-visible on UMA/ReBAR)
    host,    // staging and read-back: host-visible and coherent, cached when offered
};

struct Region {
    VkBuffer buffer = VK_NULL_HANDLE;
    VkDeviceSize offset = 0;
    VkDeviceSize size = 0;
    uint8_t* mapped = nullptr;  // host address of offset 0, or null when not host-visible
    uint32_t block = 0;
    explicit operator bool() const { return buffer != VK_NULL_HANDLE; }
};

class Suballocator {
public:
    // Blocks are `block_size` bytes, or larger for a single bigger request.
    Suballocator(const Device& device, MemoryUse use, VkDeviceSize block_size);
    ~Suballocator();
    Suballocator(const Suballocator&) = delete;
    Suballocator& operator=(const Suballocator&) = delete;

    // Throws Error(internal) with VK_ERROR_OUT_OF_DEVICE_MEMORY when the device is full.
    Region allocate(VkDeviceSize size);
    void free(const Region& region);

    bool host_visible() const { return host_visible_; }
    size_t block_count() const { return blocks_.size(); }
    VkDeviceSize reserved_bytes() const;  // sum of block sizes
    VkDeviceSize used_bytes() const { return used_; }

private:
    struct Block {
        VkDeviceMemory memory = VK_NULL_HANDLE;
        VkBuffer buffer = VK_NULL_HANDLE;
        VkDeviceSize size = 0;
        uint8_t* mapped = nullptr;
        std::map<VkDeviceSize, VkDeviceSize> free_ranges;  // offset -> size, coalesced
    };
    void add_block(VkDeviceSize size);
    bool carve(uint32_t block, VkDeviceSize size, Region& out);

    const Device& device_;
    MemoryUse use_;
    VkDeviceSize block_size_;
    VkDeviceSize alignment_;
    bool host_visible_ = false;
    VkDeviceSize used_ = 0;
    std::vector<Block> blocks_;
};

// A Region that returns itself to its allocator when destroyed (move-only).
class Allocation {
public:
    Allocation() = default;
    Allocation(Suballocator& owner, VkDeviceSize size)
        : owner_(&owner), region_(owner.allocate(size)) {}
    ~Allocation() { reset(); }
    Allocation(Allocation&& other) noexcept : owner_(other.owner_), region_(other.region_) {
        other.owner_ = nullptr;
        other.region_ = {};
    }
    Allocation& operator=(Allocation&& other) noexcept {
        if (this != &other) {
            reset();
            owner_ = other.owner_;
            region_ = other.region_;
            other.owner_ = nullptr;
            other.region_ = {};
        }
        return *this;
    }
    Allocation(const Allocation&) = delete;
    Allocation& operator=(const Allocation&) = delete;

    const Region& region() const { return region_; }
    explicit operator bool() const { return bool(region_); }
    void reset() {
        if (owner_ && region_) owner_->free(region_);
        owner_ = nullptr;
        region_ = {};
    }

private:
    Suballocator* owner_ = nullptr;
    Region region_;
};

}  // namespace hearth::vulkan
