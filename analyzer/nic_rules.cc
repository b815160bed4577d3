#include "analyzer/nic_rules.h"

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace portrace::analyzer {
namespace {

bool IsNe2000(absl::string_view device) { return device == "ne2k_pci" || device == "ne2k_isa"; }

// Ethernet frame limits without the FCS: the minimum a transmitter must pad to, the maximum
// untagged frame.
constexpr uint64_t kMinFrame = 60;
constexpr uint64_t kMaxFrame = 1514;

class NicRule : public Rule {
 public:
  absl::string_view name() const override { return "nic"; }

  void OnEvent(const sim::ReplayedEvent& event, FindingEmitter& out) override {
    for (const sim::DeviceEvent& d : event.device_events) {
      const bool ne2000 = IsNe2000(d.device);
      if (!ne2000 && d.device != "rtl8139") continue;
      if (d.kind == "tx" || d.kind == "tx-loopback") {
        TxLength(d, out);
      } else if (ne2000 && d.kind == "data-idle") {
        out.Emit("nic.remote-dma-outside-transfer",
                 absl::StrFormat("%s: %u-byte %s of the NE2000 data port while RBCR is 0 (no "
                                 "remote DMA programmed, or its count used up): %s",
                                 d.device, d.value, d.text,
                                 d.text == "write" ? "the write is dropped"
                                                   : "the read moves RSAR past the transfer"),
                 absl::StrCat(d.device, "-", d.text));
      } else if (ne2000 && d.kind == "start") {
        Ne2000Start(d, out);
      } else if (d.kind == "rx-enable" && d.value == 0) {
        out.Emit("nic.ring-bounds-invalid",
                 absl::StrFormat("%s: receiver enabled (CR RE) with RBSTART 0: received frames "
                                 "are written by DMA to guest address 0",
                                 d.device),
                 absl::StrCat(d.device, "-rbstart"));
      } else if (d.kind == "rx-overflow") {
        out.Emit("nic.rx-ring-overflow",
                 absl::StrFormat("%s: %u-byte frame dropped, the receive ring is full (%s)",
                                 d.device, d.value,
                                 ne2000 ? "CURR would pass BNRY: the driver has not moved BNRY "
                                          "past the frames it read; QEMU raises no ISR OVW"
                                        : "ISR RxOverflow, MPC counted; no frame is taken "
                                          "until CAPR is written"),
                 d.device);
      } else if (d.kind == "eeprom-command") {
        EepromCommand(d, out);
      } else if (d.kind == "eeprom-read-aborted") {
        out.Emit("nic.eeprom-read-aborted",
                 absl::StrFormat("%s: 93C46 chip select dropped after %u of a READ's 16 data bits "
                                 "(the word read so far is incomplete)",
                                 d.device, d.value),
                 d.device);
      } else if (d.kind == "tsd-pending") {
        out.Emit("nic.tx-descriptor-reused",
                 absl::StrFormat("%s: TSD%u rewritten while its OWN bit is clear: the %u-byte "
                                 "frame queued in it was never sent (descriptors go out in "
                                 "order, from the current one, while TE is on)",
                                 d.device, d.value >> 16, d.value & 0x1fff),
                 absl::StrCat(d.device, "-tsd", d.value >> 16));
      } else if (d.kind == "tx-no-bus-master") {
        out.Emit("nic.tx-without-bus-master",
                 absl::StrFormat("%s: %u-byte transmit while PCI command bit 2 (bus master) is "
                                 "clear: the NIC cannot read the frame from memory (QEMU sends "
                                 "what it did not read)",
                                 d.device, d.value),
                 d.device);
      }
    }
  }

 private:
  // WRITE, ERASE, ERAL and WRAL change nothing: QEMU's 93C46 (and so portrace's) is read-only, and
  // real parts also ignore them until EWEN.
  static void EepromCommand(const sim::DeviceEvent& d, FindingEmitter& out) {
    const uint64_t opcode = (d.value >> 6) & 3, extended = (d.value >> 4) & 3;
    const bool writes =
        opcode == 1 || opcode == 3 || (opcode == 0 && (extended == 1 || extended == 2));
    if (!writes) return;
    out.Emit("nic.eeprom-write-ignored",
             absl::StrFormat("%s: 93C46 %s: QEMU's EEPROM is read-only, the contents do not "
                             "change",
                             d.device, d.text),
             d.device);
  }

  static void TxLength(const sim::DeviceEvent& d, FindingEmitter& out) {
    if (d.value >= kMinFrame && d.value <= kMaxFrame) return;
    const bool runt = d.value < kMinFrame;
    out.Emit("nic.tx-bad-length",
             absl::StrFormat("%s: %s%s frame of %u bytes (%s)", d.device,
                             d.kind == "tx-loopback" ? "loopback " : "", runt ? "runt" : "oversize",
                             d.value,
                             runt ? "below the Ethernet minimum of 60 without FCS: the driver "
                                    "must pad it"
                                  : "above the 1514-byte Ethernet maximum without FCS"),
             absl::StrCat(d.device, runt ? "-runt" : "-oversize"));
  }

  static void Ne2000Start(const sim::DeviceEvent& d, FindingEmitter& out) {
    const unsigned pstart = (d.value >> 24) & 0xff, pstop = (d.value >> 16) & 0xff;
    const unsigned bnry = (d.value >> 8) & 0xff, curr = d.value & 0xff;
    std::string problem;
    const char* key;
    if (pstart >= pstop) {
      key = "-order";
      problem = absl::StrFormat(
          "PSTART 0x%02x is not below PSTOP 0x%02x: the ring is empty "
          "and every frame is refused",
          pstart, pstop);
    } else if (bnry < pstart || bnry >= pstop || curr < pstart || curr >= pstop) {
      key = "-pointers";
      problem = absl::StrFormat(
          "BNRY 0x%02x / CURR 0x%02x not both in the ring [0x%02x, "
          "0x%02x)",
          bnry, curr, pstart, pstop);
    } else {
      return;
    }
    out.Emit("nic.ring-bounds-invalid",
             absl::StrFormat("%s: NE2000 started (CR STA) with a bad receive ring: %s", d.device,
                             problem),
             absl::StrCat(d.device, key));
  }
};

}  // namespace

std::unique_ptr<Rule> CreateNicRules() { return std::make_unique<NicRule>(); }

}  // namespace portrace::analyzer
