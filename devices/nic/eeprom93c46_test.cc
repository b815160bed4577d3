#include "devices/nic/eeprom93c46.h"

#include "gtest/gtest.h"

namespace portrace::devices {
namespace {

// Clocks one bit in (DI) and returns DO sampled after the rising edge.
bool Clock(Eeprom93c46& e, bool di) {
  e.SetWires(true, false, di);
  e.SetWires(true, true, di);
  const bool out = e.data_out();
  e.SetWires(true, false, di);
  return out;
}

uint16_t ReadWord(Eeprom93c46& e, int address) {
  e.SetWires(false, false, false);
  e.SetWires(true, false, false);
  Clock(e, true);  // start bit
  const int command = 0x80 | address;
  for (int bit = 7; bit >= 0; --bit) Clock(e, (command >> bit) & 1);
  uint16_t word = 0;
  for (int i = 0; i < 16; ++i) word = static_cast<uint16_t>(word << 1 | Clock(e, false));
  e.SetWires(false, false, false);
  return word;
}

TEST(Eeprom93c46Test, ReadsEveryWord) {
  std::array<uint16_t, Eeprom93c46::kWords> contents{};
  for (int i = 0; i < Eeprom93c46::kWords; ++i) contents[i] = static_cast<uint16_t>(0x8129 + i * 0x0101);
  Eeprom93c46 e(contents);
  for (int i = 0; i < Eeprom93c46::kWords; ++i) EXPECT_EQ(ReadWord(e, i), contents[i]) << i;
}

TEST(Eeprom93c46Test, OddSequences) {
  std::array<uint16_t, Eeprom93c46::kWords> contents{};
  contents[5] = 0xffff;
  const struct {
    const char* what;
    bool cs;
    int command;
    uint16_t want;
  } cases[] = {
      {"chip select low: DO reads 0", false, 0x85, 0},
      {"write command: no data, contents unchanged", true, 0x45, 0},
      {"extended command (EWEN)", true, 0x30, 0},
  };
  for (const auto& c : cases) {
    Eeprom93c46 e(contents);
    e.SetWires(c.cs, false, false);
    if (c.cs) Clock(e, true);
    for (int bit = 7; bit >= 0; --bit) {
      e.SetWires(c.cs, false, (c.command >> bit) & 1);
      e.SetWires(c.cs, true, (c.command >> bit) & 1);
    }
    uint16_t word = 0;
    for (int i = 0; i < 16; ++i) {
      e.SetWires(c.cs, false, false);
      e.SetWires(c.cs, true, false);
      word = static_cast<uint16_t>(word << 1 | e.data_out());
    }
    EXPECT_EQ(word, c.want) << c.what;
    EXPECT_EQ(ReadWord(e, 5), 0xffff) << c.what;
  }
}

}  // namespace
}  // namespace portrace::devices
