#include "backend/vulkan/context.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "backend/vulkan/vk_check.h"
#include "core/error.h"

namespace hearth::vulkan {

namespace {
constexpr VkDeviceSize kDeviceBlockBytes = 256ull << 20;  // weights: a few blocks per model
constexpr VkDeviceSize kHostBlockBytes = 16ull << 20;
constexpr uint32_t kDescriptorSets = 4096;
}  // namespace

std::unique_ptr<VulkanContext> VulkanContext::create() {
    // The probe's instance is thrown away; creating one is cheap next to a model load.
    const DeviceReport report = probe_devices();
    if (report.selection.index < 0) {
        throw Error(ErrorCode::unsupported, "no Vulkan device: " + report.selection.reason);
    }
    return std::make_unique<VulkanContext>(report.selection.index);
}

VulkanContext::VulkanContext(int index) : instance_(std::make_unique<Instance>()) {
    const auto physical = instance_->physical_devices();
    if (index < 0 || size_t(index) >= physical.size()) {
        throw Error(ErrorCode::unsupported, "no Vulkan device: index " + std::to_string(index) +
                                                " of " + std::to_string(physical.size()));
    }
    DeviceInfo info = query_device(instance_->fn(), physical[size_t(index)], index);
    if (!info.usable()) {
        throw Error(ErrorCode::unsupported,
                    "no Vulkan device: " + info.name + " is unusable: " + info.unusable_reason);
    }
    device_ = std::make_unique<Device>(*instance_, physical[size_t(index)], std::move(info));
    memory_ = std::make_unique<Suballocator>(*device_, MemoryUse::device, kDeviceBlockBytes);
    host_memory_ = std::make_unique<Suballocator>(*device_, MemoryUse::host, kHostBlockBytes);
    pipelines_ = std::make_unique<PipelineCache>(*device_);
    descriptors_ = std::make_unique<DescriptorCache>(*device_, kDescriptorSets);
    stream_ = std::make_unique<CommandStream>(*device_, *descriptors_);
}

VulkanContext::~VulkanContext() {
    // Pending work must not reference memory that is about to go.
    try {
        if (stream_) stream_->flush();
    } catch (const std::exception&) {
        // A lost device during teardown has nothing left to report to.
    }
    // A submission that timed out may still be running: memory goes only once it stopped
    // (a lost device returns at once).
    if (device_) device_->fn().vkDeviceWaitIdle(device_->handle());
    staging_.reset();
    for (Allocation& a : scratch_)
        a.reset();
    constants_.clear();
    ring_.reset();
    ring_retired_.clear();
}

Region VulkanContext::scratch(size_t bytes, ScratchSlot slot) {
    Allocation& a = scratch_[int(slot)];
    if (!a || a.region().size < bytes) {
        stream_->flush();
        a.reset();
        a = Allocation(*memory_, std::max<size_t>(bytes, 1 << 16));
    }
    Region r = a.region();
    r.size = bytes;
    return r;
}

const Region& VulkanContext::constant(const std::string& name, const void* data, size_t bytes) {
    auto it = constants_.find(name);
    if (it == constants_.end()) {
        Allocation a(*memory_, bytes);
        upload(a.region(), 0, data, bytes);
        it = constants_.emplace(name, std::move(a)).first;
    }
    return it->second.region();
}

Region VulkanContext::staging(size_t bytes) {
    if (!staging_ || staging_.region().size < bytes) {
        stream_->flush();  // the old staging buffer may still be a copy source
        staging_.reset();
        staging_ = Allocation(*host_memory_, std::max<size_t>(bytes, 1 << 20));
    }
    return staging_.region();
}

void VulkanContext::upload(const Region& dst, size_t offset, const void* src, size_t bytes) {
    if (bytes == 0) return;
    if (offset + bytes > dst.size) vk_fail("upload out of range");
    if (dst.mapped) {
        // Earlier recorded work may still read this memory: finish it before overwriting.
        stream_->flush();
        std::memcpy(dst.mapped + offset, src, bytes);
        return;
    }
    const Region s = staging(bytes);
    std::memcpy(s.mapped, src, bytes);
    stream_->copy(s, 0, dst, offset, bytes);
    stream_->flush();
}

void VulkanContext::download(const Region& src, size_t offset, void* dst, size_t bytes) {
    if (bytes == 0) return;
    if (offset + bytes > src.size) vk_fail("download out of range");
    if (src.mapped) {
        stream_->flush();
        std::memcpy(dst, src.mapped + offset, bytes);
        return;
    }
    const Region s = staging(bytes);
    stream_->copy(src, offset, s, 0, bytes);
    stream_->flush();
    std::memcpy(dst, s.mapped, bytes);
}

void VulkanContext::record_upload(const Region& dst, size_t offset, const void* src, size_t bytes) {
    if (bytes == 0) return;
    if (offset + bytes > dst.size) vk_fail("upload out of range");
    if (ring_epoch_ != stream_->submits()) {
        // Everything recorded before has run: the ring's bytes are free again.
        ring_retired_.clear();
        ring_used_ = 0;
        ring_epoch_ = stream_->submits();
    }
    const size_t aligned = (bytes + 15) / 16 * 16;
    if (!ring_ || ring_used_ + aligned > ring_.region().size) {
        const size_t want = std::max<size_t>({size_t(1) << 20, aligned, 2 * ring_used_});
        if (ring_) ring_retired_.push_back(std::move(ring_));
        ring_ = Allocation(*host_memory_, want);
        ring_used_ = 0;
    }
    std::memcpy(ring_.region().mapped + ring_used_, src, bytes);
    stream_->copy(ring_.region(), ring_used_, dst, offset, bytes);
    ring_used_ += aligned;
}

}  // namespace hearth::vulkan
