#include "devices/nic/eeprom93c46.h"

#include "absl/strings/str_format.h"

namespace portrace::devices {

Eeprom93c46::Signal Eeprom93c46::SetWires(bool cs, bool sk, bool di) {
  const bool rising_cs = !cs_ && cs;
  const bool rising_sk = !sk_ && sk;
  Signal signal;
  if (cs_ && !cs && mode_ == Mode::kRead && tick_ < 16) {
    signal = {Signal::kReadAborted, static_cast<uint16_t>(tick_)};
  }
  cs_ = cs;
  sk_ = sk;
  di_ = di;
  if (rising_cs) {
    tick_ = 0;
    input_ = 0;
    output_ = 0;
    mode_ = Mode::kAwaitStart;
  }
  if (!cs) mode_ = Mode::kNone;
  if (rising_sk) return Clock();
  return signal;
}

std::string Eeprom93c46::CommandName(uint16_t command) {
  static const char* const kExtended[] = {"EWDS", "WRAL", "ERAL", "EWEN"};
  static const char* const kAddressed[] = {nullptr, "WRITE", "READ", "ERASE"};
  const int opcode = (command >> 6) & 3;
  if (opcode == 0) return kExtended[(command >> 4) & 3];
  return absl::StrFormat("%s 0x%02x", kAddressed[opcode], command & (kWords - 1));
}

Eeprom93c46::Signal Eeprom93c46::Clock() {
  Signal signal;
  ++tick_;
  switch (mode_) {
    case Mode::kAwaitStart:
      if (di_) {
        mode_ = Mode::kCommand;
        tick_ = 0;
        input_ = 0;
      }
      break;
    case Mode::kCommand:
      input_ = static_cast<uint16_t>(input_ << 1 | (di_ ? 1 : 0));
      if (tick_ == 8) {
        signal = {Signal::kCommand, static_cast<uint16_t>(input_ & 0xff)};
        if ((input_ & 0xc0) == 0x80) {  // READ
          output_ = contents_[input_ & (kWords - 1)];
          do_ = false;
          tick_ = 0;
          mode_ = Mode::kRead;
        } else {
          if ((input_ & 0xc0) == 0x40) tick_ = 0;  // WRITE: QEMU takes no data
          mode_ = Mode::kNone;
        }
      }
      break;
    case Mode::kRead:
      do_ = (output_ & 0x8000) != 0;
      output_ = static_cast<uint16_t>(output_ << 1);
      if (tick_ == 16) {
        mode_ = Mode::kAwaitStart;
        input_ = 0;
        tick_ = 0;
      }
      break;
    case Mode::kNone:
      break;
  }
  return signal;
}

}  // namespace portrace::devices
