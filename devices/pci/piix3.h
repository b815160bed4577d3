// Piix3: the PCI function of the PIIX3 PCI-to-ISA bridge (00:01.0, 8086:7000, class 0601,
// multi-function) with the configuration space QEMU 7.2's pc machine shows after reset
// (hw/isa/piix3.c piix3_reset, then the PCI core's reset of the command register): status 0x0200
// (DEVSEL medium), subsystem 1af4:1100, IRQ routing PIRQA-D (0x60-0x63) 0x80 (disabled), and the
// other ISA-bridge registers at their documented defaults. Every byte from 0x40 up is writable.
//
// It also owns the reset control register at port 0xcf9 (QEMU's rcr_ops): reads answer the
// register, a write keeps bit 1; a write with bit 2 set asks for a system reset instead and
// leaves the register alone. portrace does not reset the machine; it publishes the request.
// The PCI bus overlays the register on CONFIG_ADDRESS (PciBus::set_reset_control).
//
// Events (device "piix3"):
//   pirq-route     a write touched 0x60-0x63; value = the four routing bytes (PIRQA lowest);
//                  text e.g. "PIRQA irq 11, PIRQB off, PIRQC off, PIRQD irq 10"
//   reset-request  value = the byte written to 0xcf9
// Not thread-safe.
#ifndef PORTRACE_DEVICES_PCI_PIIX3_H_
#define PORTRACE_DEVICES_PCI_PIIX3_H_

#include <cstdint>

#include "devices/pci/pci_function.h"
#include "sim/access_rules.h"
#include "sim/io_region.h"

namespace portrace::devices {

inline constexpr uint8_t kPiix3PirqRoute = 0x60;

class Piix3 : public PciFunction {
 public:
  Piix3();

  // The reset control register, to be placed at 0xcf9 with reset_control_rules().
  sim::IoRegion* reset_control() { return &reset_control_; }
  // QEMU's rcr_ops: any width 1-4, aligned, implemented a byte at a time.
  static sim::AccessRules reset_control_rules() {
    return sim::AccessRules::Ops(1, 4, false, 1, 1, false);
  }
  uint8_t reset_control_value() const { return reset_control_.value(); }

 protected:
  void OnConfigWrite(unsigned offset, unsigned width, uint32_t value) override;

 private:
  class ResetControl : public sim::IoRegion {
   public:
    explicit ResetControl(Piix3* piix3) : piix3_(piix3) {}
    uint64_t Read(uint64_t offset, unsigned width) override { return value_; }
    void Write(uint64_t offset, unsigned width, uint64_t value) override;
    uint8_t value() const { return value_; }

   private:
    Piix3* piix3_;
    uint8_t value_ = 0;
  };

  ResetControl reset_control_;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PCI_PIIX3_H_
