#include "devices/nic/ne2k_pci.h"

#include <utility>

#include "base/status_macros.h"

namespace portrace::devices {
namespace {

constexpr uint32_t kRomSize = 256 << 10;

PciIdentity Ne2kIdentity() {
  PciIdentity id;
  id.vendor_id = 0x10ec;
  id.device_id = 0x8029;
  id.class_code = 0x020000;
  id.interrupt_pin = 1;
  return id;
}

}  // namespace

Ne2kPci::Ne2kPci(const NicOptions& options) : PciFunction("ne2k_pci", Ne2kIdentity()), options_(options) {
  const uint32_t rom_mask = ~(kRomSize - 1) | 1u;
  for (int i = 0; i < 4; ++i) {
    SetWritableMask(kPciRomAddress + i, static_cast<uint8_t>(rom_mask >> (8 * i)));
  }
}

absl::StatusOr<std::unique_ptr<Ne2kPci>> Ne2kPci::Create(const NicOptions& options) {
  std::unique_ptr<Ne2kPci> nic(new Ne2kPci(options));
  PciBar bar;
  bar.kind = PciBarKind::kIo;
  bar.size = 256;
  bar.region = &nic->all_ones_;
  bar.rules = sim::AccessRules::Ops(1, 4, false, 1, 4, false);
  bar.name = "ne2000";
  PT_RETURN_IF_ERROR(nic->SetBar(0, std::move(bar)));
  return nic;
}

}  // namespace portrace::devices
