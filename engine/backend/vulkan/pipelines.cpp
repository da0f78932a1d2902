#include "backend/vulkan/pipelines.h"

#include <cstring>
#include <vector>

#include "backend/vulkan/device.h"
#include "backend/vulkan/fault.h"
#include "backend/vulkan/spirv_modules.h"
#include "backend/vulkan/vk_check.h"

namespace hearth::vulkan {

uint32_t spirv_binding_count(const unsigned char* bytes, size_t size) {
    constexpr uint32_t kMagic = 0x07230203, kOpDecorate = 71, kDecorationBinding = 33;
    if (size % 4 != 0 || size < 20) vk_fail("SPIR-V module has a bad size");
    std::vector<uint32_t> words(size / 4);
    std::memcpy(words.data(), bytes, size);
    if (words[0] != kMagic) vk_fail("SPIR-V module has a bad magic number");
    uint32_t count = 0;
    for (size_t i = 5; i < words.size();) {
        const uint32_t length = words[i] >> 16, opcode = words[i] & 0xffff;
        if (length == 0 || i + length > words.size()) vk_fail("SPIR-V module is truncated");
        if (opcode == kOpDecorate && length >= 4 && words[i + 2] == kDecorationBinding) {
            count = std::max(count, words[i + 3] + 1);
        }
        i += length;
    }
    return count;
}

PipelineCache::PipelineCache(const Device& device) : device_(device) {}

PipelineCache::~PipelineCache() {
    const VkDevice dev = device_.handle();
    for (auto& [name, p] : pipelines_) {
        device_.fn().vkDestroyPipeline(dev, p->pipeline, nullptr);
        device_.fn().vkDestroyPipelineLayout(dev, p->layout, nullptr);
        device_.fn().vkDestroyDescriptorSetLayout(dev, p->set_layout, nullptr);
    }
}

const Pipeline& PipelineCache::get(std::string_view name) {
    if (auto it = pipelines_.find(name); it != pipelines_.end()) return *it->second;
    const SpirvModule* module = find_spirv_module(name);
    if (!module) vk_fail("no embedded shader named '" + std::string(name) + "'");

    const VkDevice dev = device_.handle();
    auto p = std::make_unique<Pipeline>();
    p->name = std::string(name);
    p->n_bindings = spirv_binding_count(module->bytes, module->size);

    // Partially built objects are destroyed by this guard if a later step throws.
    struct Guard {
        const DeviceFunctions& fn;
        VkDevice dev;
        Pipeline* p;
        VkShaderModule shader = VK_NULL_HANDLE;
        bool keep = false;
        ~Guard() {
            if (shader) fn.vkDestroyShaderModule(dev, shader, nullptr);
            if (keep) return;
            if (p->pipeline) fn.vkDestroyPipeline(dev, p->pipeline, nullptr);
            if (p->layout) fn.vkDestroyPipelineLayout(dev, p->layout, nullptr);
            if (p->set_layout) fn.vkDestroyDescriptorSetLayout(dev, p->set_layout, nullptr);
        }
    } guard{device_.fn(), dev, p.get()};

    std::vector<VkDescriptorSetLayoutBinding> bindings(p->n_bindings);
    for (uint32_t b = 0; b < p->n_bindings; ++b) {
        bindings[b] = {};
        bindings[b].binding = b;
        bindings[b].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        bindings[b].descriptorCount = 1;
        bindings[b].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    }
    VkDescriptorSetLayoutCreateInfo set_info{};
    set_info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
    set_info.bindingCount = p->n_bindings;
    set_info.pBindings = bindings.data();
    vk_check(device_.fn().vkCreateDescriptorSetLayout(dev, &set_info, nullptr, &p->set_layout),
             "vkCreateDescriptorSetLayout");

    VkPushConstantRange push{};
    push.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    push.size = kPushConstantBytes;
    VkPipelineLayoutCreateInfo layout_info{};
    layout_info.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
    layout_info.setLayoutCount = 1;
    layout_info.pSetLayouts = &p->set_layout;
    layout_info.pushConstantRangeCount = 1;
    layout_info.pPushConstantRanges = &push;
    vk_check(device_.fn().vkCreatePipelineLayout(dev, &layout_info, nullptr, &p->layout),
             "vkCreatePipelineLayout");

    std::vector<uint32_t> code(module->size / 4);
    std::memcpy(code.data(), module->bytes, module->size);
    VkShaderModuleCreateInfo shader_info{};
    shader_info.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
    shader_info.codeSize = module->size;
    shader_info.pCode = code.data();
    vk_check(device_.fn().vkCreateShaderModule(dev, &shader_info, nullptr, &guard.shader),
             "vkCreateShaderModule");

    VkComputePipelineCreateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
    info.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    info.stage.module = guard.shader;
    info.stage.pName = "main";
    info.layout = p->layout;
    VkResult created =
        device_.fn().vkCreateComputePipelines(dev, VK_NULL_HANDLE, 1, &info, nullptr, &p->pipeline);
    if (created == VK_SUCCESS && injected_fault() == Fault::pipeline) {
        created = VK_ERROR_INITIALIZATION_FAILED;
    }
    vk_check(created, "vkCreateComputePipelines");
    guard.keep = true;

    const Pipeline& ref = *p;
    pipelines_.emplace(p->name, std::move(p));
    return ref;
}

}  // namespace hearth::vulkan
