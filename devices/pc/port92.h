// Port92: the PS/2 system control port A at 0x92 (QEMU's port92): bit 1 gates A20, a rising
// bit 0 asks for a system reset (portrace publishes the request, it does not reset). Reads answer
// the last byte written (0 after reset). One byte wide; wider accesses are split by the space.
//
// Events (device "port92"): a20 (value = new A20 state, on a change), reset-request.
// Not thread-safe.
#ifndef PORTRACE_DEVICES_PC_PORT92_H_
#define PORTRACE_DEVICES_PC_PORT92_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/device.h"
#include "sim/io_region.h"
#include "sim/machine.h"

namespace portrace::devices {

class Port92 : public sim::Device, public sim::IoRegion {
 public:
  static absl::StatusOr<std::unique_ptr<Port92>> Create(sim::Machine* machine);
  absl::string_view name() const override { return "port92"; }
  uint64_t Read(uint64_t offset, unsigned width) override { return outport_; }
  void Write(uint64_t offset, unsigned width, uint64_t value) override;

 private:
  explicit Port92(sim::Machine* machine) : machine_(machine) {}
  sim::Machine* machine_;
  uint8_t outport_ = 0;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PC_PORT92_H_
