// Every pc rule against its traces in testdata/pc/rules: NAME.{qtest,qlog,trace} is
// replayed on the machine NAME.expect names (with its xenstore nodes), and the pc.*
// findings must be exactly the `expect: rule@event` lines — a trigger names its rule, a near
// miss names nothing (or only what else it legitimately triggers). `serial: yes` adds COM1.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "analyzer/analyzer.h"
#include "analyzer/catalogue.h"
#include "analyzer/rules.h"
#include "gtest/gtest.h"
#include "sim/machine_builder.h"
#include "sim/replay.h"
#include "trace/importers/registry.h"

namespace portrace::analyzer {
namespace {

constexpr char kDir[] = "testdata/pc/rules/";

struct Case {
  std::string name;
  std::string trace;
  sim::MachineOptions options;
  std::set<std::string> expected;
};

std::vector<Case> LoadCases() {
  std::vector<Case> cases;
  std::vector<std::string> expects;
  for (const auto& entry : std::filesystem::directory_iterator(kDir)) {
    if (entry.path().extension() == ".expect") expects.push_back(entry.path().stem().string());
  }
  std::sort(expects.begin(), expects.end());
  for (const std::string& name : expects) {
    Case c;
    c.name = name;
    for (const char* ext : {".qtest", ".qlog", ".trace"}) {
      if (std::filesystem::exists(kDir + name + ext)) c.trace = kDir + name + ext;
    }
    std::ifstream in(kDir + name + ".expect");
    for (std::string line; std::getline(in, line);) {
      absl::string_view rest = line;
      if (absl::ConsumePrefix(&rest, "machine: ")) c.options.name = std::string(rest);
      if (absl::ConsumePrefix(&rest, "xenstore: ")) c.options.xenstore_nodes.emplace_back(rest);
      if (rest == "serial: yes") c.options.serial = true;  // QEMU's -serial: COM1 at 0x3f8
      if (absl::ConsumePrefix(&rest, "expect: ")) c.expected.emplace(rest);
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

std::set<std::string> PcFindings(const Case& c) {
  std::set<std::string> found;
  absl::StatusOr<std::unique_ptr<sim::Machine>> machine = sim::BuildMachine(c.options);
  EXPECT_TRUE(machine.ok()) << c.name << ": " << machine.status();
  if (!machine.ok()) return found;
  absl::StatusOr<trace::OpenedTrace> opened = trace::OpenTrace(c.trace, "");
  EXPECT_TRUE(opened.ok()) << c.name << ": " << opened.status();
  if (!opened.ok()) return found;
  AnalyzerOptions options;
  options.max_findings_per_rule = 0;
  Analyzer analyzer(CreateRules((*machine)->profile()), options);
  sim::Replayer replayer(machine->get());
  replayer.set_observer(&analyzer);
  EXPECT_TRUE(replayer.Run(*opened->source).ok()) << c.name;
  analyzer.Finish();
  for (const Finding& f : analyzer.findings()) {
    if (absl::StartsWith(f.type->id, "pc.")) {
      found.insert(absl::StrCat(f.type->id, "@", f.event));
    }
  }
  return found;
}

TEST(PcRulesTest, EachTraceGivesExactlyItsExpectedFindings) {
  const std::vector<Case> cases = LoadCases();
  ASSERT_GE(cases.size(), 16u);
  std::set<std::string> triggered;
  for (const Case& c : cases) {
    ASSERT_FALSE(c.trace.empty()) << c.name << ": no trace beside the .expect";
    const std::set<std::string> found = PcFindings(c);
    EXPECT_EQ(found, c.expected) << c.name << ": found {" << absl::StrJoin(found, ", ")
                                 << "}, expected {" << absl::StrJoin(c.expected, ", ") << "}";
    for (const std::string& f : found) triggered.insert(f.substr(0, f.find('@')));
  }
  // Every pc rule of the catalogue has a trace that triggers it.
  for (const FindingType& type : Catalogue()) {
    if (!absl::StartsWith(type.id, "pc.")) continue;
    EXPECT_TRUE(triggered.count(std::string(type.id))) << type.id << " is never triggered";
  }
}

// The pc ids and their default severities, as the rules' comments justify them.
TEST(PcRulesTest, CatalogueSeverities) {
  const struct {
    const char* id;
    Severity severity;
  } cases[] = {
      {"pc.pic-eoi-not-in-service", Severity::kWarning},
      {"pc.pic-init-incomplete", Severity::kError},
      {"pc.pit-partial-load", Severity::kWarning},
      {"pc.pit-zero-count", Severity::kInfo},  // SeaBIOS's 18.2 Hz tick loads 0 on purpose
      {"pc.pm-timer-width", Severity::kWarning},
      {"pc.reset-request", Severity::kInfo},
      {"pc.rtc-index-without-data", Severity::kInfo},  // NMI masking through 0x70 is legitimate
      {"pc.rtc-read-during-update", Severity::kWarning},
      {"pc.uart-divisor-zero", Severity::kWarning},
  };
  int pc_ids = 0;
  for (const FindingType& type : Catalogue()) pc_ids += absl::StartsWith(type.id, "pc.");
  EXPECT_EQ(pc_ids, static_cast<int>(std::size(cases)));
  for (const auto& c : cases) {
    const FindingType* type = FindFindingType(c.id);
    ASSERT_NE(type, nullptr) << c.id;
    EXPECT_EQ(type->severity, c.severity) << c.id;
  }
}

}  // namespace
}  // namespace portrace::analyzer
