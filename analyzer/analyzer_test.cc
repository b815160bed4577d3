#include "analyzer/analyzer.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::analyzer {
namespace {

using ::testing::ElementsAre;

// Emits io.unclaimed keyed by port for every port read of port >= 0x100, and
// replay.divergence (unkeyed) for every read of port 0x71, and at the end one finding about
// event 2.
class ScriptedRule : public Rule {
 public:
  absl::string_view name() const override { return "scripted"; }
  void OnEvent(const sim::ReplayedEvent& e, FindingEmitter& out) override {
    if (e.event.kind != trace::PORT_READ) return;
    if (e.event.address >= 0x100) {
      out.Emit("io.unclaimed", absl::StrFormat("port 0x%x", e.event.address),
               absl::StrFormat("%x", e.event.address));
    }
    if (e.event.address == 0x71) out.Emit("replay.divergence", "rtc");
  }
  void OnEnd(FindingEmitter& out) override { out.EmitAt("io.straddle", 2, 20, "late", ""); }
};

sim::ReplayedEvent Read(uint64_t index, uint16_t port) {
  sim::ReplayedEvent e;
  e.index = index;
  e.t_ns = index * 10;
  e.event.kind = trace::PORT_READ;
  e.event.width = 1;
  e.event.address = port;
  e.model_value = 0xff;
  return e;
}

std::vector<std::unique_ptr<Rule>> Scripted() {
  std::vector<std::unique_ptr<Rule>> rules;
  rules.push_back(std::make_unique<ScriptedRule>());
  return rules;
}

std::vector<uint64_t> ContextEvents(const Finding& f) {
  std::vector<uint64_t> events;
  for (const ContextLine& line : f.context) events.push_back(line.event);
  return events;
}

TEST(AnalyzerTest, FoldsRepeatsKeepsContextAndTallies) {
  AnalyzerOptions options;
  options.context_before = 2;
  options.context_after = 2;
  Analyzer analyzer(Scripted(), options);
  const uint16_t ports[] = {0x70, 0x71, 0x80, 0x200, 0x80, 0x200, 0x71, 0x80};
  for (uint64_t i = 0; i < 8; ++i) analyzer.OnEvent(Read(i, ports[i]));
  analyzer.Finish();

  ASSERT_EQ(analyzer.findings().size(), 4u);
  const Finding& first_rtc = analyzer.findings()[0];
  EXPECT_EQ(first_rtc.type->id, "replay.divergence");
  EXPECT_EQ(first_rtc.event, 1u);
  EXPECT_EQ(first_rtc.t_ns, 10u);
  EXPECT_THAT(ContextEvents(first_rtc), ElementsAre(0, 1, 2, 3));
  EXPECT_EQ(first_rtc.context[1].text, "inb 0x71 -> 0xff");

  const Finding& unclaimed = analyzer.findings()[1];
  EXPECT_EQ(unclaimed.type->id, "io.unclaimed");
  EXPECT_EQ(unclaimed.event, 3u);
  EXPECT_EQ(unclaimed.occurrences, 2u);
  EXPECT_EQ(unclaimed.last_event, 5u);
  EXPECT_THAT(ContextEvents(unclaimed), ElementsAre(1, 2, 3, 4, 5));

  EXPECT_EQ(analyzer.findings()[2].event, 6u);  // unkeyed: not folded
  EXPECT_THAT(ContextEvents(analyzer.findings()[2]), ElementsAre(4, 5, 6, 7));

  const Finding& late = analyzer.findings()[3];
  EXPECT_EQ(late.type->id, "io.straddle");
  EXPECT_EQ(late.event, 2u);
  EXPECT_TRUE(late.context.empty());  // event 2 has left the window

  EXPECT_EQ(analyzer.tallies().at("io.unclaimed").occurrences, 2u);
  EXPECT_EQ(analyzer.tallies().at("replay.divergence").occurrences, 2u);
  EXPECT_TRUE(analyzer.HasErrors());
}

TEST(AnalyzerTest, LimitPerRuleCountsTheRest) {
  AnalyzerOptions options;
  options.max_findings_per_rule = 2;
  Analyzer analyzer(Scripted(), options);
  for (uint64_t i = 0; i < 10; ++i) analyzer.OnEvent(Read(i, 0x100 + i));
  const Tally& tally = analyzer.tallies().at("io.unclaimed");
  EXPECT_EQ(tally.occurrences, 10u);
  EXPECT_EQ(tally.findings, 2u);
  EXPECT_EQ(tally.suppressed, 8u);
  EXPECT_EQ(analyzer.findings().size(), 2u);
  EXPECT_FALSE(analyzer.HasErrors());
}

TEST(AnalyzerTest, NoEventsNoFindings) {
  Analyzer analyzer(Scripted());
  analyzer.Finish();
  ASSERT_EQ(analyzer.findings().size(), 1u);  // the scripted end-of-trace finding
  EXPECT_FALSE(analyzer.HasErrors());
}

}  // namespace
}  // namespace portrace::analyzer
