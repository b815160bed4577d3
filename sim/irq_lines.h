// IrqLines: the machine's interrupt request lines (GSIs 0-23 of a PC: ISA IRQs 0-15 as the
// 8259s and the I/O APIC see them, PCI INTx routed by the PIIX3 to 16-23 or to an ISA IRQ).
// Devices drive a line's level (`Set`); interrupt controllers and the qtest peer's
// `irq_intercept_in` listen. Each level change is published as a device event
//   device "irq", kind "irq-raise" / "irq-lower", value = line, text = the driving device
// so rules and the timeline see interrupts; setting a line to the level it has is not a change.
// Lines are wired-OR: a line is high while any of its drivers holds it high (two devices may
// share a PCI interrupt). Not thread-safe.
#ifndef PORTRACE_SIM_IRQ_LINES_H_
#define PORTRACE_SIM_IRQ_LINES_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "sim/device_event.h"

namespace portrace::sim {

class IrqListener {
 public:
  virtual ~IrqListener() = default;
  // Called after `line`'s level changed to `level`.
  virtual void OnIrq(int line, bool level) = 0;
};

class IrqLines {
 public:
  static constexpr int kCount = 24;

  explicit IrqLines(DeviceEventBus* events) : events_(events) {}
  IrqLines(const IrqLines&) = delete;
  IrqLines& operator=(const IrqLines&) = delete;

  // `driver` names the device driving the line ("piix3-ide", "rtl8139"); each driver has its
  // own level on each line and the line is the OR of them. Out-of-range lines are ignored.
  void Set(absl::string_view driver, int line, bool level);
  bool level(int line) const { return line >= 0 && line < kCount && count_[line] > 0; }

  // Listeners are called in the order they were added; they must outlive the lines.
  void AddListener(IrqListener* listener) { listeners_.push_back(listener); }
  void RemoveListener(IrqListener* listener);

 private:
  struct Driver {
    std::string name;
    uint32_t high = 0;  // bit per line
  };

  DeviceEventBus* events_;
  std::vector<Driver> drivers_;
  std::array<int, kCount> count_{};  // drivers holding each line high
  std::vector<IrqListener*> listeners_;
};

}  // namespace portrace::sim

#endif  // PORTRACE_SIM_IRQ_LINES_H_
