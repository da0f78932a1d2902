#pragma once
// The Vulkan devices, probed once per process: probing creates and destroys a Vulkan
// instance (tens of milliseconds, more on a software driver) and the list cannot change
// while Hearth runs. Read on the GUI thread only.
#include "backend/vulkan/device_select.h"

namespace hearth::gui {

// HEARTH_DEVICE applies, as for a model loaded with the automatic choice.
const vulkan::DeviceReport& deviceReport();

}  // namespace hearth::gui
