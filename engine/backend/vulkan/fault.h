#pragma once
// Injected failures, so every CPU-fallback path is tested rather than hoped for.
// HEARTH_VULKAN_FAULT names one (read each time, so a test can switch it per case):
//   out-of-memory     device-memory blocks fail with VK_ERROR_OUT_OF_DEVICE_MEMORY
//   pipeline          pipeline creation fails (as a driver that cannot compile a shader)
//   device-lost[:N]   submissions after the first N fail with VK_ERROR_DEVICE_LOST
//   small-memory      the device reports 16 MiB of memory (the load-time size check refuses)
//   small-bindings    ops split weights as if a binding could hold only 64 KiB (as a device
//                     with a small maxStorageBufferRange), so tests reach that path
// A missing driver or loader is tested for real: VK_ICD_FILENAMES, or HEARTH_VULKAN_LOADER
// (loader.h), pointing nowhere.
#include <cstdint>

namespace hearth::vulkan {

enum class Fault { none, out_of_memory, pipeline, device_lost, small_memory, small_bindings };

// The injected fault; for device_lost, `after` receives N (0 when not given).
Fault injected_fault(uint64_t* after = nullptr);

}  // namespace hearth::vulkan
