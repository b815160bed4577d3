// Device: the common base of everything a Machine owns and wires into its spaces (the platform
// device, PCI functions, IDE, NICs, the legacy PC devices). A device maps its regions into the
// machine's IoSpace/MemorySpace when created and publishes DeviceEvents; the base class only
// gives it a stable name for reports.
#ifndef PORTRACE_SIM_DEVICE_H_
#define PORTRACE_SIM_DEVICE_H_

#include "absl/strings/string_view.h"

namespace portrace::sim {

class Device {
 public:
  virtual ~Device() = default;
  virtual absl::string_view name() const = 0;
};

}  // namespace portrace::sim

#endif  // PORTRACE_SIM_DEVICE_H_
