#include "backend/vulkan/memory.h"

#include <algorithm>

#include "backend/vulkan/device.h"
#include "backend/vulkan/fault.h"
#include "backend/vulkan/vk_check.h"

namespace hearth::vulkan {

namespace {
VkDeviceSize round_up(VkDeviceSize v, VkDeviceSize a) {
    return (v + a - 1) / a * a;
}
}  // namespace

Suballocator::Suballocator(const Device& device, MemoryUse use, VkDeviceSize block_size)
    : device_(device),
      use_(use),
      block_size_(block_size),
      // 16 also keeps every Region aligned for vec4 loads in the shaders.
      alignment_(std::max<VkDeviceSize>(16, device.info().min_storage_offset_alignment)) {}

Suballocator::~Suballocator() {
    for (Block& b : blocks_) {
        device_.fn().vkDestroyBuffer(device_.handle(), b.buffer, nullptr);
        if (b.mapped) device_.fn().vkUnmapMemory(device_.handle(), b.memory);
        device_.fn().vkFreeMemory(device_.handle(), b.memory, nullptr);
    }
}

VkDeviceSize Suballocator::reserved_bytes() const {
    VkDeviceSize total = 0;
    for (const Block& b : blocks_)
        total += b.size;
    return total;
}

void Suballocator::add_block(VkDeviceSize size) {
    const VkDevice dev = device_.handle();
    Block block;
    block.size = size;

    VkBufferCreateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
    info.size = size;
    info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                 VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    vk_check(device_.fn().vkCreateBuffer(dev, &info, nullptr, &block.buffer), "vkCreateBuffer");

    VkMemoryRequirements req{};
    device_.fn().vkGetBufferMemoryRequirements(dev, block.buffer, &req);
    constexpr VkMemoryPropertyFlags kHost =
        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    int type = -1;
    if (use_ == MemoryUse::device) {
        // Device-local, and host-visible too when the device offers it (UMA, resizable BAR,
        // lavapipe): then uploads are a memcpy and no staging copy is recorded.
        type = device_.find_memory_type(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT,
                                        kHost);
        if (type < 0) type = device_.find_memory_type(req.memoryTypeBits, 0, 0);
    } else {
        type =
            device_.find_memory_type(req.memoryTypeBits, kHost, VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
    }
    if (type < 0) {
        device_.fn().vkDestroyBuffer(dev, block.buffer, nullptr);
        vk_fail("no memory type fits a storage buffer");
    }

    VkMemoryAllocateInfo alloc{};
    alloc.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
    alloc.allocationSize = req.size;
    alloc.memoryTypeIndex = uint32_t(type);
    VkResult result = use_ == MemoryUse::device && injected_fault() == Fault::out_of_memory
                          ? VK_ERROR_OUT_OF_DEVICE_MEMORY
                          : device_.fn().vkAllocateMemory(dev, &alloc, nullptr, &block.memory);
    if (result != VK_SUCCESS) {
        device_.fn().vkDestroyBuffer(dev, block.buffer, nullptr);
        vk_check(result, "vkAllocateMemory");
    }
    result = device_.fn().vkBindBufferMemory(dev, block.buffer, block.memory, 0);
    const VkPhysicalDeviceMemoryProperties& props = device_.memory_properties();
    const bool mappable = (props.memoryTypes[type].propertyFlags & kHost) == kHost;
    if (result == VK_SUCCESS && mappable) {
        void* ptr = nullptr;
        result = device_.fn().vkMapMemory(dev, block.memory, 0, VK_WHOLE_SIZE, 0, &ptr);
        block.mapped = static_cast<uint8_t*>(ptr);
    }
    if (result != VK_SUCCESS) {
        device_.fn().vkDestroyBuffer(dev, block.buffer, nullptr);
        device_.fn().vkFreeMemory(dev, block.memory, nullptr);
        vk_check(result, "vkBindBufferMemory/vkMapMemory");
    }
    // Every block of one allocator has the same memory type, so this is stable.
    host_visible_ = mappable;
    block.free_ranges[0] = size;
    blocks_.push_back(std::move(block));
}

bool Suballocator::carve(uint32_t index, VkDeviceSize size, Region& out) {
    Block& b = blocks_[index];
    for (auto it = b.free_ranges.begin(); it != b.free_ranges.end(); ++it) {
        if (it->second < size) continue;
        const VkDeviceSize offset = it->first, left = it->second - size;
        b.free_ranges.erase(it);
        if (left > 0) b.free_ranges[offset + size] = left;
        out.buffer = b.buffer;
        out.offset = offset;
        out.size = size;
        out.mapped = b.mapped ? b.mapped + offset : nullptr;
        out.block = index;
        return true;
    }
    return false;
}

Region Suballocator::allocate(VkDeviceSize size) {
    if (size == 0) size = 1;
    const VkDeviceSize rounded = round_up(size, alignment_);
    Region region;
    for (uint32_t i = 0; i < blocks_.size(); ++i) {
        if (carve(i, rounded, region)) break;
    }
    if (!region) {
        add_block(std::max(block_size_, rounded));
        carve(uint32_t(blocks_.size() - 1), rounded, region);
    }
    used_ += region.size;
    // Whole 32-bit words, so a shader reading uint[] may touch the last partial word; the
    // alignment rounding is recomputed by free().
    region.size = round_up(size, 4);
    return region;
}

void Suballocator::free(const Region& region) {
    if (!region || region.block >= blocks_.size()) return;
    Block& b = blocks_[region.block];
    const VkDeviceSize size = round_up(region.size, alignment_);
    // A region overlapping a free range was freed before (or never allocated).
    auto after = b.free_ranges.lower_bound(region.offset);
    const bool overlaps_next = after != b.free_ranges.end() && after->first < region.offset + size;
    const bool overlaps_prev = after != b.free_ranges.begin() &&
                               std::prev(after)->first + std::prev(after)->second > region.offset;
    if (overlaps_next || overlaps_prev) vk_fail("double free of a device memory region");
    auto it = b.free_ranges.emplace_hint(after, region.offset, size);
    used_ -= size;
    // Coalesce with the following and the preceding free range.
    auto next = std::next(it);
    if (next != b.free_ranges.end() && it->first + it->second == next->first) {
        it->second += next->second;
        b.free_ranges.erase(next);
    }
    if (it != b.free_ranges.begin()) {
        auto prev = std::prev(it);
        if (prev->first + prev->second == it->first) {
            prev->second += it->second;
            b.free_ranges.erase(it);
        }
    }
}

}  // namespace hearth::vulkan
