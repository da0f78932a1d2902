#pragma once
// Where a model computes: chosen once at load (LoadOptions::device / HEARTH_DEVICE), shared by
// its sessions. A Vulkan device gets the model's weights uploaded at load; when anything
// about it fails (no loader or driver, no device, the model does not fit, out of device
// memory, device lost, a pipeline that does not compile) the model computes on the CPU
// backend from then on, the log says why once, and status().fallback carries the reason
// for the UI.
#include <memory>
#include <mutex>
#include <string>

#include "backend/backend.h"
#include "runtime/engine.h"

namespace hearth {

namespace gguf {
class GgufFile;
}
namespace model {
struct Hparams;
}
namespace vulkan {
class SharedDevice;
}

class ComputeDevice {
public:
    // `request`: "" (HEARTH_DEVICE, else automatic), "auto", "cpu" or a device number.
    // Throws Error(invalid_argument) for anything else; never for a device that fails.
    static std::unique_ptr<ComputeDevice> open(const std::string& request,
                                               const gguf::GgufFile& file,
                                               const model::Hparams& hp);
    ~ComputeDevice();

    // A backend for one session (its fallback is `cpu`), or nullptr: compute on the CPU.
    std::unique_ptr<Backend> make_backend(Backend& cpu);
    // A session's GPU failed: later sessions use the CPU; logged once.
    void fail(const std::string& reason);
    DeviceStatus status() const;
    // Held for a whole forward pass: a device records one pass at a time.
    std::unique_lock<std::mutex> lock_step() { return std::unique_lock<std::mutex>(step_); }

private:
    ComputeDevice() = default;
    void fall_back(const std::string& reason);

    mutable std::mutex mutex_;  // guards status_ and device_; never held with step_
    DeviceStatus status_;
    std::shared_ptr<vulkan::SharedDevice> device_;  // null: the CPU computes
    std::mutex step_;
};

}  // namespace hearth
