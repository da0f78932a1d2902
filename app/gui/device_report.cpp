#include "gui/device_report.h"

namespace hearth::gui {

const vulkan::DeviceReport& deviceReport() {
    static const vulkan::DeviceReport report = vulkan::probe_devices();
    return report;
}

}  // namespace hearth::gui
