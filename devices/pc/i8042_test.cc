#include "devices/pc/i8042.h"

#include "gtest/gtest.h"
#include "sim/machine.h"

namespace portrace::devices {
namespace {

class I8042Test : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::MachineOptions options;
    options.name = "pc";
    machine_ = *sim::Machine::Create(options);
    machine_->AddDevice(*I8042::Create(machine_.get()));
  }
  sim::IoSpace& io() { return machine_->io(); }
  std::unique_ptr<sim::Machine> machine_;
};

// SeaBIOS's probe, as the capture in testdata/qemu-trace shows it.
TEST_F(I8042Test, FirmwareProbeSequence) {
  EXPECT_EQ(io().Read(0x64, 1), 0x18u);
  io().Write(0x64, 1, 0xad);
  io().Write(0x64, 1, 0xa7);
  io().Write(0x64, 1, 0xaa);
  EXPECT_EQ(io().Read(0x64, 1), 0x1du);
  EXPECT_EQ(io().Read(0x60, 1), 0x55u);
  io().Write(0x64, 1, 0xab);
  EXPECT_EQ(io().Read(0x64, 1), 0x1du);
  EXPECT_EQ(io().Read(0x60, 1), 0x00u);
  io().Write(0x64, 1, 0x60);
  io().Write(0x60, 1, 0x30);
  io().Write(0x60, 1, 0xff);  // keyboard reset
  EXPECT_EQ(io().Read(0x64, 1), 0x1du);
  EXPECT_EQ(io().Read(0x60, 1), 0xfau);
  EXPECT_EQ(io().Read(0x60, 1), 0xaau);
  EXPECT_EQ(io().Read(0x64, 1), 0x1cu);
  EXPECT_EQ(io().Read(0x60, 1), 0xaau);  // empty buffer repeats the last byte
}

TEST_F(I8042Test, MouseRepliesSetMouseBit) {
  io().Write(0x64, 1, 0xd4);
  io().Write(0x60, 1, 0xf2);
  EXPECT_EQ(io().Read(0x64, 1), 0x39u);
  EXPECT_EQ(io().Read(0x60, 1), 0xfau);
  EXPECT_EQ(io().Read(0x60, 1), 0x00u);
}

TEST_F(I8042Test, CommandByteAndUnknownKeyboardCommand) {
  io().Write(0x64, 1, 0x20);
  EXPECT_EQ(io().Read(0x60, 1), 0x03u);
  io().Write(0x60, 1, 0x12);
  EXPECT_EQ(io().Read(0x60, 1), 0xfeu);
}

TEST_F(I8042Test, QueuesAreBounded) {
  for (int i = 0; i < 100000; ++i) io().Write(0x60, 1, 0xf2);
  for (int i = 0; i < 100; ++i) io().Read(0x60, 1);
}

}  // namespace
}  // namespace portrace::devices
