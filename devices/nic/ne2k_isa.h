// Ne2kIsa: QEMU's ne2k_isa as `-nic model=ne2k_isa` places it: the NE2000 register core
// (ne2000.h) at ports 0x300-0x31f driving ISA IRQ 9, receiving frames through the core. No PCI
// function. Not thread-safe.
#ifndef PORTRACE_DEVICES_NIC_NE2K_ISA_H_
#define PORTRACE_DEVICES_NIC_NE2K_ISA_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "devices/nic/ne2000.h"
#include "devices/nic/nic_options.h"
#include "sim/device.h"
#include "sim/frame_receiver.h"
#include "sim/machine.h"

namespace portrace::devices {

class Ne2kIsa : public sim::Device, public sim::FrameReceiver {
 public:
  static constexpr uint32_t kBase = 0x300;
  static constexpr int kIrq = 9;

  // Maps the core at kBase; the space's error when the ports are taken.
  static absl::StatusOr<std::unique_ptr<Ne2kIsa>> Create(const NicOptions& options,
                                                         sim::Machine* machine);
  absl::string_view name() const override { return "ne2k_isa"; }
  Ne2000Core& core() { return core_; }
  sim::RxResult ReceiveFrame(absl::Span<const uint8_t> frame) override {
    return core_.ReceiveFrame(frame);
  }

 private:
  Ne2kIsa(const NicOptions& options, sim::Machine* machine);

  Ne2000Core core_;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_NIC_NE2K_ISA_H_
