// Every nic rule against its traces in testdata/nic/rules: NAME.{qtest,qlog,trace} is
// replayed on the machine NAME.expect names (with its NICs), and the nic.* findings must be
// exactly the `expect: rule@event` lines — a trigger names its rule, a near miss names nothing
// (or only what else it legitimately triggers). `nic: OPTIONS` adds a NIC as QEMU's -nic
// (model=ne2k_pci lands at 00:02.0, model=ne2k_isa at 0x300).
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

constexpr char kDir[] = "testdata/nic/rules/";

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
      if (absl::ConsumePrefix(&rest, "nic: ")) c.options.nics.emplace_back(rest);
      if (absl::ConsumePrefix(&rest, "expect: ")) c.expected.emplace(rest);
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

std::set<std::string> NicFindings(const Case& c) {
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
    if (absl::StartsWith(f.type->id, "nic.")) {
      found.insert(absl::StrCat(f.type->id, "@", f.event));
    }
  }
  return found;
}

TEST(NicRulesTest, EachTraceGivesExactlyItsExpectedFindings) {
  const std::vector<Case> cases = LoadCases();
  ASSERT_GE(cases.size(), 10u);
  std::set<std::string> triggered;
  for (const Case& c : cases) {
    ASSERT_FALSE(c.trace.empty()) << c.name << ": no trace beside the .expect";
    const std::set<std::string> found = NicFindings(c);
    EXPECT_EQ(found, c.expected) << c.name << ": found {" << absl::StrJoin(found, ", ")
                                 << "}, expected {" << absl::StrJoin(c.expected, ", ") << "}";
    for (const std::string& f : found) triggered.insert(f.substr(0, f.find('@')));
  }
  // Every nic rule of the catalogue has a trace that triggers it.
  for (const FindingType& type : Catalogue()) {
    if (!absl::StartsWith(type.id, "nic.")) continue;
    EXPECT_TRUE(triggered.count(std::string(type.id))) << type.id << " is never triggered";
  }
}

// The nic ids and their default severities.
TEST(NicRulesTest, CatalogueSeverities) {
  const struct {
    const char* id;
    Severity severity;
  } cases[] = {
      {"nic.remote-dma-outside-transfer", Severity::kWarning},
      {"nic.ring-bounds-invalid", Severity::kWarning},
      {"nic.rx-ring-overflow", Severity::kWarning},
      {"nic.tx-bad-length", Severity::kWarning},
      {"nic.tx-descriptor-reused", Severity::kWarning},
      {"nic.tx-without-bus-master", Severity::kError},  // the frame on the wire is not the guest's
  };
  int nic_ids = 0;
  for (const FindingType& type : Catalogue()) nic_ids += absl::StartsWith(type.id, "nic.");
  EXPECT_EQ(nic_ids, static_cast<int>(std::size(cases)));
  for (const auto& c : cases) {
    const FindingType* type = FindFindingType(c.id);
    ASSERT_NE(type, nullptr) << c.id;
    EXPECT_EQ(type->severity, c.severity) << c.id;
  }
}

}  // namespace
}  // namespace portrace::analyzer
