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
  for (int i = 0; i < Eeprom93c46::kWords; ++i)
    contents[i] = static_cast<uint16_t>(0x8129 + i * 0x0101);
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

// What SetWires reports: each decoded command (on its 8th bit) and a READ cut short by CS.
TEST(Eeprom93c46Test, SignalsCommandsAndAbortedReads) {
  Eeprom93c46 e({});
  auto send = [&e](int command) {
    Eeprom93c46::Signal last;
    e.SetWires(true, false, true);
    e.SetWires(true, true, true);  // start bit
    for (int bit = 7; bit >= 0; --bit) {
      e.SetWires(true, false, (command >> bit) & 1);
      const Eeprom93c46::Signal s = e.SetWires(true, true, (command >> bit) & 1);
      if (bit > 0) {
        EXPECT_EQ(s.kind, Eeprom93c46::Signal::kNone) << bit;
      }
      last = s;
    }
    return last;
  };
  const struct {
    int command;
    const char* name;
  } cases[] = {{0x85, "READ 0x05"}, {0x7f, "WRITE 0x3f"}, {0xc1, "ERASE 0x01"}, {0x30, "EWEN"},
               {0x00, "EWDS"},      {0x20, "ERAL"},       {0x10, "WRAL"}};
  for (const auto& c : cases) {
    e.SetWires(false, false, false);
    const Eeprom93c46::Signal s = send(c.command);
    EXPECT_EQ(s.kind, Eeprom93c46::Signal::kCommand) << c.name;
    EXPECT_EQ(s.value, c.command) << c.name;
    EXPECT_EQ(Eeprom93c46::CommandName(s.value), c.name);
  }
  // A READ with 3 data bits clocked, then CS drops: aborted after 3.
  e.SetWires(false, false, false);
  send(0x85);
  for (int i = 0; i < 3; ++i) {
    e.SetWires(true, false, false);
    e.SetWires(true, true, false);
  }
  Eeprom93c46::Signal s = e.SetWires(false, false, false);
  EXPECT_EQ(s.kind, Eeprom93c46::Signal::kReadAborted);
  EXPECT_EQ(s.value, 3);
  // All 16 bits, then CS drops: nothing to report.
  send(0x85);
  for (int i = 0; i < 16; ++i) {
    e.SetWires(true, false, false);
    e.SetWires(true, true, false);
  }
  s = e.SetWires(false, false, false);
  EXPECT_EQ(s.kind, Eeprom93c46::Signal::kNone);
}

}  // namespace
}  // namespace portrace::devices
