// Pic: the two cascaded 8259A interrupt controllers of a PC (master at 0x20-0x21, slave at
// 0xa0-0xa1, slave on master input 2) and the PIIX3's edge/level control registers (ELCR,
// 0x4d0-0x4d1), as QEMU 7.2's i8259 answers them:
//   * port +0 write: ICW1 (bit 4; resets the chip and starts the ICW sequence), OCW3 (bit 3:
//     poll, IRR/ISR read select, special mask) or OCW2 (EOI forms, rotation, priority);
//   * port +1 write: ICW2-ICW4 while initialising, else the IMR;
//   * port +0 read: the poll byte after an OCW3 poll, else IRR or ISR as selected; +1: IMR;
//   * ELCR: level-triggered inputs, masked to 0xf8 (master) and 0xde (slave).
// Inputs come from the machine's IrqLines (ISA IRQs 0-15): an edge input latches IRR on a rising
// edge, a level input follows the line. No CPU acknowledges interrupts (QEMU under qtest -S does
// not either), so ISR bits are only set by a poll; the PIC's output is exposed for tests.
//
// Events (device "pic"):
//   icw1      value = chip (0 master, 1 slave) << 8 | the byte
//   icw       value = chip << 16 | n << 8 | the byte, for ICW2, ICW3 and ICW4 (n = 2, 3, 4)
//   eoi       value = chip << 8 | the OCW2 byte; text "nothing in service" when a non-specific
//             EOI found no ISR bit and no pending request (IRR) to account for it, "irq N not in
//             service" when a specific EOI names an input with neither its ISR nor IRR bit set
//             (no CPU acknowledges interrupts here, so a requested input counts as serviceable)
//   ocw       value = chip << 8 | the byte, for every other command-port write (OCW3, and OCW2
//             rotation/priority forms)
//   imr       value = chip << 8 | the new mask
// Not thread-safe.
#ifndef PORTRACE_DEVICES_PC_PIC_H_
#define PORTRACE_DEVICES_PC_PIC_H_

#include <array>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/device.h"
#include "sim/io_region.h"
#include "sim/irq_lines.h"
#include "sim/machine.h"

namespace portrace::devices {

class Pic : public sim::Device, public sim::IrqListener {
 public:
  // Maps 0x20, 0xa0 and 0x4d0 and listens to the machine's interrupt lines.
  static absl::StatusOr<std::unique_ptr<Pic>> Create(sim::Machine* machine);
  ~Pic() override;

  absl::string_view name() const override { return "pic"; }
  void OnIrq(int line, bool level) override;

  // The interrupt the CPU would take now (vector), or -1 when the output is low.
  int PendingVector() const;

 private:
  struct Chip {
    uint8_t irr = 0, isr = 0, imr = 0, elcr = 0, elcr_mask = 0;
    uint8_t last_irr = 0, priority_add = 0, irq_base = 0;
    uint8_t init_state = 0;
    bool read_isr = false, poll = false, special_mask = false, auto_eoi = false;
    bool rotate_on_auto_eoi = false, special_fully_nested = false, init4 = false;
    bool single = false;
  };
  class ChipPorts : public sim::IoRegion {
   public:
    ChipPorts(Pic* pic, int chip) : pic_(pic), chip_(chip) {}
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;

   private:
    Pic* pic_;
    int chip_;
  };
  class ElcrPorts : public sim::IoRegion {
   public:
    ElcrPorts(Pic* pic, int chip) : pic_(pic), chip_(chip) {}
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;

   private:
    Pic* pic_;
    int chip_;  // one register per chip; every byte of a wider access reaches it
  };

  explicit Pic(sim::Machine* machine);
  void InitReset(Chip& chip);
  void SetInput(int chip, int irq, bool level);
  // Highest-priority pending input of `chip` (0-7), or -1 (QEMU pic_get_irq).
  int GetIrq(int chip) const;
  void Update();
  uint8_t PollRead(int chip);
  void Intack(int chip, int irq);
  void Publish(absl::string_view kind, uint64_t value, std::string text = "");

  sim::Machine* machine_;
  std::array<Chip, 2> chips_;
  ChipPorts master_ports_{this, 0}, slave_ports_{this, 1};
  ElcrPorts elcr_master_{this, 0}, elcr_slave_{this, 1};
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PC_PIC_H_
