#include "devices/pc/pit.h"

#include <cstdio>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/machine.h"

namespace portrace::devices {
namespace {

// Records "kind value[ text]" for the events of the device under test (not the IRQ lines').
class EventLog : public sim::DeviceEventSink {
 public:
  void OnDeviceEvent(const sim::DeviceEvent& e) override {
    if (e.kind.rfind("irq-", 0) == 0) return;
    char value[32];
    std::snprintf(value, sizeof value, "%llx", static_cast<unsigned long long>(e.value));
    events.push_back(e.kind + " " + value + (e.text.empty() ? "" : " " + e.text));
  }
  std::vector<std::string> events;
};

class PitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::MachineOptions options;
    options.name = "pc";
    machine_ = *sim::Machine::Create(options);
    pit_ = machine_->AddDevice(*Pit::Create(machine_.get()));
  }
  sim::IoSpace& io() { return machine_->io(); }
  std::unique_ptr<sim::Machine> machine_;
  Pit* pit_;
};

TEST_F(PitTest, ResetStateAsQemu) {
  EXPECT_EQ(io().Read(0x40, 1), 0u);
  EXPECT_EQ(io().Read(0x43, 1), 0u);
  EXPECT_EQ(io().Read(0x61, 1), 0x30u);  // refresh toggles, channel 2 output high
  EXPECT_EQ(io().Read(0x61, 1), 0x20u);
}

TEST_F(PitTest, CountsDownOnVirtualTime) {
  io().Write(0x43, 1, 0x34);  // channel 0, lsb/msb, mode 2
  io().Write(0x40, 1, 0x00);
  io().Write(0x40, 1, 0x10);  // 0x1000
  machine_->clock().Advance(1000000);  // 1 ms = 1193 ticks
  io().Write(0x43, 1, 0x00);  // latch channel 0
  const uint32_t lo = io().Read(0x40, 1), hi = io().Read(0x40, 1);
  EXPECT_EQ(lo | hi << 8, 0x1000u - 1193);
}

TEST_F(PitTest, ReadBackLatchesStatus) {
  io().Write(0x43, 1, 0xb6);  // channel 2, lsb/msb, mode 3
  io().Write(0x43, 1, 0xe8);  // read-back status of channel 2 only
  EXPECT_EQ(io().Read(0x42, 1), 0x80u | 0x30 | 0x06);
}

TEST_F(PitTest, Channel0DrivesIrq0) {
  io().Write(0x43, 1, 0x30);  // mode 0
  io().Write(0x40, 1, 100);
  io().Write(0x40, 1, 0);
  EXPECT_FALSE(machine_->irq().level(0));
  machine_->clock().Advance(1000000);
  EXPECT_TRUE(machine_->irq().level(0));
}

TEST_F(PitTest, ZeroCountMeans65536) {
  io().Write(0x43, 1, 0x34);
  io().Write(0x40, 1, 0);
  io().Write(0x40, 1, 0);
  EXPECT_EQ(pit_->Count(0), 0x10000u);
}

TEST_F(PitTest, PublishesTheLowByteOfATwoByteLoad) {
  EventLog log;
  machine_->events().set_sink(&log);
  io().Write(0x43, 1, 0x34);  // channel 0, LSB then MSB, mode 2
  io().Write(0x40, 1, 0x9c);
  io().Write(0x40, 1, 0x2e);
  io().Write(0x43, 1, 0xa0);  // channel 2, MSB only, mode 0
  io().Write(0x42, 1, 0x12);
  EXPECT_THAT(log.events, ::testing::ElementsAre("control 34", "load-low 9c", "load 202e9c",
                                                 "control a0", "load 2001200"));
}

}  // namespace
}  // namespace portrace::devices
