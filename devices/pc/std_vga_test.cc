#include "devices/pc/std_vga.h"

#include "gtest/gtest.h"
#include "sim/machine.h"
#include "sim/machine_builder.h"

namespace portrace::devices {
namespace {

uint32_t Config(sim::Machine& m, uint8_t offset) {
  m.io().Write(0xcf8, 4, 0x80001000 | offset);
  return m.io().Read(0xcfc, 4);
}

TEST(StdVgaTest, IdentityAndSizingAsQemu) {
  sim::MachineOptions options;
  options.name = "pc";
  options.vga = "std";
  std::unique_ptr<sim::Machine> m = *sim::BuildMachine(options);
  EXPECT_EQ(Config(*m, 0x00), 0x11111234u);
  EXPECT_EQ(Config(*m, 0x08), 0x03000002u);
  EXPECT_EQ(Config(*m, 0x10), 0x8u);
  for (uint8_t reg : {0x10, 0x18, 0x30}) {
    m->io().Write(0xcf8, 4, 0x80001000 | reg);
    m->io().Write(0xcfc, 4, 0xffffffff);
  }
  EXPECT_EQ(Config(*m, 0x10), 0xff000008u);
  EXPECT_EQ(Config(*m, 0x18), 0xfffff000u);
  EXPECT_EQ(Config(*m, 0x30), 0xffff0001u);
}

}  // namespace
}  // namespace portrace::devices
