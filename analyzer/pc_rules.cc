#include "analyzer/pc_rules.h"

#include <array>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "trace/event.h"

namespace portrace::analyzer {
namespace {

// A rule that watches the events of one device.
class DeviceRule : public Rule {
 public:
  explicit DeviceRule(absl::string_view device) : device_(device) {}

  void OnEvent(const sim::ReplayedEvent& event, FindingEmitter& out) override {
    for (const sim::DeviceEvent& d : event.device_events) {
      if (d.device == device_) OnDeviceEvent(event, d, out);
    }
  }

 protected:
  virtual void OnDeviceEvent(const sim::ReplayedEvent& event, const sim::DeviceEvent& d,
                             FindingEmitter& out) = 0;

 private:
  absl::string_view device_;
};

const char* ChipName(uint64_t chip) { return chip == 0 ? "master" : "slave"; }
uint64_t CommandPort(uint64_t chip) { return chip == 0 ? 0x20 : 0xa0; }

// pc.pic-eoi-not-in-service and pc.pic-init-incomplete.
//
// The ICW sequence: ICW1 announces ICW3 (unless bit 1, single) and ICW4 (if bit 0); the chip takes
// every data-port write as the next ICW until the last one arrives. An OCW written to the command
// port in between is obeyed, but the mask the driver writes next becomes an ICW. The model
// acknowledges no interrupts (no CPU), so an EOI is "not in service" only when the chip has
// neither the ISR nor the IRR bit that could account for it (the device's note), and only once
// virtual time has advanced: at t = 0 (a QEMU trace log, say) the PIT and RTC have raised
// nothing, and SeaBIOS's timer-handler EOI would be a false alarm.
class PicRule : public DeviceRule {
 public:
  PicRule() : DeviceRule("pic") {}
  absl::string_view name() const override { return "pc.pic"; }

 protected:
  void OnDeviceEvent(const sim::ReplayedEvent& event, const sim::DeviceEvent& d,
                     FindingEmitter& out) override {
    const uint64_t chip = (d.kind == "icw" ? d.value >> 16 : d.value >> 8) & 1;
    const uint8_t byte = d.value & 0xff;
    Init& init = init_[chip];
    if (d.kind == "icw1") {
      if (init.next != 0) {
        ReportIncomplete(chip, "a new ICW1", "the first sequence is abandoned", out);
      }
      init = Init{NextAfter(byte, 1), byte, event.index};
    } else if (d.kind == "icw") {
      init.next = NextAfter(init.icw1, (d.value >> 8) & 0xff);
    } else if (d.kind == "ocw" || d.kind == "eoi") {
      if (init.next != 0) {
        // Later OCWs before the sequence ends fold into this finding (same key).
        ReportIncomplete(chip, absl::StrFormat("OCW 0x%02x", byte),
                         absl::StrFormat("the next data-port write (0x%02x) becomes ICW%d, not "
                                         "the interrupt mask",
                                         CommandPort(chip) + 1, init.next),
                         out);
      }
      // Before virtual time runs (all of a capture without timestamps) the model's interrupt
      // sources cannot have requested anything, so "nothing requested" says nothing.
      if (d.kind == "eoi" && !d.text.empty() && event.t_ns > 0) ReportEoi(chip, byte, out);
    }
  }

 private:
  struct Init {
    int next = 0;  // the ICW the chip waits for (2-4), 0 when initialised
    uint8_t icw1 = 0;
    uint64_t icw1_event = 0;
  };

  // The ICW expected after ICW `n` of a sequence that ICW1 `icw1` announced; 0 after the last.
  static int NextAfter(uint8_t icw1, uint64_t n) {
    const bool single = icw1 & 2, icw4 = icw1 & 1;
    if (n == 1) return 2;
    if (n == 2 && !single) return 3;
    if (n <= 3 && icw4) return 4;
    return 0;
  }

  void ReportIncomplete(uint64_t chip, absl::string_view what, absl::string_view consequence,
                        FindingEmitter& out) {
    const Init& init = init_[chip];
    out.Emit("pc.pic-init-incomplete",
             absl::StrFormat("%s written to the %s PIC (0x%02x) while it still waits for ICW%d "
                             "of the sequence ICW1 0x%02x started at #%u: %s",
                             what, ChipName(chip), CommandPort(chip), init.next, init.icw1,
                             init.icw1_event, consequence),
             absl::StrCat("chip", chip));
  }

  static void ReportEoi(uint64_t chip, uint8_t ocw2, FindingEmitter& out) {
    const bool specific = (ocw2 >> 5) & 2;
    std::string message;
    if (specific) {
      message = absl::StrFormat(
          "specific EOI 0x%02x to the %s PIC for IRQ %u, which is neither in service nor "
          "requested: a wrong IRQ number leaves the real in-service bit set and blocks its "
          "priority level",
          ocw2, ChipName(chip), chip * 8 + (ocw2 & 7));
    } else {
      message = absl::StrFormat(
          "non-specific EOI 0x%02x to the %s PIC with no interrupt in service or requested: "
          "a handler that EOIs twice, or the wrong chip",
          ocw2, ChipName(chip));
    }
    out.Emit("pc.pic-eoi-not-in-service", std::move(message),
             absl::StrCat("chip", chip, specific ? "-specific" : "-nonspecific"));
  }

  std::array<Init, 2> init_;
};

// pc.pit-zero-count and pc.pit-partial-load.
class PitRule : public DeviceRule {
 public:
  PitRule() : DeviceRule("pit") {}
  absl::string_view name() const override { return "pc.pit"; }

 protected:
  void OnDeviceEvent(const sim::ReplayedEvent& event, const sim::DeviceEvent& d,
                     FindingEmitter& out) override {
    if (d.kind == "load-low") {
      const uint64_t channel = (d.value >> 8) & 3;
      if (channel < 3) low_[channel] = Low{true, static_cast<uint8_t>(d.value), event.index};
    } else if (d.kind == "load") {
      const uint64_t channel = (d.value >> 24) & 3;
      const uint64_t mode = (d.value >> 20) & 7;
      if (channel < 3) low_[channel].pending = false;
      if ((d.value & 0xffff) == 0) {
        out.Emit("pc.pit-zero-count",
                 absl::StrFormat(
                     "PIT channel %u (mode %u) loaded with count 0, which the 8254 "
                     "and QEMU count as 65536 (%s)",
                     channel, mode,
                     channel == 0 ? "an 18.2 Hz tick, the BIOS default" : "the longest period"),
                 absl::StrCat("ch", channel));
      }
    } else if (d.kind == "control") {
      const uint8_t control = d.value & 0xff;
      const int channel = control >> 6;
      if (channel == 3 || ((control >> 4) & 3) == 0) return;  // read-back, latch: no reprogram
      if (!low_[channel].pending) return;
      ReportPartial(channel, absl::StrFormat("reprogrammed by control word 0x%02x", control), out);
    } else if (d.kind == "gate") {
      const bool gate = d.value & 1;
      if (gate && !gate2_ && low_[2].pending) {
        ReportPartial(2, absl::StrFormat("gated on through port 0x61 (0x%02x)", d.value), out);
      }
      gate2_ = gate;
    }
  }

 private:
  struct Low {
    bool pending = false;
    uint8_t byte = 0;
    uint64_t event = 0;
  };

  void ReportPartial(int channel, absl::string_view what, FindingEmitter& out) {
    Low& low = low_[channel];
    out.Emit("pc.pit-partial-load",
             absl::StrFormat("PIT channel %d %s after only the low byte 0x%02x (#%u) of its "
                             "LSB-then-MSB count: the count never loaded%s",
                             channel, what, low.byte, low.event,
                             channel == 2 ? "" : ", the channel runs on with the old one"),
             absl::StrCat("ch", channel));
    low.pending = false;
  }

  std::array<Low, 3> low_;
  bool gate2_ = false;
};

// pc.rtc-read-during-update and pc.rtc-index-without-data.
class RtcRule : public DeviceRule {
 public:
  RtcRule() : DeviceRule("rtc") {}
  absl::string_view name() const override { return "pc.rtc"; }

 protected:
  void OnDeviceEvent(const sim::ReplayedEvent& event, const sim::DeviceEvent& d,
                     FindingEmitter& out) override {
    if (d.kind == "index") {
      const uint8_t byte = d.value & 0xff;
      if (index_pending_) {
        const bool nmi_only = ((index_ ^ byte) & 0x80) != 0;
        out.EmitAt("pc.rtc-index-without-data", index_event_, index_t_ns_,
                   absl::StrFormat("index 0x%02x written to port 0x70 and replaced by 0x%02x "
                                   "(#%u) without a 0x71 access in between%s",
                                   index_, byte, event.index,
                                   nmi_only ? ": bit 7 changed, the known way of masking NMIs "
                                              "through 0x70"
                                            : ""),
                   nmi_only ? "nmi" : "index");
      }
      index_pending_ = true;
      index_ = byte;
      index_event_ = event.index;
      index_t_ns_ = event.t_ns;
    } else if (d.kind == "read" || d.kind == "write") {
      index_pending_ = false;
      const uint64_t reg = (d.value >> 8) & 0xff;
      if (d.kind == "read" && reg != 0x0a && d.text == "update in progress") {
        out.Emit("pc.rtc-read-during-update",
                 absl::StrFormat("RTC time register 0x%02x (%s) read as 0x%02x in the last 244 us "
                                 "of a second, while register A's UIP bit is set: the update may "
                                 "change it under the reader (wait for UIP clear, or read twice "
                                 "and compare)",
                                 reg, TimeRegisterName(reg), d.value & 0xff),
                 "uip");
      }
    }
  }

 private:
  static const char* TimeRegisterName(uint64_t reg) {
    switch (reg) {
      case 0x00:
        return "seconds";
      case 0x02:
        return "minutes";
      case 0x04:
        return "hours";
      case 0x06:
        return "day of week";
      case 0x07:
        return "day of month";
      case 0x08:
        return "month";
      case 0x09:
        return "year";
      case 0x32:
        return "century";
      default:
        return "time";
    }
  }

  bool index_pending_ = false;
  uint8_t index_ = 0;
  uint64_t index_event_ = 0;
  uint64_t index_t_ns_ = 0;
};

// pc.uart-divisor-zero: the divisor latch holds 0 when the driver clears DLAB after writing it.
// (QEMU ignores a zero divisor and keeps the previous speed; a real 16550 does not divide by 0.)
class UartRule : public DeviceRule {
 public:
  UartRule() : DeviceRule("uart") {}
  absl::string_view name() const override { return "pc.uart"; }

 protected:
  void OnDeviceEvent(const sim::ReplayedEvent& event, const sim::DeviceEvent& d,
                     FindingEmitter& out) override {
    if (d.kind == "divisor") {
      divisor_ = d.value & 0xffff;
      divisor_written_ = true;
    } else if (d.kind == "lcr") {
      const bool dlab = d.value & 0x80;
      if (dlab_ && !dlab && divisor_written_ && divisor_ == 0) {
        out.Emit("pc.uart-divisor-zero",
                 absl::StrFormat("DLAB cleared (LCR 0x%02x) with divisor latch 0: no baud rate "
                                 "divides by 0 (QEMU keeps the previous speed)",
                                 d.value & 0xff),
                 "zero");
      }
      if (dlab && !dlab_) divisor_written_ = false;
      dlab_ = dlab;
    }
  }

 private:
  bool dlab_ = false;
  bool divisor_written_ = false;
  uint64_t divisor_ = 0;
};

// pc.reset-request: a marker where the guest asked the chipset to reset the machine.
class ResetRule : public Rule {
 public:
  absl::string_view name() const override { return "pc.reset"; }

  void OnEvent(const sim::ReplayedEvent& event, FindingEmitter& out) override {
    bool i8042_command = false;
    for (const sim::DeviceEvent& d : event.device_events) {
      if (d.device == "i8042" && d.kind == "command") i8042_command = true;
      if (d.kind != "reset-request") continue;
      if (d.device == "port92") {
        out.Emit("pc.reset-request",
                 absl::StrFormat("fast reset: port 0x92 written with bit 0 set (0x%02x)",
                                 d.value & 0xff));
      } else if (d.device == "i8042") {
        out.Emit("pc.reset-request",
                 i8042_command
                     ? absl::StrFormat("reset through the keyboard controller: pulse command "
                                       "0x%02x to port 0x64 (output port bit 0)",
                                       d.value & 0xff)
                     : absl::StrFormat("reset through the keyboard controller: output port "
                                       "written as 0x%02x, bit 0 clear",
                                       d.value & 0xff));
      }
    }
  }
};

// pc.pm-timer-width: a read of the ACPI PM timer (the "acpi-tmr" mapping at pm-base + 8) at a
// width other than 4. QEMU answers the bytes the access covers, so a narrower read sees only part
// of the 24-bit count.
class PmTimerRule : public Rule {
 public:
  absl::string_view name() const override { return "pc.pm-timer"; }

  void OnEvent(const sim::ReplayedEvent& event, FindingEmitter& out) override {
    for (const sim::DeviceEvent& d : event.device_events) {
      if (d.device == "piix4-pm" && d.kind == "pm-base") base_ = d.value;
    }
    if (event.event.kind != trace::PORT_READ || event.mapping != "acpi-tmr" ||
        event.event.width == 4) {
      return;
    }
    const uint64_t offset = event.event.address - base_ - 8;
    const unsigned bits = event.event.width * 8;
    out.Emit(
        "pc.pm-timer-width",
        absl::StrFormat("%u-byte read of the ACPI PM timer at 0x%x (bits %u-%u of the "
                        "24-bit count)%s: read it as a dword",
                        event.event.width, event.event.address, offset * 8, offset * 8 + bits - 1,
                        offset == 0 && bits == 16 ? ", which wraps every 18.3 ms" : ""),
        absl::StrCat("w", event.event.width));
  }

 private:
  uint64_t base_ = 0;
};

// pc.dma-boundary-crossing: an ISA DMA channel unmasked with a transfer whose range crosses its
// page (64 KiB; 128 KiB on the 16-bit channels 5-7). A real 8237 only counts the low 16 address
// bits, so the transfer wraps to the start of the page; QEMU carries on into the next page, so a
// driver that works on QEMU corrupts memory on hardware (the classic floppy/SB16 buffer bug).
class DmaRule : public Rule {
 public:
  absl::string_view name() const override { return "pc.dma"; }

  void OnEvent(const sim::ReplayedEvent& event, FindingEmitter& out) override {
    for (const sim::DeviceEvent& d : event.device_events) {
      if ((d.device != "dma1" && d.device != "dma2") || d.kind != "boundary-crossing") continue;
      out.Emit("pc.dma-boundary-crossing",
               absl::StrFormat("%s: the transfer crosses a DMA page; a real 8237 wraps within "
                               "the page, QEMU does not",
                               d.text),
               absl::StrCat("ch", d.value));
    }
  }
};

}  // namespace

std::vector<std::unique_ptr<Rule>> CreatePcRules() {
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(std::make_unique<PicRule>());
  rules.push_back(std::make_unique<PitRule>());
  rules.push_back(std::make_unique<RtcRule>());
  rules.push_back(std::make_unique<UartRule>());
  rules.push_back(std::make_unique<ResetRule>());
  rules.push_back(std::make_unique<PmTimerRule>());
  rules.push_back(std::make_unique<DmaRule>());
  return rules;
}

}  // namespace portrace::analyzer
