// Every nic rule against its traces in testdata/nic/rules (format: rule_traces.h).
#include <iterator>

#include "absl/strings/match.h"
#include "analyzer/catalogue.h"
#include "analyzer/rule_traces.h"
#include "gtest/gtest.h"

namespace portrace::analyzer {
namespace {

TEST(NicRulesTest, EachTraceGivesExactlyItsExpectedFindings) {
  CheckRuleTraces("testdata/nic/rules/", "nic.", 18);
}

// The nic ids and their default severities.
TEST(NicRulesTest, CatalogueSeverities) {
  const struct {
    const char* id;
    Severity severity;
  } cases[] = {
      {"nic.eeprom-read-aborted", Severity::kInfo},
      {"nic.eeprom-write-ignored", Severity::kWarning},
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
