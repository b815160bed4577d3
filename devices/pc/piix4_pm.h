// Piix4Pm: the PIIX4 power-management function (00:01.3, 8086:7113) with the I/O QEMU 7.2's
// piix4_pm places for it: its configuration space as PciPlaceholder kPiix4Pm shows it, plus
//   * the ACPI PM I/O block at the base in config 0x40 (bits 15:6) while config 0x80 bit 0 is
//     set: PM1a event (+0 status, write 1 to clear, bit 0 the timer overflow; +2 enable),
//     PM1a control (+4; SLP_EN reads 0 and is published as a sleep request), and the PM timer
//     (+8): a 24-bit count of 3.579545 MHz ticks of virtual time. Other offsets are unclaimed.
//   * the APM control/status pair at 0xb2-0xb3 (a write to 0xb2 would raise an SMI in QEMU;
//     portrace publishes it).
// The SMBus (0xb100) and the ACPI hotplug/GPE ports (0xae00, 0xaf00, 0xafe0) are not modelled.
//
// Events (device "piix4-pm", besides PciFunction's): pm-base (value = base, text "enabled" or
// "disabled"), apm-command (value = the byte written to 0xb2), sleep (value = PM1a control).
// Not thread-safe.
#ifndef PORTRACE_DEVICES_PC_PIIX4_PM_H_
#define PORTRACE_DEVICES_PC_PIIX4_PM_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "devices/pci/pci_function.h"
#include "sim/io_region.h"
#include "sim/io_space.h"
#include "sim/machine.h"

namespace portrace::devices {

inline constexpr uint64_t kPmTimerFrequencyHz = 3579545;

class Piix4Pm : public PciFunction {
 public:
  // Maps the APM ports; the PM block is mapped when the guest enables it.
  static absl::StatusOr<std::unique_ptr<Piix4Pm>> Create(sim::Machine* machine);
  ~Piix4Pm() override;

  // The PM timer's value now.
  uint32_t TimerValue() const;

 protected:
  void OnConfigWrite(unsigned offset, unsigned width, uint32_t value) override;

 private:
  class Block : public sim::IoRegion {
   public:
    enum Kind { kEvent, kControl, kTimer, kApm };
    Block(Piix4Pm* pm, Kind kind) : pm_(pm), kind_(kind) {}
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;
    // The timer, and the status register whose overflow bit the timer sets.
    bool FollowsClock(uint64_t offset) const override {
      return kind_ == kTimer || (kind_ == kEvent && offset < 2);
    }

   private:
    Piix4Pm* pm_;
    Kind kind_;
  };

  explicit Piix4Pm(sim::Machine* machine);
  uint64_t Ticks() const;
  uint16_t Status();
  void CalcOverflowTime();
  void UpdatePlacement();

  sim::Machine* machine_;
  Block event_{this, Block::kEvent}, control_{this, Block::kControl};
  Block timer_{this, Block::kTimer}, apm_{this, Block::kApm};
  uint16_t status_ = 0, enable_ = 0, control_value_ = 0;
  uint64_t overflow_time_ = 0;  // in ticks
  uint8_t apm_control_ = 0, apm_status_ = 0;
  int mappings_[3] = {-1, -1, -1};
  uint32_t placed_base_ = 0;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PC_PIIX4_PM_H_
