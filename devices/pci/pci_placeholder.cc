#include "devices/pci/pci_placeholder.h"

#include <utility>

namespace portrace::devices {
namespace {

struct BarPreset {
  int index;
  PciBarKind kind;  // kNone ends the list
  uint64_t size;
  const char* mapping;
};

struct BytePreset {
  uint8_t offset;
  uint8_t value;  // offset 0 ends the list
};

struct Preset {
  PlaceholderModel model;
  const char* name;
  PciIdentity identity;
  BarPreset bars[2];
  BytePreset bytes[8];
};

PciIdentity Identity(uint16_t vendor, uint16_t device, uint8_t revision, uint32_t class_code,
                     uint16_t status, uint8_t interrupt_pin) {
  PciIdentity id;
  id.vendor_id = vendor;
  id.device_id = device;
  id.revision = revision;
  id.class_code = class_code;
  id.status = status;
  id.interrupt_pin = interrupt_pin;
  return id;
}

// Read from QEMU 7.2 (see the header).
const Preset kPresets[] = {
    {PlaceholderModel::kPiix3Ide,
     "piix3-ide",
     Identity(0x8086, 0x7010, 0x00, 0x010180, 0x0280, 0),
     {{4, PciBarKind::kIo, 16, "piix3-ide-bmdma"}, {0, PciBarKind::kNone, 0, ""}},
     {{0, 0}}},
    {PlaceholderModel::kPiix4Pm,
     "piix4-pm",
     Identity(0x8086, 0x7113, 0x03, 0x068000, 0x0280, 1),
     {{0, PciBarKind::kNone, 0, ""}, {0, PciBarKind::kNone, 0, ""}},
     {{0x40, 0x01}, {0x5f, 0x10}, {0x63, 0x60}, {0x90, 0x01}, {0x91, 0xb1}, {0xd2, 0x09}, {0, 0}}},
};

}  // namespace

PciPlaceholder::PciPlaceholder(PlaceholderModel model, const char* name,
                               const PciIdentity& identity)
    : PciFunction(name, identity), model_(model) {}

absl::StatusOr<std::unique_ptr<PciPlaceholder>> PciPlaceholder::Create(PlaceholderModel model) {
  for (const Preset& preset : kPresets) {
    if (preset.model != model) continue;
    std::unique_ptr<PciPlaceholder> function(
        new PciPlaceholder(model, preset.name, preset.identity));
    for (const BarPreset& b : preset.bars) {
      if (b.kind == PciBarKind::kNone) break;
      PciBar bar;
      bar.kind = b.kind;
      bar.size = b.size;
      bar.region = &function->all_ones_;
      // QEMU's default ops, as the real devices' BAR regions use: 1-4 bytes, split at alignment.
      bar.rules = sim::AccessRules::Ops(1, 4, false, 1, 4, false);
      bar.name = b.mapping;
      if (absl::Status status = function->SetBar(b.index, std::move(bar)); !status.ok()) {
        return status;
      }
    }
    for (const BytePreset& b : preset.bytes) {
      if (b.offset == 0) break;
      function->SetConfigByte(b.offset, b.value);
    }
    return function;
  }
  return absl::InvalidArgumentError("unknown placeholder model");
}

}  // namespace portrace::devices
