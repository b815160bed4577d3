#include "devices/pci/pci_function.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace portrace::devices {
namespace {

// QEMU pci_init_wmask / pci_init_w1cmask.
constexpr uint16_t kCommandWritable = 0x0001 | 0x0002 | 0x0004 | 0x0100 | 0x0400;
constexpr uint16_t kStatusWriteOneToClear = 0x0100 | 0x0800 | 0x1000 | 0x2000 | 0x4000 | 0x8000;
constexpr uint32_t kBarIoSpace = 0x1;
constexpr uint32_t kBarMem64 = 0x4;
constexpr uint32_t kBarPrefetch = 0x8;

bool IsPowerOfTwo(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

void PutWord(std::array<uint8_t, kPciConfigSize>& bytes, unsigned offset, uint16_t value) {
  bytes[offset] = static_cast<uint8_t>(value);
  bytes[offset + 1] = static_cast<uint8_t>(value >> 8);
}

void PutLong(std::array<uint8_t, kPciConfigSize>& bytes, unsigned offset, uint32_t value) {
  PutWord(bytes, offset, static_cast<uint16_t>(value));
  PutWord(bytes, offset + 2, static_cast<uint16_t>(value >> 16));
}

}  // namespace

std::string PciLocation(int bus, int devfn) {
  return absl::StrFormat("%02x:%02x.%x", bus, devfn >> 3, devfn & 7);
}

PciFunction::PciFunction(std::string name, const PciIdentity& identity)
    : name_(std::move(name)), identity_(identity) {
  PutWord(config_, kPciVendorId, identity.vendor_id);
  PutWord(config_, kPciDeviceId, identity.device_id);
  PutWord(config_, kPciStatus, identity.status);
  config_[kPciRevision] = identity.revision;
  config_[kPciClassProg] = static_cast<uint8_t>(identity.class_code);
  PutWord(config_, kPciClassProg + 1, static_cast<uint16_t>(identity.class_code >> 8));
  config_[kPciHeaderType] = identity.header_type;
  PutWord(config_, kPciSubsystemVendorId, identity.subsystem_vendor_id);
  PutWord(config_, kPciSubsystemId, identity.subsystem_id);
  config_[kPciInterruptPin] = identity.interrupt_pin;

  PutWord(wmask_, kPciCommand, kCommandWritable);
  wmask_[kPciCacheLineSize] = 0xff;
  wmask_[kPciInterruptLine] = 0xff;
  for (unsigned i = kPciHeaderSize; i < kPciConfigSize; ++i) wmask_[i] = 0xff;
  PutWord(w1cmask_, kPciStatus, kStatusWriteOneToClear);
}

absl::Status PciFunction::SetBar(int index, PciBar bar) {
  if (machine_ != nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat(name_, ": BARs are declared before the function is attached"));
  }
  const bool wide = bar.kind == PciBarKind::kMem64;
  if (index < 0 || index >= kPciBarCount || (wide && index == kPciBarCount - 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        name_, ": BAR index ", index, wide ? " cannot hold a 64-bit BAR" : " not 0-5"));
  }
  if (bar.kind == PciBarKind::kNone) {
    return absl::InvalidArgumentError(absl::StrCat(name_, ": BAR", index, " has no kind"));
  }
  const uint64_t min = bar.kind == PciBarKind::kIo ? 4 : 16;
  const uint64_t max = bar.kind == PciBarKind::kIo      ? 0x10000
                       : bar.kind == PciBarKind::kMem32 ? uint64_t{1} << 31
                                                        : uint64_t{1} << 63;
  if (!IsPowerOfTwo(bar.size) || bar.size < min || bar.size > max) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: BAR%d size 0x%x is not a power of two in 0x%x..0x%x", name_, index,
                        bar.size, min, max));
  }
  if (bar.region == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(name_, ": BAR", index, " has no region"));
  }
  uint64_t covered = 0;
  for (const PciBarPart& part : bar.parts) {
    if (bar.kind == PciBarKind::kIo) {
      return absl::InvalidArgumentError(
          absl::StrCat(name_, ": BAR", index, " is an I/O BAR; only memory BARs have parts"));
    }
    if (part.region == nullptr || part.length == 0 || part.offset < covered ||
        part.offset > bar.size || part.length > bar.size - part.offset) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: BAR%d part '%s' at 0x%x+0x%x is empty, has no region, overlaps the one before or "
          "leaves the BAR",
          name_, index, part.name, part.offset, part.length));
    }
    covered = part.offset + part.length;
  }
  if (bars_[index].bar.kind != PciBarKind::kNone || bars_[index].upper_half ||
      (wide && (bars_[index + 1].bar.kind != PciBarKind::kNone || bars_[index + 1].upper_half))) {
    return absl::InvalidArgumentError(absl::StrCat(name_, ": BAR", index, " is already declared"));
  }
  // QEMU pci_register_bar: the type bits are read-only, the bits below the size read 0.
  const unsigned reg = kPciBar0 + 4 * index;
  const uint64_t writable = ~(bar.size - 1);
  uint32_t type = 0;
  if (bar.kind == PciBarKind::kIo) {
    type = kBarIoSpace;
  } else {
    if (wide) type |= kBarMem64;
    if (bar.prefetchable) type |= kBarPrefetch;
  }
  PutLong(config_, reg, type);
  PutLong(wmask_, reg, static_cast<uint32_t>(writable));
  if (wide) {
    PutLong(config_, reg + 4, 0);
    PutLong(wmask_, reg + 4, static_cast<uint32_t>(writable >> 32));
    bars_[index + 1].upper_half = true;
  }
  bars_[index].bar = std::move(bar);
  return absl::OkStatus();
}

uint32_t PciFunction::ConfigRead(unsigned offset, unsigned width) const {
  if (width == 0 || width > 4 || offset + width > kPciConfigSize) return 0xffffffff;
  uint32_t value = 0;
  for (unsigned i = 0; i < width; ++i) value |= uint32_t{config_[offset + i]} << (8 * i);
  return value;
}

void PciFunction::ConfigWrite(unsigned offset, unsigned width, uint32_t value) {
  if (width == 0 || width > 4 || offset + width > kPciConfigSize) return;
  uint32_t bytes = value;
  for (unsigned i = 0; i < width; ++i, bytes >>= 8) {
    uint8_t& b = config_[offset + i];
    const uint8_t v = static_cast<uint8_t>(bytes);
    b = static_cast<uint8_t>((b & ~wmask_[offset + i]) | (v & wmask_[offset + i]));
    b = static_cast<uint8_t>(b & ~(v & w1cmask_[offset + i]));
  }
  // QEMU: a write overlapping the BARs (0x10-0x27) or the ROM register, or covering the
  // command register's low byte, re-evaluates the mappings.
  const unsigned end = offset + width;
  const bool bars = offset < kPciBar0 + 4 * kPciBarCount && end > kPciBar0;
  const bool rom = offset < kPciRomAddress + 4 && end > kPciRomAddress;
  const bool command = offset <= kPciCommand && end > kPciCommand;
  if (bars || rom || command) UpdateMappings();
  OnConfigWrite(offset, width, value);
}

void PciFunction::Publish(absl::string_view kind, uint64_t value, std::string text) {
  if (machine_ == nullptr) return;
  sim::DeviceEvent event;
  event.device = name_;
  event.kind = std::string(kind);
  event.value = value;
  event.text = std::move(text);
  machine_->events().Publish(event);
}

void PciFunction::Attach(sim::Machine* machine, int devfn) {
  machine_ = machine;
  devfn_ = devfn;
  removed_ = false;
  UpdateMappings();
}

void PciFunction::Remove() {
  for (int i = 0; i < kPciBarCount; ++i) PlaceBar(i, std::nullopt);
  removed_ = true;
}

std::optional<uint64_t> PciFunction::ComputeBarAddress(int index) const {
  const BarSlot& slot = bars_[index];
  const uint64_t size = slot.bar.size;
  const uint16_t command = static_cast<uint16_t>(ConfigRead(kPciCommand, 2));
  const unsigned reg = kPciBar0 + 4 * index;
  if (slot.bar.kind == PciBarKind::kIo) {
    if (!(command & kPciCommandIo)) return std::nullopt;
    const uint64_t base = ConfigRead(reg, 4) & ~(size - 1);
    const uint64_t last = base + size - 1;
    if (last <= base || last >= 0xffffffff || base == 0) return std::nullopt;
    return base;
  }
  if (!(command & kPciCommandMemory)) return std::nullopt;
  uint64_t base = ConfigRead(reg, 4);
  if (slot.bar.kind == PciBarKind::kMem64) base |= uint64_t{ConfigRead(reg + 4, 4)} << 32;
  base &= ~(size - 1);
  const uint64_t last = base + size - 1;
  if (last <= base || last == ~uint64_t{0} || base == 0) return std::nullopt;
  if (slot.bar.kind == PciBarKind::kMem32 && last >= 0xffffffff) return std::nullopt;
  return base;
}

void PciFunction::UpdateMappings() {
  if (machine_ == nullptr || removed_) return;
  for (int i = 0; i < kPciBarCount; ++i) {
    if (bars_[i].bar.kind == PciBarKind::kNone) continue;
    PlaceBar(i, ComputeBarAddress(i));
  }
}

void PciFunction::RetryConflicts() {
  if (machine_ == nullptr || removed_) return;
  for (int i = 0; i < kPciBarCount; ++i) {
    BarSlot& slot = bars_[i];
    if (!slot.address.has_value() || !slot.mappings.empty() || !InPortSpace(slot)) continue;
    std::string error;
    if (MapBar(i, &error)) Publish("bar-mapped", *slot.address, DescribeBar(i, *slot.address));
  }
}

bool PciFunction::InPortSpace(const BarSlot& slot) const {
  if (slot.bar.kind != PciBarKind::kIo) return true;  // memory BARs: anywhere in 64 bits
  return slot.address.has_value() && *slot.address + slot.bar.size <= sim::kPortCount;
}

std::string PciFunction::DescribeBar(int index, uint64_t address) const {
  const PciBar& bar = bars_[index].bar;
  const bool io = bar.kind == PciBarKind::kIo;
  std::string text =
      absl::StrFormat("BAR%d %s 0x%x+0x%x", index, io ? "io" : "mem", address, bar.size);
  if (io && address + bar.size > sim::kPortCount) text += ", outside the port space";
  return text;
}

bool PciFunction::MapBar(int index, std::string* error) {
  BarSlot& slot = bars_[index];
  const PciBar& bar = slot.bar;
  if (bar.kind == PciBarKind::kIo) {
    sim::PortMapping mapping;
    mapping.name = bar.name;
    mapping.base = static_cast<uint32_t>(*slot.address);
    mapping.length = static_cast<uint32_t>(bar.size);
    mapping.region = bar.region;
    mapping.rules = bar.rules;
    absl::StatusOr<sim::IoSpace::MappingId> id = machine_->io().Map(std::move(mapping));
    if (!id.ok()) {
      *error = std::string(id.status().message());
      return false;
    }
    slot.mappings.push_back(*id);
    return true;
  }
  // The parts, and the BAR's own region over the stretches between them.
  std::vector<sim::MmioMapping> mappings;
  const auto background = [&](uint64_t from, uint64_t to) {
    if (from >= to) return;
    sim::MmioMapping mapping;
    mapping.name = bar.name;
    mapping.base = *slot.address + from;
    mapping.length = to - from;
    mapping.region = bar.region;
    mapping.rules = bar.rules;
    mapping.region_offset = from;
    mappings.push_back(std::move(mapping));
  };
  uint64_t covered = 0;
  for (const PciBarPart& part : bar.parts) {
    background(covered, part.offset);
    sim::MmioMapping mapping;
    mapping.name = part.name;
    mapping.base = *slot.address + part.offset;
    mapping.length = part.length;
    mapping.region = part.region;
    mapping.rules = part.rules;
    mappings.push_back(std::move(mapping));
    covered = part.offset + part.length;
  }
  background(covered, bar.size);
  for (sim::MmioMapping& mapping : mappings) {
    absl::StatusOr<sim::MemorySpace::MappingId> id = machine_->memory().Map(std::move(mapping));
    if (!id.ok()) {
      *error = std::string(id.status().message());
      UnmapBar(index);
      return false;
    }
    slot.mappings.push_back(*id);
  }
  return true;
}

void PciFunction::UnmapBar(int index) {
  BarSlot& slot = bars_[index];
  // The ids came from the space and have not been unmapped since: this cannot fail.
  for (int id : slot.mappings) {
    if (slot.bar.kind == PciBarKind::kIo) {
      machine_->io().Unmap(id).IgnoreError();
    } else {
      machine_->memory().Unmap(id).IgnoreError();
    }
  }
  slot.mappings.clear();
}

void PciFunction::PlaceBar(int index, std::optional<uint64_t> address) {
  BarSlot& slot = bars_[index];
  if (address == slot.address) return;
  if (slot.address.has_value()) {
    UnmapBar(index);
    Publish("bar-unmapped", *slot.address, DescribeBar(index, *slot.address));
  }
  slot.address = address;
  if (!address.has_value()) return;
  if (!InPortSpace(slot)) {
    Publish("bar-mapped", *address, DescribeBar(index, *address));
    return;
  }
  std::string error;
  if (MapBar(index, &error)) {
    Publish("bar-mapped", *address, DescribeBar(index, *address));
  } else {
    Publish("bar-conflict", *address, absl::StrCat(DescribeBar(index, *address), ": ", error));
  }
}

}  // namespace portrace::devices
