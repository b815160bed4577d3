#include "sim/virtual_clock.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::sim {
namespace {

using ::testing::ElementsAre;

TEST(VirtualClockTest, StartsAtZeroAndOnlyMovesForward) {
  VirtualClock clock;
  EXPECT_EQ(clock.now(), 0u);
  clock.Advance(100);
  EXPECT_EQ(clock.now(), 100u);
  clock.AdvanceTo(50);
  EXPECT_EQ(clock.now(), 100u);
  clock.Advance(~uint64_t{0});
  EXPECT_EQ(clock.now(), ~uint64_t{0});
}

TEST(VirtualClockTest, TimersFireInDeadlineOrderAtTheirDeadline) {
  VirtualClock clock;
  std::vector<std::string> fired;
  clock.Schedule(300, [&] { fired.push_back("c@" + std::to_string(clock.now())); });
  clock.Schedule(100, [&] { fired.push_back("a@" + std::to_string(clock.now())); });
  clock.Schedule(100, [&] { fired.push_back("b@" + std::to_string(clock.now())); });
  const VirtualClock::TimerId cancelled = clock.Schedule(200, [&] { fired.push_back("x"); });
  clock.Cancel(cancelled);
  ASSERT_TRUE(clock.NextDeadline().has_value());
  EXPECT_EQ(*clock.NextDeadline(), 100u);
  clock.AdvanceTo(250);
  EXPECT_THAT(fired, ElementsAre("a@100", "b@100"));
  EXPECT_EQ(clock.now(), 250u);
  clock.AdvanceToNextDeadline();
  EXPECT_THAT(fired, ElementsAre("a@100", "b@100", "c@300"));
  EXPECT_FALSE(clock.NextDeadline().has_value());
  clock.AdvanceToNextDeadline();  // nothing pending: time stays
  EXPECT_EQ(clock.now(), 300u);
}

TEST(VirtualClockTest, StallMovesTimeAndCountsIt) {
  VirtualClock clock;
  bool fired = false;
  clock.Schedule(150, [&] { fired = true; });
  clock.Advance(100);
  clock.Stall(70);
  EXPECT_EQ(clock.now(), 170u);
  EXPECT_EQ(clock.stalled_ns(), 70u);
  EXPECT_TRUE(fired);
}

TEST(VirtualClockTest, PeriodicTimerReschedulesItself) {
  VirtualClock clock;
  int ticks = 0;
  std::function<void()> tick = [&] {
    ++ticks;
    clock.Schedule(clock.now() + 10, tick);
  };
  clock.Schedule(10, tick);
  clock.AdvanceTo(55);
  EXPECT_EQ(ticks, 5);
  EXPECT_EQ(*clock.NextDeadline(), 60u);
}

}  // namespace
}  // namespace portrace::sim
