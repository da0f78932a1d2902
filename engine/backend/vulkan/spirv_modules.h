#pragma once
// The compute shaders, compiled from /shaders at build time (glslangValidator, one module
// per variant) and embedded by a generated source file in the build directory.
#include <cstddef>
#include <string_view>
#include <vector>

namespace hearth::vulkan {

struct SpirvModule {
    const char* name;  // "matmul_q4_0", "rms_norm", ...
    const unsigned char* bytes;
    size_t size;  // a multiple of 4
};

const std::vector<SpirvModule>& spirv_modules();
// nullptr when no module has that name.
const SpirvModule* find_spirv_module(std::string_view name);

}  // namespace hearth::vulkan
