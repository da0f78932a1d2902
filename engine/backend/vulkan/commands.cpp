#include "backend/vulkan/commands.h"

#include <algorithm>

#include "backend/vulkan/descriptors.h"
#include "backend/vulkan/device.h"
#include "backend/vulkan/fault.h"
#include "backend/vulkan/pipelines.h"
#include "backend/vulkan/vk_check.h"

namespace hearth::vulkan {

Groups split_groups(uint64_t n, uint32_t z, const uint32_t max_count[3]) {
    Groups g;
    g.z = z;
    if (n == 0) {
        g.x = 0;
        return g;
    }
    const uint64_t max_x = std::max<uint32_t>(1, max_count[0]);
    g.x = uint32_t(std::min<uint64_t>(n, max_x));
    const uint64_t y = (n + g.x - 1) / g.x;
    if (y > max_count[1]) vk_fail("dispatch of " + std::to_string(n) + " groups is too large");
    g.y = uint32_t(y);
    return g;
}

CommandStream::CommandStream(const Device& device, DescriptorCache& descriptors)
    : device_(device), descriptors_(descriptors) {
    const VkDevice dev = device_.handle();
    VkCommandPoolCreateInfo pool_info{};
    pool_info.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
    pool_info.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    pool_info.queueFamilyIndex = device_.queue_family();
    vk_check(device_.fn().vkCreateCommandPool(dev, &pool_info, nullptr, &pool_),
             "vkCreateCommandPool");

    VkCommandBufferAllocateInfo alloc{};
    alloc.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
    alloc.commandPool = pool_;
    alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    alloc.commandBufferCount = 1;
    VkResult result = device_.fn().vkAllocateCommandBuffers(dev, &alloc, &cmd_);
    VkFenceCreateInfo fence_info{};
    fence_info.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
    if (result == VK_SUCCESS)
        result = device_.fn().vkCreateFence(dev, &fence_info, nullptr, &fence_);
    if (result != VK_SUCCESS) {
        device_.fn().vkDestroyCommandPool(dev, pool_, nullptr);
        vk_check(result, "vkAllocateCommandBuffers/vkCreateFence");
    }
}

CommandStream::~CommandStream() {
    const VkDevice dev = device_.handle();
    if (recording_) device_.fn().vkEndCommandBuffer(cmd_);
    device_.fn().vkDestroyFence(dev, fence_, nullptr);
    device_.fn().vkDestroyCommandPool(dev, pool_, nullptr);  // frees cmd_
}

void CommandStream::begin_if_needed() {
    if (recording_) return;
    VkCommandBufferBeginInfo begin{};
    begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    vk_check(device_.fn().vkBeginCommandBuffer(cmd_, &begin), "vkBeginCommandBuffer");
    recording_ = true;
}

void CommandStream::barrier() {
    // Every step may read what any earlier one wrote (compute or transfer), and the host
    // reads results after flush(): one global barrier covers all of it.
    VkMemoryBarrier mb{};
    mb.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
    mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    mb.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                       VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT |
                       VK_ACCESS_HOST_READ_BIT;
    device_.fn().vkCmdPipelineBarrier(
        cmd_, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
        VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT |
            VK_PIPELINE_STAGE_HOST_BIT,
        0, 1, &mb, 0, nullptr, 0, nullptr);
}

void CommandStream::dispatch(const Pipeline& pipeline, std::initializer_list<Region> bindings,
                             const void* push, uint32_t push_bytes, Groups groups) {
    const DeviceInfo& info = device_.info();
    if (groups.x == 0 || groups.y == 0 || groups.z == 0) return;
    if (groups.x > info.max_workgroup_count[0] || groups.y > info.max_workgroup_count[1] ||
        groups.z > info.max_workgroup_count[2]) {
        vk_fail("dispatch of " + pipeline.name + " exceeds the work group count limit (" +
                std::to_string(groups.x) + "," + std::to_string(groups.y) + "," +
                std::to_string(groups.z) + ")");
    }
    if (push_bytes > kPushConstantBytes) vk_fail(pipeline.name + ": push constants too large");
    for (const Region& r : bindings) {
        if (!r) vk_fail(pipeline.name + ": a binding has no buffer");
        if (r.size > info.max_storage_buffer_range) {
            vk_fail(pipeline.name + ": a binding of " + std::to_string(r.size) +
                    " bytes exceeds maxStorageBufferRange");
        }
    }
    VkDescriptorSet set =
        descriptors_.acquire(pipeline, bindings.begin(), uint32_t(bindings.size()));
    if (!set) {
        // Pool exhausted: the sets in flight belong to recorded commands, so finish those
        // first, then start the cache over.
        flush();
        descriptors_.reset();
        set = descriptors_.acquire(pipeline, bindings.begin(), uint32_t(bindings.size()));
        if (!set) vk_fail("descriptor pool too small for one dispatch");
    }
    begin_if_needed();
    device_.fn().vkCmdBindPipeline(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.pipeline);
    device_.fn().vkCmdBindDescriptorSets(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.layout, 0,
                                         1, &set, 0, nullptr);
    if (push_bytes > 0) {
        device_.fn().vkCmdPushConstants(cmd_, pipeline.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0,
                                        push_bytes, push);
    }
    device_.fn().vkCmdDispatch(cmd_, groups.x, groups.y, groups.z);
    barrier();
    ++dispatches_;
}

void CommandStream::copy(const Region& src, VkDeviceSize src_offset, const Region& dst,
                         VkDeviceSize dst_offset, VkDeviceSize bytes) {
    if (bytes == 0) return;
    if (src_offset + bytes > src.size || dst_offset + bytes > dst.size) {
        vk_fail("buffer copy out of range");
    }
    begin_if_needed();
    VkBufferCopy region{src.offset + src_offset, dst.offset + dst_offset, bytes};
    device_.fn().vkCmdCopyBuffer(cmd_, src.buffer, dst.buffer, 1, &region);
    barrier();
}

void CommandStream::flush() {
    if (!recording_) return;
    recording_ = false;
    vk_check(device_.fn().vkEndCommandBuffer(cmd_), "vkEndCommandBuffer");
    VkSubmitInfo submit{};
    submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &cmd_;
    const VkDevice dev = device_.handle();
    uint64_t lost_after = 0;
    if (injected_fault(&lost_after) == Fault::device_lost && submits_ >= lost_after) {
        vk_check(VK_ERROR_DEVICE_LOST, "vkQueueSubmit");
    }
    vk_check(device_.fn().vkQueueSubmit(device_.queue(), 1, &submit, fence_), "vkQueueSubmit");
    ++submits_;
    // Waits in slices so a hung device shows up as an error, not an endless hang.
    constexpr uint64_t kSliceNs = 1'000'000'000ull;
    int waited_s = 0;
    for (;;) {
        const VkResult r = device_.fn().vkWaitForFences(dev, 1, &fence_, VK_TRUE, kSliceNs);
        if (r == VK_SUCCESS) break;
        if (r != VK_TIMEOUT) vk_check(r, "vkWaitForFences");
        if (++waited_s >= 120) vk_fail("the device did not finish a submission in 120 s");
    }
    vk_check(device_.fn().vkResetFences(dev, 1, &fence_), "vkResetFences");
    vk_check(device_.fn().vkResetCommandBuffer(cmd_, 0), "vkResetCommandBuffer");
}

}  // namespace hearth::vulkan
