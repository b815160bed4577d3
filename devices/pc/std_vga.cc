#include "devices/pc/std_vga.h"

#include <utility>

#include "base/status_macros.h"

namespace portrace::devices {
namespace {

PciIdentity VgaIdentity() {
  PciIdentity id;
  id.vendor_id = 0x1234;
  id.device_id = 0x1111;
  id.revision = 0x02;
  id.class_code = 0x030000;
  return id;
}

}  // namespace

StdVga::StdVga() : PciFunction("vga", VgaIdentity()) {
  for (int i = 0; i < 4; ++i) SetWritableMask(kPciRomAddress + i, RomMask::Byte(64 << 10, i));
}

absl::StatusOr<std::unique_ptr<StdVga>> StdVga::Create() {
  std::unique_ptr<StdVga> vga(new StdVga());
  const struct {
    int index;
    uint64_t size;
    bool prefetchable;
    const char* name;
  } bars[] = {{0, 16 << 20, true, "vga.vram"}, {2, 4096, false, "vga.mmio"}};
  for (const auto& b : bars) {
    PciBar bar;
    bar.kind = PciBarKind::kMem32;
    bar.size = b.size;
    bar.prefetchable = b.prefetchable;
    bar.region = &vga->all_ones_;
    bar.rules = sim::AccessRules::Ops(1, 4, false, 1, 4, false);
    bar.name = b.name;
    PT_RETURN_IF_ERROR(vga->SetBar(b.index, std::move(bar)));
  }
  return vga;
}

}  // namespace portrace::devices
