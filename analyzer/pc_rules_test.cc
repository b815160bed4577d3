// Every pc rule against its traces in testdata/pc/rules (format: rule_traces.h).
#include <iterator>

#include "absl/strings/match.h"
#include "analyzer/catalogue.h"
#include "analyzer/rule_traces.h"
#include "gtest/gtest.h"

namespace portrace::analyzer {
namespace {

TEST(PcRulesTest, EachTraceGivesExactlyItsExpectedFindings) {
  CheckRuleTraces("testdata/pc/rules/", "pc.", 18);
}

// The pc ids and their default severities, as the rules' comments justify them.
TEST(PcRulesTest, CatalogueSeverities) {
  const struct {
    const char* id;
    Severity severity;
  } cases[] = {
      {"pc.dma-boundary-crossing", Severity::kWarning},
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
