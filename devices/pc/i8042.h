// I8042: the PS/2 keyboard controller at 0x60 (data) and 0x64 (status/command) with a keyboard
// and a mouse behind it, enough of QEMU 7.2's pckbd/ps2 for firmware and driver probes:
//   * status: 0x18 after reset (CMD and UNLOCKED stay set), bit 0 output full, bit 5 from the
//     mouse, bit 2 after the self test (0xaa);
//   * controller commands: 0x20 read and 0x60 write the command byte (reset 0x03), 0xa7/0xa8
//     and 0xad/0xae disable/enable the ports, 0xa9/0xab port tests (0x00), 0xaa self test
//     (0x55), 0xc0 input port (0x80), 0xd0/0xd1 output port (A20 is bit 1; a write or pulse
//     clearing bit 0 asks for a reset), 0xd2/0xd3 echo a byte as keyboard/mouse data, 0xd4 sends
//     the next byte to the mouse, 0xdd/0xdf A20 off/on, 0xf0-0xff pulse; others do nothing;
//   * keyboard commands: 0xed, 0xf0, 0xf3 (with an argument), 0xee echo, 0xf2 identify,
//     0xf4-0xf6, 0xff reset (ACK, 0xaa), unknown ones answer 0xfe; sending to the keyboard
//     re-enables its port;
//   * mouse commands: scaling, resolution, status, stream/remote, identify, rate, enable,
//     disable, defaults, reset (ACK, 0xaa, 0x00).
// Replies queue per source (16 bytes each, as QEMU; more are dropped) and move into the output
// buffer one at a time; reading an empty buffer repeats the last byte. IRQ 1 and 12 follow the
// output buffer and the command byte's interrupt enables. No keys are ever pressed.
//
// Events (device "i8042"): command (value = the controller command byte), a20 (new state),
// reset-request.
// Not thread-safe.
#ifndef PORTRACE_DEVICES_PC_I8042_H_
#define PORTRACE_DEVICES_PC_I8042_H_

#include <cstdint>
#include <deque>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sim/device.h"
#include "sim/io_region.h"
#include "sim/machine.h"

namespace portrace::devices {

class I8042 : public sim::Device {
 public:
  static absl::StatusOr<std::unique_ptr<I8042>> Create(sim::Machine* machine);
  absl::string_view name() const override { return "i8042"; }

 private:
  enum Source { kController = 0, kKeyboard = 1, kMouse = 2 };
  class Port : public sim::IoRegion {
   public:
    Port(I8042* i8042, bool command) : i8042_(i8042), command_(command) {}
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;

   private:
    I8042* i8042_;
    bool command_;
  };

  explicit I8042(sim::Machine* machine) : machine_(machine) {}
  // Controller replies for the keyboard or mouse side (`mouse`).
  void Queue(Source source, uint8_t value, bool mouse_side = false);
  void Update();
  void WriteCommand(uint8_t value);
  void WriteData(uint8_t value);
  void KeyboardWrite(uint8_t value);
  void MouseWrite(uint8_t value);
  uint8_t ReadData();
  void SetOutport(uint8_t value);

  sim::Machine* machine_;
  Port data_{this, false}, command_{this, true};
  uint8_t status_ = 0x18, mode_ = 0x03, outport_ = 0xcf, obdata_ = 0;
  uint8_t write_cmd_ = 0;  // controller command awaiting its data byte
  int keyboard_arg_ = -1, mouse_arg_ = -1;
  std::deque<uint8_t> queues_[3];
  std::deque<bool> controller_mouse_;  // per controller reply: mouse side
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PC_I8042_H_
