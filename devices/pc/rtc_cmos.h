// RtcCmos: the MC146818 real-time clock and its 128 bytes of CMOS RAM at 0x70-0x71, as QEMU 7.2
// (hw/rtc/mc146818rtc.c) answers them. Port 0x70 takes the index (bit 7 is the NMI-disable bit,
// which the RTC ignores; reading 0x70 gives 0xff); port 0x71 reads and writes the indexed byte.
//
// Time: the clock registers (0x00 seconds .. 0x09 year, 0x32 century; 0x37 is an alias of the
// century that moves the index to 0x32) show `base + virtual time + guest adjustment`, encoded
// as register B selects (BCD or binary, 12 or 24 hours). The base is an option (default
// 2026-01-01T00:00:00, UTC); guest writes to the clock registers adjust it (immediately while the
// clock runs, when SET (B bit 7) is cleared otherwise). Register A's UIP bit reads 1 during the
// last 244 us of each second, as QEMU computes it. Registers C and D are read-only; reading C
// clears it and lowers IRQ 8. Periodic, alarm and update-ended interrupts are not modelled
// (register C stays 0).
//
// The configuration bytes (memory sizes, floppy types, equipment, boot order, CPU count) are
// what the machine builder stores with SetConfigByte, as QEMU's pc_cmos_init does.
//
// Events (device "rtc"):
//   index       value = the byte written to 0x70 (bit 7: NMI disabled)
//   read        value = index << 8 | the byte read; text "update in progress" when register A
//               answered with UIP set, or a clock register was read while UIP was set
//   write       value = index << 8 | the byte written to 0x71 (before the register takes it)
//   time-set    value = the new guest time (seconds since 1970) after a guest write
// Not thread-safe.
#ifndef PORTRACE_DEVICES_PC_RTC_CMOS_H_
#define PORTRACE_DEVICES_PC_RTC_CMOS_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/device.h"
#include "sim/io_region.h"
#include "sim/machine.h"

namespace portrace::devices {

// Default base time: 2026-01-01T00:00:00 UTC, seconds since 1970.
inline constexpr int64_t kDefaultRtcBase = 1767225600;

// Parses "YYYY-MM-DDTHH:MM:SS" (UTC) into seconds since 1970. InvalidArgument otherwise.
absl::StatusOr<int64_t> ParseRtcBase(absl::string_view text);

class RtcCmos : public sim::Device {
 public:
  static absl::StatusOr<std::unique_ptr<RtcCmos>> Create(sim::Machine* machine,
                                                         int64_t base_seconds);

  absl::string_view name() const override { return "rtc"; }

  // Stores a configuration byte (index 0x0e-0x7f, not the clock or status registers).
  void SetConfigByte(uint8_t index, uint8_t value) { cmos_[index & 0x7f] = value; }
  uint8_t config_byte(uint8_t index) const { return cmos_[index & 0x7f]; }

  // The guest's time now, in nanoseconds since 1970.
  int64_t GuestTimeNs() const;

 private:
  class Ports : public sim::IoRegion {
   public:
    Ports(RtcCmos* rtc, unsigned first) : rtc_(rtc), first_(first) {}
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;
    // The data port while the index names a clock register, register A (UIP) or C (flags).
    bool FollowsClock(uint64_t offset) const override;

   private:
    RtcCmos* rtc_;
    unsigned first_;  // 0 for the index port's region, 1 for the data port's
  };

  RtcCmos(sim::Machine* machine, int64_t base_seconds);
  bool Running() const;
  bool UpdateInProgress() const;
  uint8_t Encode(int value) const;
  int Decode(uint8_t value) const;
  // Writes the clock registers from the guest time.
  void UpdateTimeRegisters();
  // Sets the guest adjustment so that the clock registers' time is now.
  void SetTimeFromRegisters();
  uint8_t ReadData();
  void WriteData(uint8_t value);
  void Publish(absl::string_view kind, uint64_t value, std::string text = "");

  sim::Machine* machine_;
  int64_t base_ns_;
  int64_t adjust_ns_ = 0;
  uint8_t index_ = 0;
  std::array<uint8_t, 128> cmos_{};
  Ports index_port_{this, 0}, data_port_{this, 1};
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PC_RTC_CMOS_H_
