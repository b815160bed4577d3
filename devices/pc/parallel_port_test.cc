#include "devices/pc/parallel_port.h"

#include <vector>

#include "gtest/gtest.h"
#include "sim/machine.h"

namespace portrace::devices {
namespace {

class Prints : public sim::DeviceEventSink {
 public:
  void OnDeviceEvent(const sim::DeviceEvent& e) override {
    if (e.device == "parallel" && e.kind == "print") bytes.push_back(e.value);
  }
  std::vector<uint64_t> bytes;
};

class ParallelPortTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::MachineOptions options;
    options.name = "pc";
    machine_ = *sim::Machine::Create(options);
    machine_->events().set_sink(&prints_);
    machine_->AddDevice(*ParallelPort::Create(machine_.get()));
  }
  uint64_t In(uint16_t port, unsigned width = 1) { return machine_->io().Read(port, width); }
  void Out(uint16_t port, uint64_t value, unsigned width = 1) {
    machine_->io().Write(port, width, value);
  }

  Prints prints_;
  std::unique_ptr<sim::Machine> machine_;
};

// The reset state and SeaBIOS's LPT probe (write control, write data, read data back).
TEST_F(ParallelPortTest, ResetValuesAndSeaBiosProbe) {
  EXPECT_EQ(In(0x378), 0xffu);
  EXPECT_EQ(In(0x379), 0xd9u);
  EXPECT_EQ(In(0x37a), 0xccu);
  for (uint16_t port = 0x37b; port <= 0x37f; ++port) EXPECT_EQ(In(port), 0xffu) << port;
  Out(0x37a, 0xcc);
  Out(0x378, 0xaa);
  EXPECT_EQ(In(0x378), 0xaau);
}

TEST_F(ParallelPortTest, ControlKeepsBits6And7AndDirectionSelectsTheInputLatch) {
  Out(0x378, 0x12);
  Out(0x37a, 0x2c);  // direction: read
  EXPECT_EQ(In(0x37a), 0xecu);
  EXPECT_EQ(In(0x378), 0xffu);
  Out(0x37a, 0x0c);
  EXPECT_EQ(In(0x378), 0x12u);
  Out(0x379, 0x00);  // status is read-only
  EXPECT_EQ(In(0x379), 0xd9u);
}

// A strobe prints the data byte once (on the rising strobe), clears BUSY#, and the status reads
// then walk the handshake: ACK# drops, then ACK# and BUSY# rise together.
TEST_F(ParallelPortTest, StrobePrintsAndStatusWalksTheHandshake) {
  Out(0x378, 'A');
  Out(0x37a, 0x0d);  // SELECT | INIT# | STROBE
  Out(0x37a, 0x0d);  // still strobed: no second print
  EXPECT_EQ(prints_.bytes, std::vector<uint64_t>{'A'});
  EXPECT_EQ(In(0x379), 0x59u);  // BUSY# clear; strobe still high, so no handshake step
  Out(0x37a, 0x0c);             // strobe released
  EXPECT_EQ(In(0x379), 0x59u);  // -> ACK# drops
  EXPECT_EQ(In(0x379), 0x19u);  // -> ACK# and BUSY# rise
  EXPECT_EQ(In(0x379), 0xd9u);
  EXPECT_EQ(In(0x379), 0xd9u);
}

TEST_F(ParallelPortTest, InitResetsStatusAndClearsTimeout) {
  Out(0x37a, 0x08);  // INIT# low
  EXPECT_EQ(In(0x379), 0xd8u);
}

// With IRQ enable set, a SELECT write without STROBE raises IRQ 7 until the status is read.
TEST_F(ParallelPortTest, InterruptRaisedBySelectAndClearedByStatusRead) {
  Out(0x37a, 0x1c);  // IRQ enable (takes effect for the next write)
  EXPECT_FALSE(machine_->irq().level(7));
  Out(0x37a, 0x1c);
  EXPECT_TRUE(machine_->irq().level(7));
  Out(0x378, 0x00);  // a data write keeps the pending interrupt
  EXPECT_TRUE(machine_->irq().level(7));
  In(0x379);
  EXPECT_FALSE(machine_->irq().level(7));
}

// Byte handlers only: a word access is two byte accesses, a dword reads all ones and is dropped.
TEST_F(ParallelPortTest, WidthsFollowQemuPortio) {
  Out(0x378, 0x34);
  EXPECT_EQ(In(0x378, 2), 0xd934u);
  EXPECT_EQ(In(0x37f, 2), 0xffffu);
  EXPECT_EQ(In(0x378, 4), 0xffffffffu);
  Out(0x378, 0x5678, 4);
  EXPECT_EQ(In(0x378), 0x34u);
  Out(0x378, 0xcc56, 2);  // data 0x56, status write ignored
  EXPECT_EQ(In(0x378), 0x56u);
}

}  // namespace
}  // namespace portrace::devices
