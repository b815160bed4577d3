// Pit: the 8254 programmable interval timer at 0x40-0x43 and the PC speaker/NMI status port
// 0x61 that gates its channel 2, as QEMU 7.2 (hw/timer/i8254*.c, hw/audio/pcspk.c) answers them.
// The counters run on the machine's virtual clock at 1.193182 MHz: a count is loaded at the
// time of the write and read back as the time elapsed since then implies (modes 0-5, binary; modes 6 and 7 behave as QEMU treats them; the
// BCD bit is stored but, as in QEMU, not applied). Control words select a channel's access mode
// (LSB, MSB, LSB then MSB), latch a count, or (channel field 3) read back counts and status of
// several channels. Port 0x43 reads 0. Channel 0 drives IRQ 0 through the machine's IrqLines,
// with a virtual-clock timer at each output transition. Channel 2's gate is port 0x61 bit 0;
// 0x61 reads gate | speaker data << 1 | a refresh bit that toggles on every read (bit 4) |
// channel 2's output << 5.
//
// Events (device "pit"):
//   load     value = channel << 24 | mode << 20 | the count as written (0 = 65536)
//   load-low value = channel << 8 | the byte, for the low byte of an LSB-then-MSB load (the
//            count only loads with the high byte, as a `load` event)
//   control  value = the control byte written to 0x43
//   gate     value = port 0x61 byte written
// Not thread-safe.
#ifndef PORTRACE_DEVICES_PC_PIT_H_
#define PORTRACE_DEVICES_PC_PIT_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/device.h"
#include "sim/io_region.h"
#include "sim/machine.h"
#include "sim/virtual_clock.h"

namespace portrace::devices {

inline constexpr uint64_t kPitFrequencyHz = 1193182;

class Pit : public sim::Device {
 public:
  // Maps 0x40-0x43 and 0x61.
  static absl::StatusOr<std::unique_ptr<Pit>> Create(sim::Machine* machine);
  ~Pit() override;

  absl::string_view name() const override { return "pit"; }

  // Channel `channel`'s count and output now (for tests and the speaker port).
  uint32_t Count(int channel) const;
  bool Output(int channel) const;

 private:
  struct Channel {
    uint32_t count = 0x10000;  // 1 .. 0x10000
    uint16_t latched_count = 0;
    uint8_t count_latched = 0;  // an access mode, 0 when nothing is latched
    bool status_latched = false;
    uint8_t status = 0;
    uint8_t read_state = 0, write_state = 0, write_latch = 0, rw_mode = 0;
    uint8_t mode = 3;
    bool bcd = false;
    bool gate = true;
    uint64_t load_time = 0;
  };
  class Ports : public sim::IoRegion {
   public:
    explicit Ports(Pit* pit) : pit_(pit) {}
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;
    // The counters (and their latched counts and status, taken at some time).
    bool FollowsClock(uint64_t offset) const override { return offset < 3; }

   private:
    Pit* pit_;
  };
  class SpeakerPort : public sim::IoRegion {
   public:
    explicit SpeakerPort(Pit* pit) : pit_(pit) {}
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;
    // Bit 5 is channel 2's output.
    bool FollowsClock(uint64_t offset) const override { return true; }

   private:
    Pit* pit_;
    uint8_t refresh_ = 0;
    bool data_on_ = false;
  };

  explicit Pit(sim::Machine* machine);
  uint64_t Ticks(const Channel& c) const;
  uint32_t CountOf(const Channel& c) const;
  bool OutputOf(const Channel& c, uint64_t d) const;
  void Load(int channel, uint32_t value);
  void Latch(Channel& c);
  void SetGate(int channel, bool gate);
  // Channel 0: drives IRQ 0 to its output and schedules the next transition.
  void UpdateIrq();
  void Publish(absl::string_view kind, uint64_t value, std::string text = "");

  sim::Machine* machine_;
  std::array<Channel, 3> channels_;
  Ports ports_{this};
  SpeakerPort speaker_{this};
  sim::VirtualClock::TimerId timer_ = 0;
  bool timer_armed_ = false;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PC_PIT_H_
