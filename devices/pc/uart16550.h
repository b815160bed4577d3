// Uart16550: a 16550A serial port (COM1 at 0x3f8, IRQ 4), as QEMU 7.2's serial device answers it
// with a backend that accepts every byte at once: THR writes transmit immediately (LSR keeps THRE
// and TEMT), nothing is ever received except in loopback (MCR bit 4), where a transmitted byte
// comes back in RBR. Registers: RBR/THR, IER, IIR/FCR, LCR (bit 7 switches offsets 0-1 to the
// divisor latch), MCR, LSR, MSR (loopback reflects MCR), SCR. Interrupt identification follows
// QEMU's priorities (line status, received data, THR empty, modem status); enabling the THRE
// interrupt while THR is empty raises it at once, reading IIR with it pending clears it.
// FIFOs: FCR bit 0 only sets IIR's FIFO bits; there is no FIFO behind them.
//
// Events (device "uart"):
//   tx       value = the byte; text = the byte as console text (printable ASCII and newline);
//            show_in_summary, so a replay's summary shows what the guest printed
//   divisor  value = the divisor latch after a write to it
//   lcr      value = the byte written to the line control register (bit 7: DLAB)
// Not thread-safe.
#ifndef PORTRACE_DEVICES_PC_UART16550_H_
#define PORTRACE_DEVICES_PC_UART16550_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/device.h"
#include "sim/io_region.h"
#include "sim/machine.h"

namespace portrace::devices {

class Uart16550 : public sim::Device, public sim::IoRegion {
 public:
  static absl::StatusOr<std::unique_ptr<Uart16550>> Create(sim::Machine* machine,
                                                           uint16_t base = 0x3f8, int irq = 4);

  absl::string_view name() const override { return "uart"; }
  uint64_t Read(uint64_t offset, unsigned width) override;
  void Write(uint64_t offset, unsigned width, uint64_t value) override;

 private:
  Uart16550(sim::Machine* machine, int irq) : machine_(machine), irq_(irq) {}
  void UpdateIrq();

  sim::Machine* machine_;
  int irq_;
  uint16_t divider_ = 0x0c;
  uint8_t rbr_ = 0, ier_ = 0, iir_ = 0x01, lcr_ = 0, mcr_ = 0x08, lsr_ = 0x60, msr_ = 0xb0;
  uint8_t scr_ = 0, fcr_ = 0;
  bool thr_pending_ = false;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PC_UART16550_H_
