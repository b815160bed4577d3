#include "devices/pc/port92.h"

#include "base/status_macros.h"

namespace portrace::devices {

absl::StatusOr<std::unique_ptr<Port92>> Port92::Create(sim::Machine* machine) {
  std::unique_ptr<Port92> port(new Port92(machine));
  PT_RETURN_IF_ERROR(
      machine->io().Map({"port92", 0x92, 1, port.get(), sim::AccessRules::Ops(1, 4, false, 1, 1)})
          .status());
  return port;
}

void Port92::Write(uint64_t offset, unsigned width, uint64_t value) {
  const uint8_t old = outport_;
  outport_ = static_cast<uint8_t>(value);
  if ((old ^ outport_) & 2) machine_->events().Publish({"port92", "a20", (outport_ >> 1) & 1u, ""});
  if ((outport_ & 1) && !(old & 1)) {
    machine_->events().Publish({"port92", "reset-request", outport_, ""});
  }
}

}  // namespace portrace::devices
