#include "devices/pci/piix3.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace portrace::devices {
namespace {

constexpr uint8_t kResetRequest = 0x04;
constexpr uint8_t kResetKeptBits = 0x02;

PciIdentity Piix3Identity() {
  PciIdentity id;
  id.vendor_id = 0x8086;
  id.device_id = 0x7000;
  id.class_code = 0x060100;  // ISA bridge
  id.header_type = 0x80;     // multi-function: IDE at .1, PM at .3
  id.status = 0x0200;        // DEVSEL medium
  return id;
}

// Device-specific reset values (QEMU piix3_reset), as QEMU's config dump shows them.
constexpr struct {
  uint8_t offset;
  uint8_t value;
} kResetBytes[] = {
    {0x4c, 0x4d}, {0x4e, 0x03},                              // IORT, XBCS
    {0x60, 0x80}, {0x61, 0x80}, {0x62, 0x80}, {0x63, 0x80},  // PIRQA-D routing: disabled
    {0x69, 0x02},                                            // TOM
    {0x70, 0x80},                                            // MBIRQ0
    {0x76, 0x0c}, {0x77, 0x0c},                              // MBDMA0-1
    {0x78, 0x02},                                            // PCSC
    {0xa0, 0x08},                                            // SMICNTL
    {0xa8, 0x0f},                                            // FTMR
};

}  // namespace

Piix3::Piix3() : PciFunction("piix3", Piix3Identity()), reset_control_(this) {
  for (const auto& b : kResetBytes) SetConfigByte(b.offset, b.value);
}

void Piix3::ResetControl::Write(uint64_t offset, unsigned width, uint64_t value) {
  const uint8_t byte = static_cast<uint8_t>(value);
  if (byte & kResetRequest) {
    piix3_->Publish("reset-request", byte, "system reset requested (portrace does not reset)");
    return;
  }
  value_ = byte & kResetKeptBits;
}

void Piix3::OnConfigWrite(unsigned offset, unsigned width, uint32_t value) {
  if (!(offset < kPiix3PirqRoute + 4 && offset + width > kPiix3PirqRoute)) return;
  std::vector<std::string> parts;
  uint64_t routes = 0;
  for (int i = 0; i < 4; ++i) {
    const uint8_t route = config_byte(kPiix3PirqRoute + i);
    routes |= uint64_t{route} << (8 * i);
    const std::string pirq = absl::StrCat("PIRQ", std::string(1, static_cast<char>('A' + i)));
    parts.push_back((route & 0x80) ? absl::StrCat(pirq, " off")
                                   : absl::StrCat(pirq, " irq ", route & 0x0f));
  }
  Publish("pirq-route", routes, absl::StrJoin(parts, ", "));
}

}  // namespace portrace::devices
