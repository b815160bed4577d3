#include "devices/pc/rtc_cmos.h"

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

class RtcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::MachineOptions options;
    options.name = "pc";
    machine_ = *sim::Machine::Create(options);
    rtc_ = machine_->AddDevice(*RtcCmos::Create(machine_.get(), *ParseRtcBase("2026-11-22T01:43:54")));
  }
  uint32_t Cmos(uint8_t index) {
    machine_->io().Write(0x70, 1, index);
    return machine_->io().Read(0x71, 1);
  }
  std::unique_ptr<sim::Machine> machine_;
  RtcCmos* rtc_;
};

TEST_F(RtcTest, TimeFromBaseAndVirtualClockInBcd) {
  EXPECT_EQ(Cmos(0x00), 0x54u);
  EXPECT_EQ(Cmos(0x02), 0x43u);
  EXPECT_EQ(Cmos(0x04), 0x01u);
  EXPECT_EQ(Cmos(0x07), 0x22u);
  EXPECT_EQ(Cmos(0x08), 0x11u);
  EXPECT_EQ(Cmos(0x09), 0x26u);
  EXPECT_EQ(Cmos(0x06), 0x01u);  // a Sunday
  EXPECT_EQ(Cmos(0x32), 0x20u);
  machine_->clock().Advance(uint64_t{7} * 1000000000);
  EXPECT_EQ(Cmos(0x00), 0x01u);
  EXPECT_EQ(Cmos(0x02), 0x44u);
}

TEST_F(RtcTest, StatusRegistersAndIndexPort) {
  EXPECT_EQ(Cmos(0x0a), 0x26u);
  EXPECT_EQ(Cmos(0x0b), 0x02u);
  EXPECT_EQ(Cmos(0x0d), 0x80u);
  EXPECT_EQ(machine_->io().Read(0x70, 1), 0xffu);
  EXPECT_EQ(Cmos(0x80 | 0x0b), 0x02u);  // NMI bit ignored
}

TEST_F(RtcTest, UipDuringLastMicrosecondsOfASecond) {
  machine_->clock().Advance(999900000);
  EXPECT_EQ(Cmos(0x0a), 0xa6u);
  machine_->clock().Advance(200000);
  EXPECT_EQ(Cmos(0x0a), 0x26u);
}

TEST_F(RtcTest, GuestSetsTimeWithSetBit) {
  machine_->io().Write(0x70, 1, 0x0b);
  machine_->io().Write(0x71, 1, 0x82);
  machine_->io().Write(0x70, 1, 0x04);
  machine_->io().Write(0x71, 1, 0x13);
  machine_->io().Write(0x70, 1, 0x0b);
  machine_->io().Write(0x71, 1, 0x02);
  EXPECT_EQ(Cmos(0x04), 0x13u);
  EXPECT_EQ(Cmos(0x02), 0x43u);
}

TEST_F(RtcTest, BinaryTwelveHourMode) {
  machine_->io().Write(0x70, 1, 0x0b);
  machine_->io().Write(0x71, 1, 0x04);  // binary, 12-hour
  EXPECT_EQ(Cmos(0x00), 54u);
  EXPECT_EQ(Cmos(0x04), 1u);
}

TEST_F(RtcTest, Ps2CenturyAliasMovesIndex) {
  EXPECT_EQ(Cmos(0x37), 0x20u);
  EXPECT_EQ(machine_->io().Read(0x71, 1), 0x20u);
}

TEST(RtcBaseTest, RejectsBadText) {
  const absl::StatusOr<int64_t> base = ParseRtcBase("yesterday");
  EXPECT_EQ(base.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(base.status().message().find("YYYY-MM-DDTHH:MM:SS"), absl::string_view::npos);
  EXPECT_EQ(*ParseRtcBase("2026-01-01T00:00:00"), kDefaultRtcBase);
}

TEST_F(RtcTest, HostileClockAndWritesNeverCrash) {
  for (int i = 0; i < 0x80; ++i) {
    machine_->io().Write(0x70, 1, i);
    machine_->io().Write(0x71, 1, 0xff);
  }
  machine_->clock().Advance(~uint64_t{0});
  for (int i = 0; i < 0x80; ++i) (void)Cmos(i);
}

TEST_F(RtcTest, PublishesIndexReadAndWrite) {
  EventLog log;
  machine_->events().set_sink(&log);
  machine_->io().Write(0x70, 1, 0x8f);  // NMI off, index 0x0f
  machine_->io().Write(0x71, 1, 0x5a);
  EXPECT_EQ(Cmos(0x0f), 0x5au);
  EXPECT_THAT(log.events, ::testing::ElementsAre("index 8f", "write f5a", "index f", "read f5a"));
}

}  // namespace
}  // namespace portrace::devices
