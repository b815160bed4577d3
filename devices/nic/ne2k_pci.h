// Ne2kPci: QEMU's ne2k_pci (RTL8029, 10ec:8029 rev 0, class 0200, status 0, INTA, subsystem
// 1af4:1100): the PCI function with its 256-byte I/O BAR0 served by the NE2000 register core
// (ne2000.h) and the 256 KiB expansion ROM register QEMU gives it (efi-ne2k_pci.rom; the ROM is
// not mapped), so that firmware enumerates, sizes and programs it as in QEMU and the Xen platform
// device's NIC unplug (Ethernet class) removes it.
//
// Interrupts: the core's output drives INTA#. The machine builder supplies the INTx router (the
// PIIX3's PIRQ registers: slot + pin picks PIRQA-D, its byte names the ISA IRQ unless bit 7 is
// set); the function drives the routed line under its own name, and moves its level to the new
// line at its next interrupt update after the guest reprograms the route (QEMU moves it at once).
//
// As a FrameReceiver it hands frames to the core, and refuses them once unplugged (removed from
// the bus by the Xen platform device). Not thread-safe.
#ifndef PORTRACE_DEVICES_NIC_NE2K_PCI_H_
#define PORTRACE_DEVICES_NIC_NE2K_PCI_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "devices/nic/ne2000.h"
#include "devices/nic/nic_options.h"
#include "devices/pci/pci_function.h"
#include "sim/frame_receiver.h"
#include "sim/machine.h"

namespace portrace::devices {

// The line (GSI) INTx pin `pin` (1 = INTA#) of the function at `devfn` reaches now, or -1 when
// its route is disabled.
using IntxRouter = std::function<int(int devfn, int pin)>;

class Ne2kPci : public PciFunction, public sim::FrameReceiver {
 public:
  // `machine` (events and IRQ lines) may be null, as may `router` (no interrupt delivery).
  static absl::StatusOr<std::unique_ptr<Ne2kPci>> Create(const NicOptions& options,
                                                         sim::Machine* machine = nullptr,
                                                         IntxRouter router = nullptr);
  const NicOptions& options() const { return options_; }
  Ne2000Core& core() { return *core_; }
  sim::RxResult ReceiveFrame(absl::Span<const uint8_t> frame) override;

 private:
  Ne2kPci(const NicOptions& options, sim::Machine* machine, IntxRouter router);
  void SetIntx(bool level);

  NicOptions options_;
  sim::Machine* machine_;
  IntxRouter router_;
  int driven_line_ = -1;  // the line this function holds high, -1 when none
  std::unique_ptr<Ne2000Core> core_;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_NIC_NE2K_PCI_H_
