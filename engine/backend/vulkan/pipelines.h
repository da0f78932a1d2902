#pragma once
// Compute pipelines, created on first use from the embedded SPIR-V and kept for the life of
// the context. Every shader follows one convention: set 0 holds bindings 0..n-1, all storage
// buffers (n read from the module's Binding decorations), and parameters come as push
// constants of at most kPushConstantBytes.
#include <vulkan/vulkan.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace hearth::vulkan {

class Device;

inline constexpr uint32_t kPushConstantBytes = 128;  // the minimum every device offers

struct Pipeline {
    std::string name;
    uint32_t n_bindings = 0;
    VkDescriptorSetLayout set_layout = VK_NULL_HANDLE;
    VkPipelineLayout layout = VK_NULL_HANDLE;
    VkPipeline pipeline = VK_NULL_HANDLE;
};

// Highest Binding decoration + 1 in a SPIR-V module (0 when it has none). Throws
// Error(internal) for a malformed module.
uint32_t spirv_binding_count(const unsigned char* bytes, size_t size);

class PipelineCache {
public:
    explicit PipelineCache(const Device& device);
    ~PipelineCache();
    PipelineCache(const PipelineCache&) = delete;
    PipelineCache& operator=(const PipelineCache&) = delete;

    // Throws Error(internal) for a name no embedded module has.
    const Pipeline& get(std::string_view name);
    size_t size() const { return pipelines_.size(); }

private:
    const Device& device_;
    std::map<std::string, std::unique_ptr<Pipeline>, std::less<>> pipelines_;
};

}  // namespace hearth::vulkan
