#include "sim/irq_lines.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::sim {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

class Recorder : public DeviceEventSink, public IrqListener {
 public:
  void OnDeviceEvent(const DeviceEvent& e) override {
    events.push_back(e.kind + " " + std::to_string(e.value) + " " + e.text);
  }
  void OnIrq(int line, bool level) override { calls.emplace_back(line, level); }
  std::vector<std::string> events;
  std::vector<std::pair<int, bool>> calls;
};

TEST(IrqLinesTest, PublishesLevelChangesOnly) {
  DeviceEventBus bus;
  Recorder recorder;
  bus.set_sink(&recorder);
  IrqLines irq(&bus);
  irq.AddListener(&recorder);
  irq.Set("ide", 14, true);
  irq.Set("ide", 14, true);
  EXPECT_TRUE(irq.level(14));
  irq.Set("ide", 14, false);
  EXPECT_FALSE(irq.level(14));
  EXPECT_THAT(recorder.events, ElementsAre("irq-raise 14 ide", "irq-lower 14 ide"));
  EXPECT_THAT(recorder.calls, ElementsAre(Pair(14, true), Pair(14, false)));
}

TEST(IrqLinesTest, SharedLineIsWiredOr) {
  DeviceEventBus bus;
  Recorder recorder;
  bus.set_sink(&recorder);
  IrqLines irq(&bus);
  irq.Set("a", 11, true);
  irq.Set("b", 11, true);
  irq.Set("a", 11, false);
  EXPECT_TRUE(irq.level(11));
  irq.Set("b", 11, false);
  EXPECT_FALSE(irq.level(11));
  EXPECT_THAT(recorder.events, ElementsAre("irq-raise 11 a", "irq-lower 11 b"));
}

TEST(IrqLinesTest, IgnoresLinesOutOfRangeAndRemovedListeners) {
  DeviceEventBus bus;
  Recorder recorder;
  IrqLines irq(&bus);
  irq.AddListener(&recorder);
  irq.Set("x", -1, true);
  irq.Set("x", IrqLines::kCount, true);
  EXPECT_FALSE(irq.level(-1));
  EXPECT_FALSE(irq.level(IrqLines::kCount));
  irq.RemoveListener(&recorder);
  irq.Set("x", 3, true);
  EXPECT_TRUE(irq.level(3));
  EXPECT_TRUE(recorder.calls.empty());
}

}  // namespace
}  // namespace portrace::sim
