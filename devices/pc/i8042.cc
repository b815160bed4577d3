#include "devices/pc/i8042.h"

#include "base/status_macros.h"

namespace portrace::devices {
namespace {

constexpr uint8_t kStatOutputFull = 0x01, kStatSelfTest = 0x04, kStatMouseOutputFull = 0x20;
constexpr uint8_t kModeKbdInt = 0x01, kModeMouseInt = 0x02, kModeDisableKbd = 0x10;
constexpr uint8_t kModeDisableMouse = 0x20;
constexpr uint8_t kAck = 0xfa, kResend = 0xfe;
constexpr size_t kQueueSize = 16;

}  // namespace

absl::StatusOr<std::unique_ptr<I8042>> I8042::Create(sim::Machine* machine) {
  std::unique_ptr<I8042> kbc(new I8042(machine));
  const sim::AccessRules bytes = sim::AccessRules::Ops(1, 4, false, 1, 1);
  PT_RETURN_IF_ERROR(machine->io().Map({"i8042-data", 0x60, 1, &kbc->data_, bytes}).status());
  PT_RETURN_IF_ERROR(machine->io().Map({"i8042-cmd", 0x64, 1, &kbc->command_, bytes}).status());
  return kbc;
}

void I8042::Queue(Source source, uint8_t value, bool mouse_side) {
  if (queues_[source].size() >= kQueueSize) return;
  queues_[source].push_back(value);
  if (source == kController) controller_mouse_.push_back(mouse_side);
  Update();
}

void I8042::Update() {
  if ((status_ & kStatOutputFull) == 0) {
    if (!queues_[kController].empty()) {
      obdata_ = queues_[kController].front();
      queues_[kController].pop_front();
      const bool mouse = controller_mouse_.front();
      controller_mouse_.pop_front();
      status_ |= kStatOutputFull | (mouse ? kStatMouseOutputFull : 0);
    } else if (!queues_[kKeyboard].empty() && !(mode_ & kModeDisableKbd)) {
      obdata_ = queues_[kKeyboard].front();
      queues_[kKeyboard].pop_front();
      status_ |= kStatOutputFull;
    } else if (!queues_[kMouse].empty() && !(mode_ & kModeDisableMouse)) {
      obdata_ = queues_[kMouse].front();
      queues_[kMouse].pop_front();
      status_ |= kStatOutputFull | kStatMouseOutputFull;
    }
  }
  const bool full = status_ & kStatOutputFull;
  const bool mouse = status_ & kStatMouseOutputFull;
  machine_->irq().Set("i8042", 1, full && !mouse && (mode_ & kModeKbdInt));
  machine_->irq().Set("i8042", 12, full && mouse && (mode_ & kModeMouseInt));
}

void I8042::SetOutport(uint8_t value) {
  const uint8_t old = outport_;
  outport_ = value;
  if ((old ^ value) & 2) machine_->events().Publish({"i8042", "a20", (value >> 1) & 1u, ""});
  if (!(value & 1)) machine_->events().Publish({"i8042", "reset-request", value, ""});
}

void I8042::WriteCommand(uint8_t value) {
  machine_->events().Publish({"i8042", "command", value, ""});
  switch (value) {
    case 0x20:
      Queue(kController, mode_);
      break;
    case 0x60:
    case 0xd1:
    case 0xd2:
    case 0xd3:
    case 0xd4:
      write_cmd_ = value;
      break;
    case 0xa7:
      mode_ |= kModeDisableMouse;
      Update();
      break;
    case 0xa8:
      mode_ &= ~kModeDisableMouse;
      Update();
      break;
    case 0xa9:
    case 0xab:
      Queue(kController, 0x00);
      break;
    case 0xaa:
      status_ |= kStatSelfTest;
      Queue(kController, 0x55);
      break;
    case 0xad:
      mode_ |= kModeDisableKbd;
      Update();
      break;
    case 0xae:
      mode_ &= ~kModeDisableKbd;
      Update();
      break;
    case 0xc0:
      Queue(kController, 0x80);
      break;
    case 0xd0: {
      uint8_t port = outport_;
      if (status_ & kStatOutputFull) port |= (status_ & kStatMouseOutputFull) ? 0x20 : 0x10;
      Queue(kController, port);
      break;
    }
    case 0xdd:
      SetOutport(outport_ & ~2);
      break;
    case 0xdf:
      SetOutport(outport_ | 2);
      break;
    default:
      if (value >= 0xf0 && !(value & 1)) {
        machine_->events().Publish({"i8042", "reset-request", value, ""});
      }
      break;
  }
}

void I8042::KeyboardWrite(uint8_t value) {
  if (keyboard_arg_ >= 0) {
    const int command = keyboard_arg_;
    keyboard_arg_ = -1;
    if (command == 0xf0 && value == 0) {
      Queue(kKeyboard, kAck);
      Queue(kKeyboard, 2);
    } else if (command == 0xf0 && value > 3) {
      Queue(kKeyboard, kResend);
    } else {
      Queue(kKeyboard, kAck);
    }
    return;
  }
  switch (value) {
    case 0xed:
    case 0xf0:
    case 0xf3:
      keyboard_arg_ = value;
      Queue(kKeyboard, kAck);
      break;
    case 0xee:
      Queue(kKeyboard, 0xee);
      break;
    case 0xf2:
      Queue(kKeyboard, kAck);
      Queue(kKeyboard, 0xab);
      Queue(kKeyboard, (mode_ & 0x40) ? 0x41 : 0x83);
      break;
    case 0xf4:
    case 0xf5:
    case 0xf6:
    case 0xf7:
    case 0xfc:
      Queue(kKeyboard, kAck);
      break;
    case 0xff:
      Queue(kKeyboard, kAck);
      Queue(kKeyboard, 0xaa);
      break;
    default:
      Queue(kKeyboard, kResend);
      break;
  }
}

void I8042::MouseWrite(uint8_t value) {
  if (mouse_arg_ >= 0) {
    mouse_arg_ = -1;
    Queue(kMouse, kAck);
    return;
  }
  switch (value) {
    case 0xe8:
    case 0xf3:
      mouse_arg_ = value;
      Queue(kMouse, kAck);
      break;
    case 0xe9:  // status: buttons/mode, resolution, sample rate
      Queue(kMouse, kAck);
      Queue(kMouse, 0x00);
      Queue(kMouse, 0x02);
      Queue(kMouse, 100);
      break;
    case 0xeb:  // poll: an empty movement packet
      Queue(kMouse, kAck);
      Queue(kMouse, 0x08);
      Queue(kMouse, 0x00);
      Queue(kMouse, 0x00);
      break;
    case 0xf2:
      Queue(kMouse, kAck);
      Queue(kMouse, 0x00);
      break;
    case 0xe6:
    case 0xe7:
    case 0xea:
    case 0xec:
    case 0xee:
    case 0xf0:
    case 0xf4:
    case 0xf5:
    case 0xf6:
      Queue(kMouse, kAck);
      break;
    case 0xff:
      Queue(kMouse, kAck);
      Queue(kMouse, 0xaa);
      Queue(kMouse, 0x00);
      break;
    default:
      break;
  }
}

void I8042::WriteData(uint8_t value) {
  const uint8_t command = write_cmd_;
  write_cmd_ = 0;
  switch (command) {
    case 0x60:
      mode_ = value;
      Update();
      break;
    case 0xd1:
      SetOutport(value);
      break;
    case 0xd2:
      Queue(kController, value, false);
      break;
    case 0xd3:
      Queue(kController, value, true);
      break;
    case 0xd4:
      mode_ &= ~kModeDisableMouse;
      MouseWrite(value);
      break;
    default:
      mode_ &= ~kModeDisableKbd;
      KeyboardWrite(value);
      break;
  }
}

uint8_t I8042::ReadData() {
  if (status_ & kStatOutputFull) {
    status_ &= ~(kStatOutputFull | kStatMouseOutputFull);
    const uint8_t value = obdata_;
    Update();
    return value;
  }
  return obdata_;
}

uint64_t I8042::Port::Read(uint64_t offset, unsigned width) {
  return command_ ? i8042_->status_ : i8042_->ReadData();
}

void I8042::Port::Write(uint64_t offset, unsigned width, uint64_t value) {
  if (command_) {
    i8042_->WriteCommand(static_cast<uint8_t>(value));
  } else {
    i8042_->WriteData(static_cast<uint8_t>(value));
  }
}

}  // namespace portrace::devices
