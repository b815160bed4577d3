// Port80: the POST diagnostic port 0x80 (QEMU's ioport80): reads 0xff at every byte, writes
// are accepted. Firmware writes progress codes there, so each write is published.
//
// Events (device "port80"): post-code (value = the byte written).
// Not thread-safe.
#ifndef PORTRACE_DEVICES_PC_PORT80_H_
#define PORTRACE_DEVICES_PC_PORT80_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/device.h"
#include "sim/io_region.h"
#include "sim/machine.h"

namespace portrace::devices {

class Port80 : public sim::Device, public sim::IoRegion {
 public:
  static absl::StatusOr<std::unique_ptr<Port80>> Create(sim::Machine* machine);
  absl::string_view name() const override { return "port80"; }
  uint64_t Read(uint64_t offset, unsigned width) override { return 0xff; }
  void Write(uint64_t offset, unsigned width, uint64_t value) override {
    machine_->events().Publish({"port80", "post-code", value & 0xff, ""});
  }

 private:
  explicit Port80(sim::Machine* machine) : machine_(machine) {}
  sim::Machine* machine_;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PC_PORT80_H_
