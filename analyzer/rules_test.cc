// The rule families, driven through real replays (Replayer -> Analyzer), as the CLI does.
#include "analyzer/rules.h"

#include <memory>
#include <string>
#include <vector>

#include "analyzer/analyzer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/machine.h"
#include "sim/replay.h"
#include "trace/event.h"

namespace portrace::analyzer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using trace::BatchBuilder;
using trace::EventBatch;

// A one-byte register that holds what is written; accepts only 1-byte accesses.
class ByteRegister : public sim::IoRegion {
 public:
  uint64_t Read(uint64_t, unsigned) override { return value_; }
  void Write(uint64_t, unsigned, uint64_t value) override { value_ = value; }

 private:
  uint64_t value_ = 0;
};

// A register whose value follows the clock (reads 0: the replay's clock stands still).
class ClockRegister : public sim::IoRegion {
 public:
  uint64_t Read(uint64_t, unsigned) override { return 0; }
  void Write(uint64_t, unsigned, uint64_t) override {}
  bool FollowsClock(uint64_t) const override { return true; }
};

struct Outcome {
  std::vector<std::string> findings;  // "id@event"
  std::vector<std::string> messages;
  bool errors = false;
};

Outcome Analyze(const std::string& machine_name, const EventBatch& batch,
                const RuleOptions& rule_options = {}) {
  sim::MachineOptions options;
  options.name = machine_name;
  std::unique_ptr<sim::Machine> machine = *sim::Machine::Create(options);
  auto map = [&machine](const char* name, uint16_t base, uint32_t length, sim::IoRegion* region,
                        unsigned width) {
    EXPECT_TRUE(
        machine->io().Map({name, base, length, region, sim::AccessRules::Exactly(width)}).ok());
  };
  ByteRegister reg, dword;
  ClockRegister clock;
  map("reg", 0x80, 1, &reg, 1);
  map("dword", 0x84, 4, &dword, 4);
  map("clock", 0x90, 1, &clock, 1);
  Analyzer analyzer(CreateRules(machine->profile(), rule_options));
  sim::Replayer replayer(machine.get());
  replayer.set_observer(&analyzer);
  replayer.RunBatch(batch);
  analyzer.Finish();
  Outcome outcome;
  for (const Finding& f : analyzer.findings()) {
    outcome.findings.push_back(std::string(f.type->id) + "@" + std::to_string(f.event));
    outcome.messages.push_back(f.message);
  }
  outcome.errors = analyzer.HasErrors();
  return outcome;
}

TEST(IoRulesTest, UnclaimedOncePerPortWidthAndDirection) {
  EventBatch batch;
  BatchBuilder b(&batch);
  b.PortRead(0x1234, 2);
  b.PortRead(0x1234, 2);  // folded into the first
  b.PortWrite(0x1234, 2, 1);
  b.PortRead(0x80, 1);  // claimed: no finding
  Outcome o = Analyze("pc", batch);
  EXPECT_THAT(o.findings, ElementsAre("io.unclaimed@0", "io.unclaimed@2"));
  EXPECT_THAT(o.messages[0], HasSubstr("inw 0x1234: no device claims port 0x1234"));
  EXPECT_FALSE(o.errors);
}

TEST(IoRulesTest, BadWidthAndStraddle) {
  EventBatch batch;
  BatchBuilder b(&batch);
  // QEMU cuts this into a byte for the register and a byte of nothing at 0x81.
  b.PortRead(0x80, 2);
  b.PortWrite(0x80, 1, 5);  // fine
  b.PortRead(0x84, 1);      // below the dword register's minimum width
  b.PortRead(0x84, 4);      // fine
  Outcome o = Analyze("pc", batch);
  EXPECT_THAT(o.findings, ElementsAre("io.straddle@0", "io.unclaimed@0", "io.bad-width@2"));
  EXPECT_THAT(o.messages[0], HasSubstr("2-byte read at port 0x80 (reg) runs into unclaimed ports"));
  EXPECT_THAT(o.messages[2], HasSubstr("1-byte read of port 0x84 (dword) is not a valid access"));
}

TEST(IoRulesTest, NearMissAlignedInRangeAccessIsClean) {
  EventBatch batch;
  BatchBuilder b(&batch);
  b.PortWrite(0x80, 1, 0x12);
  b.PortReadRecorded(0x80, 1, 0x12);
  Outcome o = Analyze("xen-trad", batch);
  EXPECT_TRUE(o.findings.empty());
  EXPECT_FALSE(o.errors);
}

TEST(DivergenceRuleTest, RecordedValueDiffersFromModel) {
  EventBatch batch;
  BatchBuilder b(&batch);
  b.PortWrite(0x80, 1, 0x12);
  b.PortReadRecorded(0x80, 1, 0x13);   // diverges
  b.PortReadRecorded(0x80, 1, 0x13);   // same port: folded
  b.PortReadRecorded(0x80, 1, 0x12);   // agrees
  b.MmioReadRecorded(0x1000, 4, 0x1);  // RAM reads 0: diverges
  Outcome o = Analyze("pc", batch);
  EXPECT_THAT(o.findings, ElementsAre("replay.divergence@1", "replay.divergence@4"));
  EXPECT_THAT(o.messages[0],
              HasSubstr("inb 0x80 (reg): the trace recorded 0x13, the model answered 0x12"));
  EXPECT_THAT(o.messages[1], HasSubstr("readl 0x1000 (ram)"));
  EXPECT_TRUE(o.errors);
}

// A diverging read of a register that follows the clock is replay.clock-divergence (info) while
// the trace has carried no time, replay.divergence (error) after a time event.
TEST(DivergenceRuleTest, ClockRegistersOfAnUntimedTraceAreInfo) {
  EventBatch batch;
  BatchBuilder b(&batch);
  b.PortReadRecorded(0x90, 1, 0x05);  // #0 untimed: info
  b.PortReadRecorded(0x90, 1, 0x00);  // #1 agrees
  b.TimeAdvance(1000);                // #2
  b.PortReadRecorded(0x90, 1, 0x07);  // #3 the trace drives the clock now: error
  Outcome o = Analyze("pc", batch);
  EXPECT_THAT(o.findings, ElementsAre("replay.clock-divergence@0", "replay.divergence@3"));
  EXPECT_THAT(o.messages[0], HasSubstr("the value depends on time and the trace carries none"));
}

// Where the model has no device, divergences are grouped by the device the capture names.
EventBatch CaptureWithRegions() {
  EventBatch batch;
  BatchBuilder b(&batch);
  // An annotation names the event added just before it.
  b.PortReadRecorded(0x71, 1, 0x26);  // #0 rtc
  b.Annotate(trace::kRegionAnnotation, "rtc");
  b.PortReadRecorded(0x71, 1, 0x27);  // #1 rtc: folded into #0
  b.PortReadRecorded(0x92, 1, 0x02);  // #2 port92
  b.Annotate(trace::kRegionAnnotation, "port92");
  b.PortReadRecorded(0x80, 1, 0x01);  // #3 the model's reg answers: grouped under it
  b.Annotate(trace::kRegionAnnotation, "reg");
  b.PortReadRecorded(0x93, 1, 0x00);  // #4 region still "reg" but no model device
  return batch;
}

std::vector<std::string> Divergences(const Outcome& o) {
  std::vector<std::string> found;
  for (size_t i = 0; i < o.findings.size(); ++i) {
    if (o.findings[i].rfind("replay.divergence", 0) == 0) {
      found.push_back(o.findings[i] + " " + o.messages[i]);
    }
  }
  return found;
}

TEST(DivergenceRuleTest, GroupsByCaptureRegionWhereTheModelHasNoDevice) {
  const std::vector<std::string> found = Divergences(Analyze("pc", CaptureWithRegions()));
  ASSERT_EQ(found.size(), 4u);
  EXPECT_THAT(found[0], HasSubstr("@0 inb 0x71 (no device; the capture's 'rtc')"));
  EXPECT_THAT(found[1], HasSubstr("@2 inb 0x92 (no device; the capture's 'port92')"));
  EXPECT_THAT(found[2], HasSubstr("@3 inb 0x80 (reg)"));
  EXPECT_THAT(found[3], HasSubstr("@4 inb 0x93 (no device; the capture's 'reg')"));
}

TEST(DivergenceRuleTest, IgnoresModelMappingsAndCaptureRegions) {
  RuleOptions options;
  options.divergence.ignore_devices = {"rtc", "reg"};
  std::vector<std::string> found = Divergences(Analyze("pc", CaptureWithRegions(), options));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_THAT(found[0], HasSubstr("@2 inb 0x92"));
  options.divergence.ignore_devices = {};
  options.divergence.ignore_ports = {{0x71, 0x71}, {0x90, 0x92}};
  found = Divergences(Analyze("pc", CaptureWithRegions(), options));
  ASSERT_EQ(found.size(), 2u);
  EXPECT_THAT(found[0], HasSubstr("@3 inb 0x80"));
  EXPECT_THAT(found[1], HasSubstr("@4 inb 0x93"));
}

}  // namespace
}  // namespace portrace::analyzer
