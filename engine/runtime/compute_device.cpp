#include "runtime/compute_device.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "backend/vulkan/context.h"
#include "backend/vulkan/device_select.h"
#include "backend/vulkan/fault.h"
#include "backend/vulkan/shared_device.h"
#include "backend/vulkan/vulkan_backend.h"
#include "core/error.h"
#include "gguf/gguf_file.h"
#include "model/hparams.h"

namespace hearth {
namespace {

constexpr uint64_t kMiB = 1ull << 20;
// Activations, staging and the descriptor pool on top of weights and KV cache: generous
// for the models Hearth runs (a 512-token prefill of a 4k-wide model is ~100 MiB).
constexpr uint64_t kWorkBytes = 128 * kMiB;

bool is_device_number(const std::string& s) {
    if (s.empty() || s.size() > 6) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

// Bytes a session's F16 KV cache takes at the default context (min(trained, 4096)).
uint64_t default_kv_bytes(const model::Hparams& hp) {
    const uint64_t n_ctx = hp.context_length > 0 ? std::min(hp.context_length, 4096) : 4096;
    const uint64_t per_token =
        uint64_t(hp.n_kv_heads) * uint64_t(hp.head_dim_k + hp.head_dim_v) * 2;
    return per_token * n_ctx * uint64_t(hp.n_layers);
}

}  // namespace

std::unique_ptr<ComputeDevice> ComputeDevice::open(const std::string& request,
                                                   const gguf::GgufFile& file,
                                                   const model::Hparams& hp) {
    std::string want = request;
    bool from_env = false;
    if (want.empty()) {
        const char* env = std::getenv("HEARTH_DEVICE");
        if (env && *env) {
            want = env;
            from_env = true;
        }
    }
    if (want.empty()) want = "auto";
    if (want != "auto" && want != "cpu" && !is_device_number(want)) {
        throw Error(ErrorCode::invalid_argument,
                    std::string(from_env ? "HEARTH_DEVICE" : "the device") + " '" + want +
                        "' is neither a device number (see `hearth devices`), 'cpu' nor 'auto'");
    }
    std::unique_ptr<ComputeDevice> cd(new ComputeDevice());
    if (want == "cpu") return cd;

    const bool automatic = want == "auto";
    const vulkan::DeviceReport report = vulkan::probe_devices(automatic ? "" : want.c_str());
    const int index = report.selection.index;
    if (index < 0) {
        // Automatic with no device is the normal CPU case; a named device that is not there
        // is a fallback the user should hear about.
        if (automatic) {
            spdlog::info("compute: CPU ({})", report.selection.reason);
        } else {
            std::string reason = report.selection.reason;
            // select_device() words it for HEARTH_DEVICE; say what was really asked.
            if (!from_env && reason.rfind("HEARTH_DEVICE=", 0) == 0)
                reason.replace(0, 14, "device ");
            cd->fall_back(reason);
        }
        return cd;
    }
    const vulkan::DeviceInfo& info = report.devices[size_t(index)];
    if (automatic && !vulkan::automatic_may_use(info)) {
        spdlog::info(
            "compute: CPU (the only Vulkan device, {}, is a software implementation and slower "
            "than the CPU backend; --device {} uses it anyway)",
            info.name, index);
        return cd;
    }

    uint64_t device_bytes = info.device_local_bytes;
    if (vulkan::injected_fault() == vulkan::Fault::small_memory) device_bytes = 16 * kMiB;
    uint64_t weight_bytes = 0;
    for (const auto& t : file.tensors())
        weight_bytes += t.n_bytes;
    const uint64_t kv_bytes = default_kv_bytes(hp);
    const uint64_t need = weight_bytes + kv_bytes + kWorkBytes;
    spdlog::info(
        "vulkan: the model needs {} MiB of device memory (weights {} MiB, KV cache {} MiB at "
        "the default context, work {} MiB); {} has {} MiB",
        need / kMiB, weight_bytes / kMiB, kv_bytes / kMiB, kWorkBytes / kMiB, info.name,
        device_bytes / kMiB);
    if (need > device_bytes) {
        cd->fall_back("the model needs " + std::to_string(need / kMiB) +
                      " MiB of device memory but " + info.name + " has " +
                      std::to_string(device_bytes / kMiB) + " MiB");
        return cd;
    }
    try {
        auto device =
            std::make_shared<vulkan::SharedDevice>(std::make_unique<vulkan::VulkanContext>(index));
        // Weights go up now, once: the first token does not pay for them, and a device too
        // small shows here rather than mid-reply.
        for (const auto& t : file.tensors())
            device->weight(t.data, t.n_bytes);
        device->context().stream().flush();
        cd->device_ = std::move(device);
        cd->status_.backend = "vulkan";
        cd->status_.name = info.name;
        spdlog::info("vulkan: computing on device {} '{}' ({}; {} MiB of weights uploaded)", index,
                     info.name, info.feature_summary(), weight_bytes / kMiB);
    } catch (const std::exception& e) {
        cd->fall_back(e.what());
    }
    return cd;
}

ComputeDevice::~ComputeDevice() = default;

void ComputeDevice::fall_back(const std::string& reason) {
    // Errors from the Vulkan layer already say "vulkan: ".
    std::string why = reason.rfind("vulkan: ", 0) == 0 ? reason.substr(8) : reason;
    spdlog::warn("vulkan: {}; computing on the CPU instead", why);
    status_ = DeviceStatus{};
    status_.fallback = why;
}

std::unique_ptr<Backend> ComputeDevice::make_backend(Backend& cpu) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!device_) return nullptr;
    return std::make_unique<vulkan::VulkanBackend>(device_, cpu);
}

void ComputeDevice::fail(const std::string& reason) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!device_) return;  // another session reported it first
    device_.reset();
    fall_back(reason);
}

DeviceStatus ComputeDevice::status() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return status_;
}

}  // namespace hearth
