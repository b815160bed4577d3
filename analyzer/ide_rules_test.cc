// Every IDE rule against its traces in testdata/ide/rules (format: rule_traces.h); a command to
// a disk the platform device removed is platform.use-after-unplug.
#include "analyzer/rule_traces.h"
#include "gtest/gtest.h"

namespace portrace::analyzer {
namespace {

TEST(IdeRulesTest, EachTraceGivesExactlyItsExpectedFindings) {
  CheckRuleTraces("testdata/ide/rules/", "ide.", 26, {"platform.use-after-unplug"});
}

}  // namespace
}  // namespace portrace::analyzer
