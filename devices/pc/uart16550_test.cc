#include "devices/pc/uart16550.h"

#include <string>

#include <cstdio>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/machine.h"

namespace portrace::devices {
namespace {

class Collector : public sim::DeviceEventSink {
 public:
  void OnDeviceEvent(const sim::DeviceEvent& e) override {
    if (e.kind == "tx" && e.show_in_summary) text += e.text;
  }
  std::string text;
};

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

class UartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::MachineOptions options;
    options.name = "pc";
    machine_ = *sim::Machine::Create(options);
    machine_->events().set_sink(&sink_);
    machine_->AddDevice(*Uart16550::Create(machine_.get()));
  }
  sim::IoSpace& io() { return machine_->io(); }
  Collector sink_;
  std::unique_ptr<sim::Machine> machine_;
};

TEST_F(UartTest, ResetValuesAsQemu) {
  const struct { uint32_t port; uint32_t value; } cases[] = {
      {0x3f8, 0}, {0x3f9, 0}, {0x3fa, 0x01}, {0x3fb, 0}, {0x3fc, 0x08},
      {0x3fd, 0x60}, {0x3fe, 0xb0}, {0x3ff, 0}};
  for (const auto& c : cases) EXPECT_EQ(io().Read(c.port, 1), c.value) << std::hex << c.port;
}

TEST_F(UartTest, TransmittedBytesAreConsoleText) {
  for (char c : std::string("hi\n")) io().Write(0x3f8, 1, c);
  EXPECT_EQ(sink_.text, "hi\n");
  EXPECT_EQ(io().Read(0x3fd, 1), 0x60u);
}

TEST_F(UartTest, ThreInterruptRaisedOnEnableClearedByIirRead) {
  io().Write(0x3f9, 1, 0x02);
  EXPECT_TRUE(machine_->irq().level(4));
  EXPECT_EQ(io().Read(0x3fa, 1), 0x02u);
  EXPECT_FALSE(machine_->irq().level(4));
  EXPECT_EQ(io().Read(0x3fa, 1), 0x01u);
}

TEST_F(UartTest, LoopbackAndDivisor) {
  io().Write(0x3fb, 1, 0x80);
  EXPECT_EQ(io().Read(0x3f8, 1), 0x0cu);
  io().Write(0x3fb, 1, 0x03);
  io().Write(0x3fc, 1, 0x1f);
  EXPECT_EQ(io().Read(0x3fe, 1), 0xf0u);
  io().Write(0x3f8, 1, 0x41);
  EXPECT_EQ(io().Read(0x3fd, 1), 0x61u);
  EXPECT_EQ(io().Read(0x3f8, 1), 0x41u);
  EXPECT_EQ(sink_.text, "");
}

TEST_F(UartTest, PublishesLineControlAndDivisor) {
  EventLog log;
  machine_->events().set_sink(&log);
  io().Write(0x3fb, 1, 0x83);  // DLAB
  io().Write(0x3f8, 1, 0x01);
  io().Write(0x3f9, 1, 0x00);
  io().Write(0x3fb, 1, 0x03);
  EXPECT_THAT(log.events, ::testing::ElementsAre("lcr 83", "divisor 1", "divisor 1", "lcr 3"));
}

}  // namespace
}  // namespace portrace::devices
