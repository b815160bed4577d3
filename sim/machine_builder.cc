#include "sim/machine_builder.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "devices/ide/piix3_ide.h"
#include "devices/nic/ne2k_isa.h"
#include "devices/nic/ne2k_pci.h"
#include "devices/nic/nic_options.h"
#include "devices/nic/rtl8139.h"
#include "devices/pc/fw_cfg.h"
#include "devices/pc/legacy_pc.h"
#include "devices/pc/piix4_pm.h"
#include "devices/pc/std_vga.h"
#include "devices/pci/i440fx.h"
#include "devices/pci/piix3.h"
#include "devices/platform/xen_platform.h"

namespace portrace::sim {
namespace {

using devices::PciBus;
using devices::PciFunction;

absl::Status AttachTo(PciBus& bus, int devfn, PciFunction* function) {
  absl::Status status = bus.Attach(devfn, function);
  if (!status.ok()) {
    return absl::Status(status.code(), absl::StrCat("assembling the machine: ", status.message()));
  }
  return absl::OkStatus();
}

// The hard disks' CMOS bytes as QEMU's pc_cmos_init_late stores them: drive types 0x12 (type 47,
// "user defined", in 0x19/0x1a) and the parameter blocks at 0x1b (ide0 master) and 0x24 (ide0
// slave) for the primary channel's disks, and the BIOS translation of all four in 0x39.
void FillCmosDisks(devices::RtcCmos& rtc, devices::Piix3Ide& ide) {
  uint8_t types = 0;
  uint8_t translations = 0;
  for (int index = 0; index < 4; ++index) {
    const devices::IdeGeometry* g = ide.channel(index / 2).disk_geometry(index % 2);
    if (g == nullptr) continue;
    translations |= static_cast<uint8_t>(static_cast<uint8_t>(g->translation) << (2 * index));
    if (index >= 2) continue;
    types |= index == 0 ? 0xf0 : 0x0f;
    const uint8_t info = index == 0 ? 0x1b : 0x24;
    const uint8_t bytes[9] = {static_cast<uint8_t>(g->cylinders),
                              static_cast<uint8_t>(g->cylinders >> 8),
                              static_cast<uint8_t>(g->heads),
                              0xff,
                              0xff,
                              static_cast<uint8_t>(0xc0 | (g->heads > 8 ? 0x08 : 0)),
                              static_cast<uint8_t>(g->cylinders),
                              static_cast<uint8_t>(g->cylinders >> 8),
                              static_cast<uint8_t>(g->sectors)};
    rtc.SetConfigByte(index == 0 ? 0x19 : 0x1a, 47);
    for (int i = 0; i < 9; ++i) rtc.SetConfigByte(static_cast<uint8_t>(info + i), bytes[i]);
  }
  rtc.SetConfigByte(0x12, types);
  rtc.SetConfigByte(0x39, translations);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Machine>> BuildMachine(const MachineOptions& options) {
  PT_ASSIGN_OR_RETURN(std::unique_ptr<Machine> machine, Machine::Create(options));
  std::vector<devices::NicOptions> nics;
  for (size_t i = 0; i < options.nics.size(); ++i) {
    PT_ASSIGN_OR_RETURN(devices::NicOptions nic,
                        devices::ParseNicOptions(options.nics[i], static_cast<int>(i)));
    nics.push_back(nic);
  }
  PT_ASSIGN_OR_RETURN(std::unique_ptr<PciBus> created_bus, PciBus::Create(machine.get()));
  PciBus& bus = *machine->AddDevice(std::move(created_bus));

  PT_RETURN_IF_ERROR(
      AttachTo(bus, kHostBridgeDevfn,
               machine->AddDevice(std::make_unique<devices::I440fx>(options.ram_bytes))));
  devices::Piix3* piix3 = machine->AddDevice(std::make_unique<devices::Piix3>());
  PT_RETURN_IF_ERROR(AttachTo(bus, kIsaBridgeDevfn, piix3));
  bus.set_reset_control(piix3->reset_control(), devices::Piix3::reset_control_rules());
  // PCI INTx reaches the ISA IRQ its PIRQ register names (QEMU's piix3 pci_slot_get_pirq:
  // PIRQ = (slot - 1 + pin - 1) mod 4; a byte of 16 or more, bit 7 included, disables it).
  devices::IntxRouter router = [piix3](int devfn, int pin) {
    const int pirq = ((devfn >> 3) - 1 + pin - 1) & 3;
    const uint32_t irq = piix3->ConfigRead(devices::kPiix3PirqRoute + pirq, 1);
    return irq < 16 ? static_cast<int>(irq) : -1;
  };
  PT_ASSIGN_OR_RETURN(std::unique_ptr<devices::Piix3Ide> created_ide,
                      devices::Piix3Ide::Create(machine.get(), options.drives,
                                                options.qemu_defaults));
  devices::Piix3Ide* ide = machine->AddDevice(std::move(created_ide));
  PT_RETURN_IF_ERROR(AttachTo(bus, kIdeDevfn, ide));
  PT_ASSIGN_OR_RETURN(std::unique_ptr<devices::Piix4Pm> pm,
                      devices::Piix4Pm::Create(machine.get()));
  PT_RETURN_IF_ERROR(AttachTo(bus, kPmDevfn, machine->AddDevice(std::move(pm))));
  PT_ASSIGN_OR_RETURN(devices::RtcCmos * rtc, devices::AddLegacyDevices(machine.get(), options));
  FillCmosDisks(*rtc, *ide);
  if (options.vga == "std" || (options.vga.empty() && options.qemu_defaults)) {
    PT_ASSIGN_OR_RETURN(std::unique_ptr<devices::StdVga> vga, devices::StdVga::Create(machine.get()));
    PT_RETURN_IF_ERROR(AttachTo(bus, kVgaDevfn, machine->AddDevice(std::move(vga))));
  } else if (!options.vga.empty() && options.vga != "none") {
    return absl::InvalidArgumentError(
        absl::StrCat("--vga=", options.vga, ": expected std or none"));
  }
  if (machine->profile().name == "pc") {
    PT_ASSIGN_OR_RETURN(std::unique_ptr<devices::FwCfg> fw_cfg,
                        devices::FwCfg::Create(machine.get(), options.ram_bytes));
    machine->AddDevice(std::move(fw_cfg));
  }
  if (machine->profile().platform != PlatformFlavour::kNone) {
    PT_ASSIGN_OR_RETURN(std::unique_ptr<devices::XenPlatform> platform,
                        devices::XenPlatform::Create(machine.get(), &bus, kPlatformDevfn, options));
    machine->AddDevice(std::move(platform));
    // The emulated NIC of a Xen HVM guest: QEMU's rtl8139 at 00:04.0.
    devices::NicOptions xen_nic;
    PT_ASSIGN_OR_RETURN(xen_nic, devices::ParseNicOptions("model=rtl8139", 0));
    PT_ASSIGN_OR_RETURN(std::unique_ptr<devices::Rtl8139> rtl,
                        devices::Rtl8139::Create(xen_nic, machine.get(), router));
    devices::Rtl8139* added = machine->AddDevice(std::move(rtl));
    machine->AddNic("rtl8139", added);
    PT_RETURN_IF_ERROR(AttachTo(bus, kNicDevfn, added));
  }
  // NICs take the first free slots from 00:02.0 on, as QEMU places -nic devices; ne2k_isa sits
  // at 0x300, IRQ 9.
  int slot = 2;
  for (const devices::NicOptions& nic : nics) {
    if (nic.model == devices::NicModel::kNe2kIsa) {
      PT_ASSIGN_OR_RETURN(std::unique_ptr<devices::Ne2kIsa> isa,
                          devices::Ne2kIsa::Create(nic, machine.get()));
      machine->AddNic("ne2k_isa", machine->AddDevice(std::move(isa)));
      continue;
    }
    PciFunction* added;
    if (nic.model == devices::NicModel::kRtl8139) {
      PT_ASSIGN_OR_RETURN(std::unique_ptr<devices::Rtl8139> function,
                          devices::Rtl8139::Create(nic, machine.get(), router));
      devices::Rtl8139* rtl = machine->AddDevice(std::move(function));
      machine->AddNic("rtl8139", rtl);
      added = rtl;
    } else {
      PT_ASSIGN_OR_RETURN(std::unique_ptr<devices::Ne2kPci> function,
                          devices::Ne2kPci::Create(nic, machine.get(), router));
      devices::Ne2kPci* ne2k = machine->AddDevice(std::move(function));
      machine->AddNic("ne2k_pci", ne2k);
      added = ne2k;
    }
    absl::Status attached = absl::ResourceExhaustedError("no free PCI slot for a NIC");
    for (; slot < 32 && !attached.ok(); ++slot) {
      attached = bus.Attach(devices::PciDevfn(slot, 0), added);
    }
    PT_RETURN_IF_ERROR(attached);
  }
  return machine;
}

devices::PciBus* PciBusOf(Machine& machine) {
  for (const std::unique_ptr<Device>& device : machine.devices()) {
    if (auto* bus = dynamic_cast<devices::PciBus*>(device.get())) return bus;
  }
  return nullptr;
}

}  // namespace portrace::sim
