#include "devices/pc/piix4_pm.h"

#include "gtest/gtest.h"
#include "sim/machine.h"
#include "sim/machine_builder.h"

namespace portrace::devices {
namespace {

class PmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::MachineOptions options;
    options.name = "pc";
    machine_ = *sim::BuildMachine(options);
  }
  void Config(uint8_t offset, unsigned width, uint32_t value) {
    machine_->io().Write(0xcf8, 4, 0x80000b00 | offset);
    machine_->io().Write(0xcfc + (offset & 3), width, value);
  }
  sim::IoSpace& io() { return machine_->io(); }
  std::unique_ptr<sim::Machine> machine_;
};

TEST_F(PmTest, TimerAppearsWhenEnabledAndCountsVirtualTime) {
  EXPECT_EQ(io().Read(0x608, 4), 0xffffffffu);
  Config(0x40, 4, 0x601);
  Config(0x80, 1, 0x01);
  EXPECT_EQ(io().Read(0x608, 4), 0u);
  machine_->clock().Advance(1000000000);
  EXPECT_EQ(io().Read(0x608, 4), kPmTimerFrequencyHz & 0xffffff);
  EXPECT_EQ(io().Read(0x628, 4), 0xffffffffu);  // unclaimed inside the block
  Config(0x80, 1, 0x00);
  EXPECT_EQ(io().Read(0x608, 4), 0xffffffffu);
}

TEST_F(PmTest, EventAndControlRegisters) {
  Config(0x40, 4, 0x601);
  Config(0x80, 1, 0x01);
  EXPECT_EQ(io().Read(0x600, 2), 0x0001u);  // timer status
  io().Write(0x604, 2, 0xffff);
  EXPECT_EQ(io().Read(0x604, 2), 0xdfffu);  // SLP_EN reads 0
  io().Write(0x602, 2, 0xffff);
  EXPECT_EQ(io().Read(0x602, 2), 0xffffu);
}

TEST_F(PmTest, ApmPorts) {
  io().Write(0xb3, 1, 0x01);
  io().Write(0xb2, 1, 0xb5);
  EXPECT_EQ(io().Read(0xb3, 1), 0x01u);
  EXPECT_EQ(io().Read(0xb2, 1), 0xb5u);
}

}  // namespace
}  // namespace portrace::devices
