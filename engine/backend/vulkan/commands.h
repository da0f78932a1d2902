#pragma once
// Command recording and submission. Dispatches and copies accumulate in one command buffer
// (with a compute barrier between dependent steps) until flush() submits it and waits, so a
// whole decode step can be one submission. dispatch() is the single checked entry for every
// compute dispatch: it validates group counts against the device limits, bindings against
// the pipeline and push-constant size, and turns every failure into hearth::Error.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <initializer_list>

#include "backend/vulkan/memory.h"

namespace hearth::vulkan {

class Device;
class DescriptorCache;
struct Pipeline;

struct Groups {
    uint32_t x = 1, y = 1, z = 1;
};

// Splits n work groups over x and y so neither exceeds the device limit (65535 is the
// guaranteed minimum); shaders recover the linear id as y * gl_NumWorkGroups.x + x and
// return when it is >= n.
Groups split_groups(uint64_t n, uint32_t z, const uint32_t max_count[3]);

class CommandStream {
public:
    CommandStream(const Device& device, DescriptorCache& descriptors);
    ~CommandStream();
    CommandStream(const CommandStream&) = delete;
    CommandStream& operator=(const CommandStream&) = delete;

    // Records pipeline(bindings..., push constants) over `groups`. Zero groups record
    // nothing. A barrier makes the next step see this one's writes.
    void dispatch(const Pipeline& pipeline, std::initializer_list<Region> bindings,
                  const void* push, uint32_t push_bytes, Groups groups);
    void copy(const Region& src, VkDeviceSize src_offset, const Region& dst,
              VkDeviceSize dst_offset, VkDeviceSize bytes);
    // Submits what was recorded and waits for it (no-op when nothing was recorded).
    void flush();

    uint64_t submits() const { return submits_; }
    uint64_t dispatches() const { return dispatches_; }

private:
    void begin_if_needed();
    void barrier();

    const Device& device_;
    DescriptorCache& descriptors_;
    VkCommandPool pool_ = VK_NULL_HANDLE;
    VkCommandBuffer cmd_ = VK_NULL_HANDLE;
    VkFence fence_ = VK_NULL_HANDLE;
    bool recording_ = false;
    uint64_t submits_ = 0, dispatches_ = 0;
};

}  // namespace hearth::vulkan
