#include "devices/pc/std_vga.h"

#include <utility>

#include "base/status_macros.h"
#include "devices/pc/edid.h"

namespace portrace::devices {
namespace {

PciIdentity VgaIdentity() {
  PciIdentity id;
  id.vendor_id = 0x1234;
  id.device_id = 0x1111;
  id.revision = 0x02;  // QEMU's extended registers present
  id.class_code = 0x030000;
  return id;
}

// The VGA port offset (from 0x3b0) of offset 0 of the MMIO ioports window.
constexpr uint32_t kIoportsFirstPort = 0x3c0 - kVgaPortBase;

}  // namespace

StdVga::StdVga()
    : PciFunction("vga", VgaIdentity()),
      core_([this](absl::string_view kind, uint64_t value, std::string text) {
        Publish(kind, value, std::move(text));
      }),
      edid_(GenerateEdid(EdidInfo(), kStdVgaEdidSize)) {
  for (int i = 0; i < 4; ++i) SetWritableMask(kPciRomAddress + i, RomMask::Byte(64 << 10, i));
}

absl::StatusOr<std::unique_ptr<StdVga>> StdVga::Create(sim::Machine* machine) {
  std::unique_ptr<StdVga> vga(new StdVga());
  PT_RETURN_IF_ERROR(vga->core_.MapLegacy(machine));

  PciBar vram;
  vram.kind = PciBarKind::kMem32;
  vram.size = VgaCore::kVramSize;
  vram.prefetchable = true;
  vram.region = vga->core_.vram_region();
  vram.rules = VgaCore::vram_rules();
  vram.name = "vga.vram";
  PT_RETURN_IF_ERROR(vga->SetBar(0, std::move(vram)));

  // QEMU's MemoryRegionOps of each part of vga.mmio.
  PciBar mmio;
  mmio.kind = PciBarKind::kMem32;
  mmio.size = kStdVgaMmioSize;
  mmio.region = &vga->gap_;
  mmio.rules = sim::AccessRules::Ops(1, 4, false, 1, 4);  // unassigned_io_ops
  mmio.name = "vga.mmio";
  mmio.parts = {
      {0, kStdVgaEdidSize, &vga->edid_region_, sim::AccessRules::Ops(1, 4, false, 1, 1),
       "vga.edid"},
      {kStdVgaIoportsOffset, kStdVgaIoportsSize, &vga->ioports_region_,
       sim::AccessRules::Ops(1, 4, false, 1, 2), "vga.ioports"},
      {kStdVgaBochsOffset, kStdVgaBochsSize, &vga->bochs_region_,
       sim::AccessRules::Ops(1, 4, false, 2, 2), "vga.bochs"},
      {kStdVgaQextOffset, kStdVgaQextSize, &vga->qext_region_,
       sim::AccessRules::Ops(4, 4, false, 1, 4), "vga.qext"},
  };
  PT_RETURN_IF_ERROR(vga->SetBar(2, std::move(mmio)));
  return vga;
}

uint64_t StdVga::IoportsRegion::Read(uint64_t offset, unsigned width) {
  const uint32_t port = kIoportsFirstPort + static_cast<uint32_t>(offset);
  uint64_t value = core_->PortRead(port);
  if (width == 2) value |= uint64_t{core_->PortRead(port + 1)} << 8;
  return value;
}

void StdVga::IoportsRegion::Write(uint64_t offset, unsigned width, uint64_t value) {
  const uint32_t port = kIoportsFirstPort + static_cast<uint32_t>(offset);
  core_->PortWrite(port, static_cast<uint8_t>(value));
  if (width == 2) core_->PortWrite(port + 1, static_cast<uint8_t>(value >> 8));
}

uint64_t StdVga::BochsRegion::Read(uint64_t offset, unsigned width) {
  core_->set_vbe_index(static_cast<uint16_t>(offset >> 1));
  return core_->VbeRead();
}

void StdVga::BochsRegion::Write(uint64_t offset, unsigned width, uint64_t value) {
  core_->set_vbe_index(static_cast<uint16_t>(offset >> 1));
  core_->VbeWrite(static_cast<uint16_t>(value));
}

uint64_t StdVga::QextRegion::Read(uint64_t offset, unsigned width) {
  switch (offset) {
    case 0:
      return kStdVgaQextSize;
    case 4:
      return big_endian_ ? kQextBigEndian : kQextLittleEndian;
    default:
      return 0;
  }
}

void StdVga::QextRegion::Write(uint64_t offset, unsigned width, uint64_t value) {
  if (offset != 4) return;
  if (value == kQextBigEndian) big_endian_ = true;
  if (value == kQextLittleEndian) big_endian_ = false;
}

}  // namespace portrace::devices
