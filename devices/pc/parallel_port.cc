#include "devices/pc/parallel_port.h"

#include "base/status_macros.h"

namespace portrace::devices {
namespace {

constexpr uint8_t kStsBusy = 0x80;  // BUSY# (set: not busy)
constexpr uint8_t kStsAck = 0x40;
constexpr uint8_t kStsOnline = 0x10;
constexpr uint8_t kStsError = 0x08;  // ERROR# (set: no error)
constexpr uint8_t kCtrDir = 0x20;
constexpr uint8_t kCtrIntEn = 0x10;
constexpr uint8_t kCtrSelect = 0x08;
constexpr uint8_t kCtrInit = 0x04;  // INIT# (clear: initialise the printer)
constexpr uint8_t kCtrStrobe = 0x01;
constexpr uint8_t kCtrFixed = 0xc0;  // read back as ones whatever is written

}  // namespace

absl::StatusOr<std::unique_ptr<ParallelPort>> ParallelPort::Create(sim::Machine* machine,
                                                                   uint16_t base, int irq) {
  std::unique_ptr<ParallelPort> port(new ParallelPort(machine, irq));
  PT_RETURN_IF_ERROR(
      machine->io()
          .Map({"parallel", base, 8, port.get(), sim::AccessRules::Portio(sim::kWidths1)})
          .status());
  return port;
}

uint64_t ParallelPort::Read(uint64_t offset, unsigned width) {
  switch (offset) {
    case 0:
      return (control_ & kCtrDir) ? data_in_ : data_out_;
    case 1: {
      const uint8_t value = status_;
      irq_pending_ = false;
      // The printer's handshake after a strobe, one step per status read.
      if (!(status_ & kStsBusy) && !(control_ & kCtrStrobe)) {
        if (status_ & kStsAck) {
          status_ &= ~kStsAck;
        } else {
          status_ |= kStsAck | kStsBusy;
        }
      }
      UpdateIrq();
      return value;
    }
    case 2:
      return control_;
    default:
      return 0xff;
  }
}

void ParallelPort::Write(uint64_t offset, unsigned width, uint64_t value) {
  const uint8_t byte = static_cast<uint8_t>(value);
  if (offset == 0) {
    data_out_ = byte;
    UpdateIrq();
    return;
  }
  if (offset != 2) return;
  const uint8_t control = byte | kCtrFixed;
  if (!(control & kCtrInit)) {
    status_ = kStsBusy | kStsAck | kStsOnline | kStsError;
  } else if (control & kCtrSelect) {
    if (control & kCtrStrobe) {
      status_ &= ~kStsBusy;
      if (!(control_ & kCtrStrobe)) {
        machine_->events().Publish({"parallel", "print", data_out_, ""});
      }
    } else if (control_ & kCtrIntEn) {
      irq_pending_ = true;
    }
  }
  UpdateIrq();
  control_ = control;
}

void ParallelPort::UpdateIrq() { machine_->irq().Set("parallel", irq_, irq_pending_); }

}  // namespace portrace::devices
