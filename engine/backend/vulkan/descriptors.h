#pragma once
// Descriptor sets cached by what they bind: a decode step binds the same weight and
// activation regions every token, so after the first token no set is allocated or written.
// Sets come from one pool; when it runs out the caller flushes its commands and reset()s.
#include <vulkan/vulkan.h>

#include <map>
#include <vector>

#include "backend/vulkan/memory.h"

namespace hearth::vulkan {

class Device;
struct Pipeline;

class DescriptorCache {
public:
    DescriptorCache(const Device& device, uint32_t max_sets);
    ~DescriptorCache();
    DescriptorCache(const DescriptorCache&) = delete;
    DescriptorCache& operator=(const DescriptorCache&) = delete;

    // The set binding `regions` (in binding order) for `pipeline`'s layout, or
    // VK_NULL_HANDLE when the pool is exhausted (flush, reset(), ask again).
    VkDescriptorSet acquire(const Pipeline& pipeline, const Region* regions, uint32_t n);
    // Frees every set; only when no recorded command buffer still uses them.
    void reset();
    size_t cached() const { return sets_.size(); }

private:
    struct Key {
        VkDescriptorSetLayout layout;
        std::vector<VkDeviceSize> parts;  // buffer handle, offset, range per binding
        bool operator<(const Key& o) const {
            return layout != o.layout ? layout < o.layout : parts < o.parts;
        }
    };
    const Device& device_;
    uint32_t max_sets_;
    VkDescriptorPool pool_ = VK_NULL_HANDLE;
    std::map<Key, VkDescriptorSet> sets_;
};

}  // namespace hearth::vulkan
