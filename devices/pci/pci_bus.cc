#include "devices/pci/pci_bus.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "sim/region_access.h"

namespace portrace::devices {
namespace {

constexpr uint32_t kConfigEnable = 0x80000000;

uint64_t WidthMask(unsigned width) {
  return width >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * width)) - 1;
}

// QEMU's pci_host_conf_le_ops and pci_host_data_le_ops set no .valid/.impl: any width 1-4,
// aligned, implemented directly; the memory core splits unaligned accesses at alignment.
const sim::AccessRules kAddressRules = sim::AccessRules::Ops(1, 4, false, 1, 4, false);
const sim::AccessRules kDataRules = sim::AccessRules::Ops(1, 4, false, 1, 4, false);
// The address ports resolve their pieces themselves (ReadAt/WriteAt), so the space hands them
// every access whole.
const sim::AccessRules kWholeAccess = sim::AccessRules::Ops(1, 4, true, 1, 4, true);

}  // namespace

absl::StatusOr<std::unique_ptr<PciBus>> PciBus::Create(sim::Machine* machine) {
  if (machine == nullptr) return absl::InvalidArgumentError("PCI bus: no machine");
  std::unique_ptr<PciBus> bus(new PciBus(machine));
  sim::PortMapping address;
  address.name = "pci-config-address";
  address.base = kPciConfigAddressPort;
  address.length = 4;
  address.region = &bus->address_ports_;
  address.rules = kWholeAccess;
  absl::StatusOr<sim::IoSpace::MappingId> mapped = machine->io().Map(std::move(address));
  if (!mapped.ok()) return mapped.status();
  sim::PortMapping data;
  data.name = "pci-config-data";
  data.base = kPciConfigDataPort;
  data.length = 4;
  data.region = &bus->data_ports_;
  data.rules = kDataRules;
  mapped = machine->io().Map(std::move(data));
  if (!mapped.ok()) return mapped.status();
  return bus;
}

PciBus::PciBus(sim::Machine* machine)
    : machine_(machine), address_ports_(this), data_ports_(this) {}

absl::Status PciBus::Attach(int devfn, PciFunction* function) {
  if (devfn < 0 || devfn >= kPciDevfnCount) {
    return absl::InvalidArgumentError(absl::StrCat("PCI devfn ", devfn, " is not 0-255"));
  }
  if (function == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("PCI ", PciLocation(0, devfn), ": no function to attach"));
  }
  if (functions_[devfn] != nullptr) {
    return absl::AlreadyExistsError(absl::StrCat("PCI ", PciLocation(0, devfn), " holds ",
                                                 functions_[devfn]->name(), "; cannot attach ",
                                                 function->name()));
  }
  if (function->machine_ != nullptr) {
    return absl::FailedPreconditionError(absl::StrCat("PCI function ", function->name(),
                                                      " was already attached at ",
                                                      PciLocation(0, function->devfn())));
  }
  functions_[devfn] = function;
  removed_names_[devfn].clear();
  function->Attach(machine_, devfn);
  return absl::OkStatus();
}

absl::Status PciBus::Remove(int devfn) {
  PciFunction* function = this->function(devfn);
  if (function == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "no PCI function at ",
        devfn >= 0 && devfn < kPciDevfnCount ? PciLocation(0, devfn) : absl::StrCat(devfn)));
  }
  function->Remove();
  functions_[devfn] = nullptr;
  removed_names_[devfn] = std::string(function->name());
  sim::DeviceEvent event;
  event.device = std::string(function->name());
  event.kind = "removed";
  event.value = static_cast<uint64_t>(devfn);
  event.text = PciLocation(0, devfn);
  machine_->events().Publish(event);
  // The ranges it held may be what kept another BAR out.
  for (PciFunction* other : functions_) {
    if (other != nullptr) other->RetryConflicts();
  }
  return absl::OkStatus();
}

PciFunction* PciBus::function(int devfn) const {
  if (devfn < 0 || devfn >= kPciDevfnCount) return nullptr;
  return functions_[devfn];
}

void PciBus::set_reset_control(sim::IoRegion* region, const sim::AccessRules& rules) {
  reset_control_ = region;
  reset_control_rules_ = rules;
}

unsigned PciBus::ReadAt(unsigned at, unsigned remaining, uint64_t* value) {
  if (at == 1 && reset_control_ != nullptr) {
    const unsigned piece = reset_control_rules_.PieceSize(0, remaining);
    *value = sim::ReadPiece(*reset_control_, reset_control_rules_, 0, piece, 1).value;
    return piece;
  }
  if (at < 4) {
    const unsigned piece = kAddressRules.PieceSize(at, remaining);
    *value = config_address_ & WidthMask(piece);
    return piece;
  }
  if (at < 8) {
    const unsigned piece = kDataRules.PieceSize(at - 4, remaining);
    *value = sim::ReadPiece(data_ports_, kDataRules, at - 4, piece, 4).value;
    return piece;
  }
  // Unreachable: an access starts in 0xcf8-0xcfb and is at most 4 bytes wide.
  *value = WidthMask(remaining);
  return remaining;
}

unsigned PciBus::WriteAt(unsigned at, unsigned remaining, uint64_t value) {
  if (at == 1 && reset_control_ != nullptr) {
    const unsigned piece = reset_control_rules_.PieceSize(0, remaining);
    sim::WritePiece(*reset_control_, reset_control_rules_, 0, piece, 1, value & WidthMask(piece));
    return piece;
  }
  if (at < 4) {
    const unsigned piece = kAddressRules.PieceSize(at, remaining);
    if (at == 0 && piece == 4) config_address_ = static_cast<uint32_t>(value);
    return piece;
  }
  if (at < 8) {
    const unsigned piece = kDataRules.PieceSize(at - 4, remaining);
    sim::WritePiece(data_ports_, kDataRules, at - 4, piece, 4, value & WidthMask(piece));
    return piece;
  }
  return remaining;
}

uint64_t PciBus::AddressPorts::Read(uint64_t offset, unsigned width) {
  uint64_t result = 0;
  for (unsigned done = 0; done < width;) {
    uint64_t value = 0;
    const unsigned piece = bus_->ReadAt(static_cast<unsigned>(offset) + done, width - done, &value);
    result |= value << (8 * done);
    done += piece;
  }
  return result;
}

void PciBus::AddressPorts::Write(uint64_t offset, unsigned width, uint64_t value) {
  for (unsigned done = 0; done < width;) {
    done += bus_->WriteAt(static_cast<unsigned>(offset) + done, width - done, value >> (8 * done));
  }
}

uint64_t PciBus::DataPorts::Read(uint64_t offset, unsigned width) {
  // The space's fast path passes a region's answer on as it is: mask it to the width here.
  return bus_->DataRead(static_cast<unsigned>(offset), width) & WidthMask(width);
}

void PciBus::DataPorts::Write(uint64_t offset, unsigned width, uint64_t value) {
  bus_->DataWrite(static_cast<unsigned>(offset), width, static_cast<uint32_t>(value));
}

PciFunction* PciBus::Select(unsigned port_offset, unsigned width, PciConfigAccess* access) const {
  access->bus = static_cast<uint8_t>(config_address_ >> 16);
  access->devfn = static_cast<uint8_t>(config_address_ >> 8);
  access->offset = static_cast<uint8_t>(config_address_ | (port_offset & 3));
  access->width = static_cast<uint8_t>(std::min<unsigned>(width, kPciConfigSize - access->offset));
  if (access->bus != 0) return nullptr;
  return functions_[access->devfn];
}

void PciBus::PublishAbsent(absl::string_view kind, const PciConfigAccess& access) {
  sim::DeviceEvent event;
  event.device = "pci";
  event.kind = std::string(kind);
  event.value = PackPciConfigAccess(access);
  if (access.bus == 0 && !removed_names_[access.devfn].empty()) {
    event.text = absl::StrCat("removed ", removed_names_[access.devfn]);
  }
  machine_->events().Publish(event);
}

uint32_t PciBus::DataRead(unsigned offset, unsigned width) {
  if (!(config_address_ & kConfigEnable)) return 0xffffffff;
  PciConfigAccess access;
  PciFunction* function = Select(offset, width, &access);
  if (function == nullptr) {
    access.data = 0xffffffff;
    PublishAbsent("config-read-absent", access);
    return 0xffffffff;
  }
  access.data = function->ConfigRead(access.offset, access.width);
  sim::DeviceEvent event;
  event.device = std::string(function->name());
  event.kind = "config-read";
  event.value = PackPciConfigAccess(access);
  machine_->events().Publish(event);
  return access.data;
}

void PciBus::DataWrite(unsigned offset, unsigned width, uint32_t value) {
  if (!(config_address_ & kConfigEnable)) return;
  PciConfigAccess access;
  PciFunction* function = Select(offset, width, &access);
  access.data = static_cast<uint32_t>(value & WidthMask(access.width));
  if (function == nullptr) {
    PublishAbsent("config-write-absent", access);
    return;
  }
  sim::DeviceEvent event;
  event.device = std::string(function->name());
  event.kind = "config-write";
  event.value = PackPciConfigAccess(access);
  machine_->events().Publish(event);
  function->ConfigWrite(access.offset, access.width, access.data);
  for (PciFunction* other : functions_) {
    if (other != nullptr && other != function) other->RetryConflicts();
  }
}

}  // namespace portrace::devices
