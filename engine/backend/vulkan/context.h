#pragma once
// Everything one Vulkan device needs to run Hearth's shaders, owned in dependency order:
// instance -> device -> memory, pipelines, descriptor cache -> command stream. Members are
// destroyed in reverse, so no Vulkan object outlives what it was made from.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backend/vulkan/commands.h"
#include "backend/vulkan/descriptors.h"
#include "backend/vulkan/device.h"
#include "backend/vulkan/device_select.h"
#include "backend/vulkan/instance.h"
#include "backend/vulkan/memory.h"
#include "backend/vulkan/pipelines.h"

namespace hearth::vulkan {

enum class ScratchSlot { matmul = 0, rope_table = 1 };

class VulkanContext {
public:
    // Picks a device with select_device() and HEARTH_DEVICE. Throws Error(unsupported)
    // carrying the selection's reason when there is none ("no Vulkan device: ...").
    static std::unique_ptr<VulkanContext> create();
    // Uses device `index` of the instance's list (tests).
    explicit VulkanContext(int index);
    ~VulkanContext();
    VulkanContext(const VulkanContext&) = delete;
    VulkanContext& operator=(const VulkanContext&) = delete;

    const DeviceInfo& info() const { return device_->info(); }
    Device& device() { return *device_; }
    Suballocator& memory() { return *memory_; }  // device-side tensors
    PipelineCache& pipelines() { return *pipelines_; }
    CommandStream& stream() { return *stream_; }
    const Pipeline& pipeline(std::string_view name) { return pipelines_->get(name); }

    // Host <-> device transfers of `bytes` at `offset` into a Region. A host-visible region
    // is a memcpy; otherwise the bytes go through a staging buffer with a recorded copy and
    // a flush. download() flushes pending work first, so it sees every recorded write.
    void upload(const Region& dst, size_t offset, const void* src, size_t bytes);
    void download(const Region& src, size_t offset, void* dst, size_t bytes);
    // Queues an upload: the bytes are copied now into a staging ring and a buffer copy is
    // recorded, so it lands in command order without a submission (the ring is reused
    // once the stream has submitted and waited).
    void record_upload(const Region& dst, size_t offset, const void* src, size_t bytes);
    // Device memory an op's intermediate lives in between its steps (a matmul's quantized
    // activations, RoPE's cos/sin table). One buffer per slot shared by all ops: recorded
    // steps are separated by barriers, so each op may overwrite what the previous one
    // left. A slot only grows (after a flush, since recorded work may still use the old one).
    Region scratch(size_t bytes, ScratchSlot slot = ScratchSlot::matmul);
    // A constant table in device memory, uploaded on the first request for `name` and kept
    // for the life of the context (GELU's F16 table).
    const Region& constant(const std::string& name, const void* data, size_t bytes);

private:
    Region staging(size_t bytes);

    std::unique_ptr<Instance> instance_;
    std::unique_ptr<Device> device_;
    std::unique_ptr<Suballocator> memory_;
    std::unique_ptr<Suballocator> host_memory_;
    std::unique_ptr<PipelineCache> pipelines_;
    std::unique_ptr<DescriptorCache> descriptors_;
    std::unique_ptr<CommandStream> stream_;
    Allocation staging_;
    Allocation scratch_[2];
    std::map<std::string, Allocation> constants_;
    Allocation ring_;                       // record_upload's staging, host-visible
    std::vector<Allocation> ring_retired_;  // outgrown rings still read by recorded copies
    size_t ring_used_ = 0;
    uint64_t ring_epoch_ = 0;  // stream submissions when ring_used_ was last reset
};

}  // namespace hearth::vulkan
