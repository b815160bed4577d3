#include "devices/nic/ne2k_pci.h"

#include <utility>

#include "base/status_macros.h"

namespace portrace::devices {
namespace {

constexpr uint32_t kRomSize = 256 << 10;
constexpr char kName[] = "ne2k_pci";

PciIdentity Ne2kIdentity() {
  PciIdentity id;
  id.vendor_id = 0x10ec;
  id.device_id = 0x8029;
  id.class_code = 0x020000;
  id.interrupt_pin = 1;
  return id;
}

}  // namespace

Ne2kPci::Ne2kPci(const NicOptions& options, sim::Machine* machine, IntxRouter router)
    : PciFunction(kName, Ne2kIdentity()),
      options_(options),
      machine_(machine),
      router_(std::move(router)) {
  const uint32_t rom_mask = ~(kRomSize - 1) | 1u;
  for (int i = 0; i < 4; ++i) {
    SetWritableMask(kPciRomAddress + i, static_cast<uint8_t>(rom_mask >> (8 * i)));
  }
  core_ = std::make_unique<Ne2000Core>(kName, options.mac,
                                       machine == nullptr ? nullptr : &machine->events(),
                                       [this](bool level) { SetIntx(level); });
}

absl::StatusOr<std::unique_ptr<Ne2kPci>> Ne2kPci::Create(const NicOptions& options,
                                                         sim::Machine* machine,
                                                         IntxRouter router) {
  std::unique_ptr<Ne2kPci> nic(new Ne2kPci(options, machine, std::move(router)));
  PciBar bar;
  bar.kind = PciBarKind::kIo;
  bar.size = 256;
  bar.region = nic->core_.get();
  bar.rules = Ne2000Core::rules();
  bar.name = "ne2000";
  PT_RETURN_IF_ERROR(nic->SetBar(0, std::move(bar)));
  return nic;
}

sim::RxResult Ne2kPci::ReceiveFrame(absl::Span<const uint8_t> frame) {
  if (removed()) return sim::RxResult::Refused("unplugged");
  return core_->ReceiveFrame(frame);
}

void Ne2kPci::SetIntx(bool level) {
  if (machine_ == nullptr || !router_ || devfn() < 0) return;
  const int line = level ? router_(devfn(), 1) : -1;
  if (line == driven_line_) return;
  if (driven_line_ >= 0) machine_->irq().Set(kName, driven_line_, false);
  driven_line_ = line;
  if (line >= 0) machine_->irq().Set(kName, line, true);
}

}  // namespace portrace::devices
