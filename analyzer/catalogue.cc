#include "analyzer/catalogue.h"

#include <algorithm>

namespace portrace::analyzer {
namespace {

using S = Severity;

// Sorted by id (checked by catalogue_test). Platform ids and severities: protocol.md §h.
constexpr FindingType kCatalogue[] = {
    {"ide.absent-drive", S::kWarning, "IDE command to a drive that is not there"},
    {"ide.command-while-busy", S::kError, "IDE command written while BSY or DRQ: ignored"},
    {"ide.data-width", S::kWarning, "IDE data port accessed as a byte"},
    {"ide.data-without-drq", S::kWarning, "IDE data port accessed while DRQ is clear"},
    {"ide.dma-bus-master-off", S::kError, "IDE DMA started with PCI bus mastering off"},
    {"ide.dma-prd-unterminated", S::kWarning,
     "IDE PRD table without an end-of-table bit in its first 4 KiB"},
    {"ide.dma-without-prd", S::kError,
     "IDE DMA whose PRD table describes less than the transfer: nothing moves"},
    {"ide.lba-out-of-range", S::kError, "IDE transfer beyond the end of the medium"},
    {"ide.read-past-end", S::kWarning, "IDE data read after the transfer ended"},
    {"ide.register-write-while-busy", S::kWarning,
     "IDE task-file register written while BSY or DRQ: ignored"},
    {"ide.srst-during-transfer", S::kWarning, "IDE software reset in the middle of a transfer"},
    {"ide.unknown-command", S::kWarning, "IDE or ATAPI command the drive does not implement"},
    {"io.bad-width", S::kWarning, "access at a width the device does not accept"},
    {"io.denied", S::kWarning, "access to a port the guest's permission bitmap denies"},
    {"io.straddle", S::kWarning, "access crossing the end of a device's range"},
    {"io.unclaimed", S::kInfo, "access to a port or address no device claims"},
    {"nic.eeprom-read-aborted", S::kInfo,
     "93C46 EEPROM chip select dropped in the middle of a READ's data bits"},
    {"nic.eeprom-write-ignored", S::kWarning,
     "93C46 EEPROM write, erase or write-all: QEMU's EEPROM is read-only"},
    {"nic.remote-dma-outside-transfer", S::kWarning,
     "NE2000 data port accessed while RBCR is 0 (no remote DMA, or its count used up)"},
    {"nic.ring-bounds-invalid", S::kWarning,
     "NIC receiver started on a bad ring: NE2000 PSTART >= PSTOP or BNRY/CURR outside "
     "[PSTART, PSTOP), RTL8139 RE set with RBSTART 0"},
    {"nic.rx-ring-overflow", S::kWarning, "a NIC dropped a received frame: receive ring full"},
    {"nic.tx-bad-length", S::kWarning,
     "NIC transmitted a frame shorter than 60 or longer than 1514 bytes"},
    {"nic.tx-descriptor-reused", S::kWarning,
     "RTL8139 TSD rewritten while its OWN bit is clear: the queued, unsent frame is replaced"},
    {"nic.tx-without-bus-master", S::kError,
     "RTL8139 transmit DMA with PCI bus mastering off: the frame is not read from memory"},
    {"pc.dma-boundary-crossing", S::kWarning,
     "ISA DMA transfer programmed across a 64 KiB (16-bit channels: 128 KiB) page"},
    {"pc.pic-eoi-not-in-service", S::kWarning,
     "EOI to an 8259A with no interrupt (or not the named IRQ) in service or requested"},
    {"pc.pic-init-incomplete", S::kError,
     "8259A command written before the ICWs its ICW1 announced were all written"},
    {"pc.pit-partial-load", S::kWarning,
     "8254 channel reprogrammed or gated after only the low byte of an LSB-then-MSB count"},
    {"pc.pit-zero-count", S::kInfo, "8254 channel loaded with count 0, i.e. 65536"},
    {"pc.pm-timer-width", S::kWarning,
     "ACPI PM timer read at a width other than 4 bytes: part of the 24-bit count"},
    {"pc.reset-request", S::kInfo, "guest asked for a system reset (port 0x92 or the i8042)"},
    {"pc.rtc-index-without-data", S::kInfo,
     "CMOS index written to 0x70 and replaced before any 0x71 access (NMI masking does this)"},
    {"pc.rtc-read-during-update", S::kWarning,
     "RTC time register read while register A's UIP bit is set"},
    {"pc.uart-divisor-zero", S::kWarning, "16550 divisor latch left at 0 when DLAB is cleared"},
    {"platform.absent-device-traffic", S::kError,
     "protocol traffic while no platform device answers"},
    {"platform.bar-log-unplug", S::kWarning,
     "BAR+8 log byte 0x01/0x02: upstream QEMU unplugs instead of logging"},
    {"platform.build-before-product", S::kError, "build number written before the product number"},
    {"platform.build-negative", S::kWarning,
     "build number >= 2^31: qemu-trad formats it signed, the blacklist key will not match"},
    {"platform.continue-after-mismatch", S::kError,
     "driver went on after the magic read gave neither 0x49d2 nor 0xd249"},
    {"platform.ident-after-version0", S::kWarning,
     "product/build written although the protocol version was 0"},
    {"platform.ident-without-version", S::kWarning,
     "product/build written without reading the protocol version first"},
    {"platform.legacy-unplug", S::kInfo, "legacy SUSE/VMDP unplug-all write of 1 to BAR+4"},
    {"platform.log-before-magic", S::kWarning, "log bytes before the magic check"},
    {"platform.log-interleaved", S::kWarning, "log bytes from several sources garble one line"},
    {"platform.log-nonprintable", S::kInfo, "control or non-printable bytes in a log line"},
    {"platform.log-overlong", S::kWarning, "log line longer than the 4095-byte buffer"},
    {"platform.log-throttled", S::kWarning,
     "log flush the token bucket cannot pay for: the vCPU would stall"},
    {"platform.log-unterminated", S::kInfo, "log line without a newline"},
    {"platform.log-width", S::kError, "log write at a width other than 1 byte"},
    {"platform.magic-not-rechecked", S::kWarning,
     "magic not re-read after the build write, before the unplug"},
    {"platform.magic-width", S::kError, "magic read at a width other than 2 bytes"},
    {"platform.product-collision", S::kInfo,
     "product number 3, which Linux and XenServer v2 drivers decode differently"},
    {"platform.product-experimental", S::kWarning,
     "product number 0xffff, reserved for unreleased development drivers"},
    {"platform.product-unregistered", S::kWarning,
     "product number not in the registry: the blacklist cannot match it"},
    {"platform.product-zero", S::kError, "product number 0"},
    {"platform.repeated-handshake", S::kInfo,
     "handshake or unplug repeated within one boot without a resume marker"},
    {"platform.string-io", S::kWarning, "string I/O (REP INS/OUTS) to the platform ports"},
    {"platform.unplug-after-enumeration", S::kWarning,
     "unplug after the affected devices were enumerated or used"},
    {"platform.unplug-mask-odd", S::kInfo, "unplug mask 0, or with bits 0 and 2 together"},
    {"platform.unplug-unknown-bits", S::kWarning, "unplug mask with bits the device ignores"},
    {"platform.use-after-blacklist", S::kError,
     "unplug or other protocol use after the magic read 0xd249"},
    {"platform.use-after-unplug", S::kError, "access to a device after it was unplugged"},
    {"platform.version-width", S::kError, "protocol version read at a width other than 1 byte"},
    {"platform.width-confusion", S::kError,
     "access at 0x10 whose width changes its meaning (ROM lock, build number)"},
    {"platform.write-before-magic", S::kError, "protocol write before the first magic read"},
    {"replay.clock-divergence", S::kInfo,
     "a read whose value depends on time (a clock, a timer, host I/O) differs in an untimed trace"},
    {"replay.divergence", S::kError,
     "the trace recorded a read value that differs from the model's"},
};

}  // namespace

absl::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kError:
      return "error";
  }
  return "unknown";
}

absl::Span<const FindingType> Catalogue() { return kCatalogue; }

const FindingType* FindFindingType(absl::string_view id) {
  const auto it = std::lower_bound(
      std::begin(kCatalogue), std::end(kCatalogue), id,
      [](const FindingType& type, absl::string_view key) { return type.id < key; });
  if (it == std::end(kCatalogue) || it->id != id) return nullptr;
  return it;
}

}  // namespace portrace::analyzer
