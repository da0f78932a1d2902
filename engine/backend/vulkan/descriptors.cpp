#include "backend/vulkan/descriptors.h"

#include "backend/vulkan/device.h"
#include "backend/vulkan/pipelines.h"
#include "backend/vulkan/vk_check.h"

namespace hearth::vulkan {

namespace {
constexpr uint32_t kMaxBindingsPerSet = 8;
}

DescriptorCache::DescriptorCache(const Device& device, uint32_t max_sets)
    : device_(device), max_sets_(max_sets) {
    VkDescriptorPoolSize size{};
    size.type = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    size.descriptorCount = max_sets * kMaxBindingsPerSet;
    VkDescriptorPoolCreateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
    info.maxSets = max_sets;
    info.poolSizeCount = 1;
    info.pPoolSizes = &size;
    vk_check(device_.fn().vkCreateDescriptorPool(device_.handle(), &info, nullptr, &pool_),
             "vkCreateDescriptorPool");
}

DescriptorCache::~DescriptorCache() {
    if (pool_) device_.fn().vkDestroyDescriptorPool(device_.handle(), pool_, nullptr);
}

void DescriptorCache::reset() {
    vk_check(device_.fn().vkResetDescriptorPool(device_.handle(), pool_, 0),
             "vkResetDescriptorPool");
    sets_.clear();
}

VkDescriptorSet DescriptorCache::acquire(const Pipeline& pipeline, const Region* regions,
                                         uint32_t n) {
    if (n != pipeline.n_bindings || n > kMaxBindingsPerSet) {
        vk_fail("shader " + pipeline.name + " takes " + std::to_string(pipeline.n_bindings) +
                " buffers, got " + std::to_string(n));
    }
    Key key{pipeline.set_layout, {}};
    key.parts.reserve(size_t(n) * 3);
    for (uint32_t i = 0; i < n; ++i) {
        key.parts.push_back(VkDeviceSize(reinterpret_cast<uintptr_t>(regions[i].buffer)));
        key.parts.push_back(regions[i].offset);
        key.parts.push_back(regions[i].size);
    }
    if (auto it = sets_.find(key); it != sets_.end()) return it->second;
    if (sets_.size() >= max_sets_) return VK_NULL_HANDLE;

    VkDescriptorSetAllocateInfo alloc{};
    alloc.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
    alloc.descriptorPool = pool_;
    alloc.descriptorSetCount = 1;
    alloc.pSetLayouts = &pipeline.set_layout;
    VkDescriptorSet set = VK_NULL_HANDLE;
    const VkResult result = device_.fn().vkAllocateDescriptorSets(device_.handle(), &alloc, &set);
    if (result == VK_ERROR_OUT_OF_POOL_MEMORY || result == VK_ERROR_FRAGMENTED_POOL) {
        return VK_NULL_HANDLE;
    }
    vk_check(result, "vkAllocateDescriptorSets");

    VkDescriptorBufferInfo infos[kMaxBindingsPerSet];
    VkWriteDescriptorSet writes[kMaxBindingsPerSet];
    for (uint32_t i = 0; i < n; ++i) {
        infos[i] = {regions[i].buffer, regions[i].offset, regions[i].size};
        writes[i] = {};
        writes[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
        writes[i].dstSet = set;
        writes[i].dstBinding = i;
        writes[i].descriptorCount = 1;
        writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        writes[i].pBufferInfo = &infos[i];
    }
    device_.fn().vkUpdateDescriptorSets(device_.handle(), n, writes, 0, nullptr);
    sets_.emplace(std::move(key), set);
    return set;
}

}  // namespace hearth::vulkan
