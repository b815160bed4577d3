// Every platform rule against its traces in testdata/platform/rules (format: rule_traces.h).
#include "analyzer/rule_traces.h"
#include "gtest/gtest.h"

namespace portrace::analyzer {
namespace {

TEST(PlatformRulesTest, EachTraceGivesExactlyItsExpectedFindings) {
  CheckRuleTraces("testdata/platform/rules/", "platform.", 60);
}

}  // namespace
}  // namespace portrace::analyzer
