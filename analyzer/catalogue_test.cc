#include "analyzer/catalogue.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::analyzer {
namespace {

TEST(CatalogueTest, IdsAreSortedUniqueAndWellFormed) {
  absl::string_view previous;
  for (const FindingType& type : Catalogue()) {
    EXPECT_LT(previous, type.id) << "catalogue must stay sorted by id";
    previous = type.id;
    const std::string id(type.id);
    EXPECT_THAT(id, ::testing::MatchesRegex("[a-z]+\\.[a-z0-9]+(-[a-z0-9]+)*")) << id;
    EXPECT_FALSE(type.description.empty()) << id;
    EXPECT_EQ(FindFindingType(type.id), &type);
  }
  EXPECT_EQ(FindFindingType("platform.no-such-thing"), nullptr);
  EXPECT_EQ(FindFindingType(""), nullptr);
}

// protocol.md §h, in (d) order: every id with its default severity.
TEST(CatalogueTest, PlatformAndIoIdsMatchTheProtocolTable) {
  const struct {
    const char* id;
    Severity severity;
  } cases[] = {
      {"platform.write-before-magic", Severity::kError},
      {"platform.magic-width", Severity::kError},
      {"platform.continue-after-mismatch", Severity::kError},
      {"platform.ident-without-version", Severity::kWarning},
      {"platform.version-width", Severity::kError},
      {"platform.ident-after-version0", Severity::kWarning},
      {"platform.build-before-product", Severity::kError},
      {"platform.product-zero", Severity::kError},
      {"platform.product-unregistered", Severity::kWarning},
      {"platform.product-experimental", Severity::kWarning},
      {"platform.product-collision", Severity::kInfo},
      {"platform.magic-not-rechecked", Severity::kWarning},
      {"platform.use-after-blacklist", Severity::kError},
      {"platform.log-before-magic", Severity::kWarning},
      {"platform.log-width", Severity::kError},
      {"platform.log-unterminated", Severity::kInfo},
      {"platform.log-overlong", Severity::kWarning},
      {"platform.log-throttled", Severity::kWarning},
      {"platform.log-nonprintable", Severity::kInfo},
      {"platform.log-interleaved", Severity::kWarning},
      {"platform.bar-log-unplug", Severity::kWarning},
      {"platform.legacy-unplug", Severity::kInfo},
      {"platform.unplug-unknown-bits", Severity::kWarning},
      {"platform.unplug-mask-odd", Severity::kInfo},
      {"platform.width-confusion", Severity::kError},
      {"platform.unplug-after-enumeration", Severity::kWarning},
      {"platform.use-after-unplug", Severity::kError},
      {"platform.repeated-handshake", Severity::kInfo},
      {"io.straddle", Severity::kWarning},
      {"platform.string-io", Severity::kWarning},
      {"platform.build-negative", Severity::kWarning},
      {"platform.absent-device-traffic", Severity::kError},
      {"io.unclaimed", Severity::kInfo},
      {"io.bad-width", Severity::kWarning},
      {"replay.clock-divergence", Severity::kInfo},
      {"replay.divergence", Severity::kError},
  };
  for (const auto& c : cases) {
    const FindingType* type = FindFindingType(c.id);
    ASSERT_NE(type, nullptr) << c.id;
    EXPECT_EQ(type->severity, c.severity) << c.id;
  }
}

TEST(CatalogueTest, SeverityNames) {
  EXPECT_EQ(SeverityName(Severity::kInfo), "info");
  EXPECT_EQ(SeverityName(Severity::kWarning), "warning");
  EXPECT_EQ(SeverityName(Severity::kError), "error");
}

}  // namespace
}  // namespace portrace::analyzer
