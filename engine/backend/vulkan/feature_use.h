#pragma once
// For `hearth devices`: each optional feature the device layer probes (device_info.h), whether
// the device has it, and whether Hearth's shaders use it and why. The rows say what the ops
// really choose: an op that starts picking a variant by a feature changes that row here.
#include <string>
#include <vector>

#include "backend/vulkan/device_info.h"

namespace hearth::vulkan {

struct FeatureUse {
    std::string feature;  // "fp16 storage"
    std::string device;   // what the device offers: "yes", "no", "size 32, arithmetic" ...
    bool used = false;    // a shader variant Hearth runs on this device relies on it
    std::string why;      // one line: what Hearth does instead, or what the feature buys
};

std::vector<FeatureUse> feature_use(const DeviceInfo& info);

}  // namespace hearth::vulkan
