// Eeprom93c46: the 64 x 16-bit serial EEPROM (Microwire 93C46) an RTL8139 reads its identity from,
// driven by the guest bit-banging chip select (CS), clock (SK) and data in (DI) through the
// RTL8139's 9346CR register and sampling data out (DO).
//
// Protocol as QEMU's model of it (hw/net/rtl8139.c prom9346): raising CS starts a command; after
// a 1 start bit the next 8 bits clocked in on SK rising edges are the opcode (2 bits) and address
// (6 bits). READ (10) answers a dummy 0 then the word, most significant bit first, one bit per
// rising edge; after 16 bits the chip waits for a new start bit without needing CS to drop (as
// QEMU does for the FreeBSD drivers). WRITE (01) and the extended commands (EWEN, EWDS, ERAL,
// WRAL) are accepted and do nothing: the contents are read-only, as in QEMU. Dropping CS ends any
// command; DO reads 0 while CS is low. SetWires reports what a driver author would want to know:
// each command decoded, and CS dropped in the middle of a READ's 16 data bits. Not thread-safe.
#ifndef PORTRACE_DEVICES_NIC_EEPROM93C46_H_
#define PORTRACE_DEVICES_NIC_EEPROM93C46_H_

#include <array>
#include <cstdint>
#include <string>

namespace portrace::devices {

class Eeprom93c46 {
 public:
  static constexpr int kWords = 64;

  explicit Eeprom93c46(const std::array<uint16_t, kWords>& contents) : contents_(contents) {}

  struct Signal {
    enum Kind { kNone, kCommand, kReadAborted } kind = kNone;
    // kCommand: the 8 bits after the start bit (opcode << 6 | address; for opcode 00 the top
    // address bits name EWDS 00, WRAL 01, ERAL 10, EWEN 11). kReadAborted: data bits clocked out
    // before CS dropped (0-15).
    uint16_t value = 0;
  };

  // The wires after a guest write; what the write completed, if anything.
  Signal SetWires(bool cs, bool sk, bool di);

  // "READ 0x05", "WRITE 0x3f", "EWEN", ... for a kCommand value.
  static std::string CommandName(uint16_t command);
  bool data_out() const { return cs_ && do_; }
  uint16_t word(int address) const { return contents_[address & (kWords - 1)]; }

 private:
  enum class Mode { kNone, kAwaitStart, kCommand, kRead };
  Signal Clock();

  std::array<uint16_t, kWords> contents_;
  Mode mode_ = Mode::kNone;
  int tick_ = 0;
  uint16_t input_ = 0;
  uint16_t output_ = 0;
  bool cs_ = false, sk_ = false, di_ = false, do_ = false;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_NIC_EEPROM93C46_H_
