#include "sim/machine_builder.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "devices/ide/piix3_ide.h"
#include "devices/pci/i440fx.h"
#include "devices/pci/pci_placeholder.h"
#include "devices/pci/piix3.h"
#include "devices/platform/xen_platform.h"

namespace portrace::sim {
namespace {

using devices::PciBus;
using devices::PciFunction;
using devices::PciPlaceholder;
using devices::PlaceholderModel;

absl::Status AttachTo(PciBus& bus, int devfn, PciFunction* function) {
  absl::Status status = bus.Attach(devfn, function);
  if (!status.ok()) {
    return absl::Status(status.code(), absl::StrCat("assembling the machine: ", status.message()));
  }
  return absl::OkStatus();
}

absl::Status AddPlaceholder(Machine& machine, PciBus& bus, int devfn, PlaceholderModel model) {
  PT_ASSIGN_OR_RETURN(std::unique_ptr<PciPlaceholder> function, PciPlaceholder::Create(model));
  return AttachTo(bus, devfn, machine.AddDevice(std::move(function)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Machine>> BuildMachine(const MachineOptions& options) {
  PT_ASSIGN_OR_RETURN(std::unique_ptr<Machine> machine, Machine::Create(options));
  if (!options.nics.empty()) {
    return absl::UnimplementedError(
        absl::StrCat("--nic=", options.nics[0], ": NICs are not modelled yet"));
  }
  PT_ASSIGN_OR_RETURN(std::unique_ptr<PciBus> created_bus, PciBus::Create(machine.get()));
  PciBus& bus = *machine->AddDevice(std::move(created_bus));

  PT_RETURN_IF_ERROR(
      AttachTo(bus, kHostBridgeDevfn,
               machine->AddDevice(std::make_unique<devices::I440fx>(options.ram_bytes))));
  devices::Piix3* piix3 = machine->AddDevice(std::make_unique<devices::Piix3>());
  PT_RETURN_IF_ERROR(AttachTo(bus, kIsaBridgeDevfn, piix3));
  bus.set_reset_control(piix3->reset_control(), devices::Piix3::reset_control_rules());
  PT_ASSIGN_OR_RETURN(std::unique_ptr<devices::Piix3Ide> ide,
                      devices::Piix3Ide::Create(machine.get(), options.drives));
  PT_RETURN_IF_ERROR(AttachTo(bus, kIdeDevfn, machine->AddDevice(std::move(ide))));
  PT_RETURN_IF_ERROR(AddPlaceholder(*machine, bus, kPmDevfn, PlaceholderModel::kPiix4Pm));
  if (machine->profile().platform != PlatformFlavour::kNone) {
    PT_ASSIGN_OR_RETURN(std::unique_ptr<devices::XenPlatform> platform,
                        devices::XenPlatform::Create(machine.get(), &bus, kPlatformDevfn, options));
    machine->AddDevice(std::move(platform));
    PT_RETURN_IF_ERROR(AddPlaceholder(*machine, bus, kNicDevfn, PlaceholderModel::kRtl8139));
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
