// ParallelPort: the ISA parallel port QEMU's pc machine has without -nodefaults (isa-parallel,
// LPT1 at 0x378, IRQ 7), as QEMU's software emulation answers it (the chardev is not a host
// parport, so none of the EPP/ECP hardware paths apply):
//  * +0 data: writes latch the output byte; reads answer it (the input latch, all ones, when the
//    control register's direction bit is set).
//  * +1 status: reads answer the status (reset: BUSY# ACK# ONLINE ERROR# TMOUT = 0xd9), clear the
//    pending interrupt, and walk the handshake after a strobe (ACK# drops, then ACK# and BUSY#
//    rise); writes are ignored.
//  * +2 control: writes are stored with bits 6-7 forced on; INIT# low resets the status, SELECT
//    with STROBE prints the data byte (a "print" event) and clears BUSY#, SELECT without STROBE
//    raises the interrupt when IRQ enable is set. Reset: 0xcc.
//  * +3..+7 read all ones; writes are ignored.
// Byte handlers only (a QEMU portio list): a word access is split into two bytes, a dword access
// reads all ones and is dropped.
//
// Events (device "parallel"): print (value = the byte strobed out); the interrupt is line 7 of
// the machine's IRQ lines (irq-raise/irq-lower). Not thread-safe.
#ifndef PORTRACE_DEVICES_PC_PARALLEL_PORT_H_
#define PORTRACE_DEVICES_PC_PARALLEL_PORT_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/device.h"
#include "sim/io_region.h"
#include "sim/machine.h"

namespace portrace::devices {

class ParallelPort : public sim::Device, public sim::IoRegion {
 public:
  static constexpr uint16_t kDefaultBase = 0x378;
  static constexpr int kDefaultIrq = 7;

  static absl::StatusOr<std::unique_ptr<ParallelPort>> Create(sim::Machine* machine,
                                                              uint16_t base = kDefaultBase,
                                                              int irq = kDefaultIrq);
  absl::string_view name() const override { return "parallel"; }
  uint64_t Read(uint64_t offset, unsigned width) override;
  void Write(uint64_t offset, unsigned width, uint64_t value) override;

 private:
  ParallelPort(sim::Machine* machine, int irq) : machine_(machine), irq_(irq) {}
  void UpdateIrq();

  sim::Machine* machine_;
  int irq_;
  uint8_t data_out_ = 0xff;
  uint8_t data_in_ = 0xff;
  uint8_t status_ = 0xd9;
  uint8_t control_ = 0xcc;
  bool irq_pending_ = false;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PC_PARALLEL_PORT_H_
