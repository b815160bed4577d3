#include "devices/nic/ne2k_isa.h"

#include "base/status_macros.h"

namespace portrace::devices {

Ne2kIsa::Ne2kIsa(const NicOptions& options, sim::Machine* machine)
    : core_("ne2k_isa", options.mac, &machine->events(),
            [machine](bool level) { machine->irq().Set("ne2k_isa", kIrq, level); }) {}

absl::StatusOr<std::unique_ptr<Ne2kIsa>> Ne2kIsa::Create(const NicOptions& options,
                                                         sim::Machine* machine) {
  std::unique_ptr<Ne2kIsa> nic(new Ne2kIsa(options, machine));
  PT_RETURN_IF_ERROR(
      machine->io().Map({"ne2000", kBase, 0x20, &nic->core_, Ne2000Core::rules()}).status());
  return nic;
}

}  // namespace portrace::devices
