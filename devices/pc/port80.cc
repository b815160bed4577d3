#include "devices/pc/port80.h"

#include "base/status_macros.h"

namespace portrace::devices {

absl::StatusOr<std::unique_ptr<Port80>> Port80::Create(sim::Machine* machine) {
  std::unique_ptr<Port80> port(new Port80(machine));
  PT_RETURN_IF_ERROR(
      machine->io().Map({"ioport80", 0x80, 1, port.get(), sim::AccessRules::Ops(1, 4, false, 1, 1)})
          .status());
  return port;
}

}  // namespace portrace::devices
