// The shared harness of the rule-family tests (platform, ide, pc, nic): a directory of traces,
// each NAME.{qtest,qlog,trace} beside NAME.expect, whose lines are
//   machine: NAME          the machine profile
//   xenstore: PATH=VALUE   a xenstore node        drive: OPTIONS  an IDE drive (QEMU -drive)
//   nic: OPTIONS           a NIC (QEMU -nic)      serial: yes     COM1 at 0x3f8
//   expect: RULE@EVENT     a finding the replay must give
// A trace is replayed and analyzed; its findings of the family must be exactly its expect lines
// (a trigger names its rule, a near miss nothing), and every id of the family in the catalogue
// must be triggered by some trace. Test-only.
#ifndef PORTRACE_ANALYZER_RULE_TRACES_H_
#define PORTRACE_ANALYZER_RULE_TRACES_H_

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "sim/machine.h"

namespace portrace::analyzer {

struct RuleTraceCase {
  std::string name;
  std::string trace;  // path; empty if NAME.expect has no trace beside it
  sim::MachineOptions options;
  std::set<std::string> expected;  // "rule@event"
};

// The cases of `dir` (with a trailing '/'), sorted by name.
std::vector<RuleTraceCase> LoadRuleTraceCases(const std::string& dir);

// The findings ("rule@event") of the replayed case whose id starts with `family` (e.g. "ide.")
// or equals one of `also` (ids of other families the traces check, such as
// platform.use-after-unplug).
std::set<std::string> FamilyFindings(const RuleTraceCase& c, const std::string& family,
                                     const std::vector<std::string>& also = {});

// Runs every case of `dir` with gtest expectations as described above.
void CheckRuleTraces(const std::string& dir, const std::string& family, size_t min_cases,
                     const std::vector<std::string>& also = {});

}  // namespace portrace::analyzer

#endif  // PORTRACE_ANALYZER_RULE_TRACES_H_
