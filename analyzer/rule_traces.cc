#include "analyzer/rule_traces.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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

std::vector<RuleTraceCase> LoadRuleTraceCases(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".expect") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  std::vector<RuleTraceCase> cases;
  for (const std::string& name : names) {
    RuleTraceCase c;
    c.name = name;
    for (const char* ext : {".qtest", ".qlog", ".trace"}) {
      if (std::filesystem::exists(dir + name + ext)) c.trace = dir + name + ext;
    }
    std::ifstream in(dir + name + ".expect");
    for (std::string line; std::getline(in, line);) {
      absl::string_view rest = line;
      if (absl::ConsumePrefix(&rest, "machine: ")) c.options.name = std::string(rest);
      if (absl::ConsumePrefix(&rest, "xenstore: ")) c.options.xenstore_nodes.emplace_back(rest);
      if (absl::ConsumePrefix(&rest, "drive: ")) c.options.drives.emplace_back(rest);
      if (absl::ConsumePrefix(&rest, "nic: ")) c.options.nics.emplace_back(rest);
      if (rest == "serial: yes") c.options.serial = true;
      if (absl::ConsumePrefix(&rest, "expect: ")) c.expected.emplace(rest);
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

std::set<std::string> FamilyFindings(const RuleTraceCase& c, const std::string& family,
                                     const std::vector<std::string>& also) {
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
    const absl::string_view id = f.type->id;
    if (absl::StartsWith(id, family) || std::find(also.begin(), also.end(), id) != also.end()) {
      found.insert(absl::StrCat(id, "@", f.event));
    }
  }
  return found;
}

void CheckRuleTraces(const std::string& dir, const std::string& family, size_t min_cases,
                     const std::vector<std::string>& also) {
  const std::vector<RuleTraceCase> cases = LoadRuleTraceCases(dir);
  ASSERT_GE(cases.size(), min_cases) << dir;
  std::set<std::string> triggered;
  for (const RuleTraceCase& c : cases) {
    ASSERT_FALSE(c.trace.empty()) << c.name << ": no trace beside the .expect";
    const std::set<std::string> found = FamilyFindings(c, family, also);
    EXPECT_EQ(found, c.expected) << c.name << ": found {" << absl::StrJoin(found, ", ")
                                 << "}, expected {" << absl::StrJoin(c.expected, ", ") << "}";
    for (const std::string& f : found) triggered.insert(f.substr(0, f.find('@')));
  }
  for (const FindingType& type : Catalogue()) {
    if (!absl::StartsWith(type.id, family)) continue;
    EXPECT_TRUE(triggered.count(std::string(type.id))) << type.id << " is never triggered";
  }
}

}  // namespace portrace::analyzer
