#include "analyzer/report.h"

#include <memory>
#include <string>

#include "analyzer/analyzer.h"
#include "analyzer/rules.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/machine.h"
#include "sim/replay.h"
#include "trace/event.h"

namespace portrace::analyzer {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Report Analyze(const trace::EventBatch& batch) {
  sim::MachineOptions options;
  options.name = "pc";
  std::unique_ptr<sim::Machine> machine = *sim::Machine::Create(options);
  Analyzer analyzer(CreateRules(machine->profile()));
  sim::Replayer replayer(machine.get());
  replayer.set_observer(&analyzer);
  replayer.RunBatch(batch);
  analyzer.Finish();
  return BuildReport("t.qtest", "qtest", "pc", replayer.summary(), analyzer);
}

trace::EventBatch Sample() {
  trace::EventBatch batch;
  trace::BatchBuilder b(&batch);
  b.PortWrite(0x70, 1, 0x8f);
  b.PortReadRecorded(0x71, 1, 0x26);
  b.TimeAdvance(1500);
  b.PortRead(0x1234, 2);
  b.PortRead(0x1234, 2);
  return batch;
}

TEST(ReportTest, FindingsAreOrderedBySeverityRuleAndEvent) {
  const Report report = Analyze(Sample());
  ASSERT_EQ(report.findings_size(), 4);
  EXPECT_EQ(report.findings(0).rule(), "replay.divergence");
  EXPECT_EQ(report.findings(0).severity(), "error");
  EXPECT_EQ(report.findings(0).event(), 1);
  EXPECT_EQ(report.findings(1).rule(), "io.unclaimed");
  EXPECT_EQ(report.findings(1).event(), 0);
  EXPECT_EQ(report.findings(2).event(), 1);
  EXPECT_EQ(report.findings(3).event(), 3);
  EXPECT_EQ(report.findings(3).occurrences(), 2);
  EXPECT_EQ(report.findings(3).t_ns(), 1500);
  EXPECT_EQ(report.errors(), 1);
  EXPECT_EQ(report.infos(), 4);  // 0x70 write, 0x71 read, 0x1234 twice
  EXPECT_EQ(report.replay().events(), 5);
  EXPECT_EQ(report.replay().divergent_reads(), 1);
}

TEST(ReportTest, JsonHasTheContractFieldsAsNumbers) {
  const absl::StatusOr<std::string> json = FormatJsonReport(Analyze(Sample()));
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_THAT(*json, HasSubstr("\"findings\": ["));
  EXPECT_THAT(*json, HasSubstr("\"rule\": \"replay.divergence\""));
  EXPECT_THAT(*json, HasSubstr("\"severity\": \"error\""));
  EXPECT_THAT(*json, HasSubstr("\"event\": 1,"));
  EXPECT_THAT(*json, HasSubstr("\"t_ns\": 1500,"));
  EXPECT_THAT(*json, HasSubstr("\"message\": \"inb 0x71"));
  EXPECT_THAT(*json, Not(HasSubstr("\"event\": \"")));  // never 64-bit ints as strings
  // The same input gives the same bytes.
  EXPECT_EQ(*json, *FormatJsonReport(Analyze(Sample())));
}

TEST(ReportTest, TextGroupsByRuleWithContext) {
  const std::string text = FormatTextReport(Analyze(Sample()));
  EXPECT_THAT(text, HasSubstr("t.qtest replayed on pc: 5 events in 1500 ns of virtual time"));
  EXPECT_THAT(text, HasSubstr("findings: 1 error, 0 warnings, 4 infos"));
  EXPECT_THAT(text, HasSubstr("error   replay.divergence"));
  EXPECT_THAT(text, HasSubstr("  #1 t=0ns: inb 0x71 (no device): the trace recorded 0x26, the "
                              "model answered 0xff\n"));
  EXPECT_THAT(text, HasSubstr("    > #1      inb 0x71 -> 0xff (trace: 0x26)\n"));
  EXPECT_THAT(text, HasSubstr("[x2, last #4]"));
  // Errors come before infos.
  EXPECT_LT(text.find("replay.divergence"), text.find("io.unclaimed"));
}

TEST(ReportTest, EmptyTraceSaysSo) {
  const std::string text = FormatTextReport(Analyze(trace::EventBatch()));
  EXPECT_THAT(text, HasSubstr("0 events"));
  EXPECT_THAT(text, HasSubstr("no findings"));
}

}  // namespace
}  // namespace portrace::analyzer
