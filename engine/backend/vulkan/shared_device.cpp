#include "backend/vulkan/shared_device.h"

#include "backend/vulkan/context.h"

namespace hearth::vulkan {

SharedDevice::SharedDevice(std::unique_ptr<VulkanContext> context) : ctx_(std::move(context)) {}

SharedDevice::~SharedDevice() {
    // Allocations return to the context's allocator, so they go before it does.
    weights_.clear();
}

const Region& SharedDevice::weight(const void* data, size_t bytes) {
    auto it = weights_.find(data);
    if (it != weights_.end() && it->second.region().size >= bytes) return it->second.region();
    Allocation a(ctx_->memory(), bytes);
    ctx_->upload(a.region(), 0, data, bytes);
    weight_bytes_ += bytes;
    auto [pos, inserted] = weights_.insert_or_assign(data, std::move(a));
    (void)inserted;
    return pos->second.region();
}

}  // namespace hearth::vulkan
