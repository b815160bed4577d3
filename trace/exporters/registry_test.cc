#include "trace/exporters/registry.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::trace {
namespace {

using ::testing::HasSubstr;

TEST(ExporterRegistryTest, ChoosesByNameOrExtension) {
  const struct {
    const char* path;
    const char* to;
    const char* chosen;
  } cases[] = {
      {"out.trace", "", "trace"}, {"out.qtest", "", "qtest"},      {"out.bin", "trace", "trace"},
      {"-", "qtest", "qtest"},    {"out.trace", "qtest", "qtest"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<const Exporter*> exporter = ChooseExporter(c.path, c.to);
    ASSERT_TRUE(exporter.ok()) << c.path << ": " << exporter.status();
    EXPECT_EQ((*exporter)->name(), c.chosen) << c.path;
  }
}

TEST(ExporterRegistryTest, RefusesUnknownFormats) {
  absl::StatusOr<const Exporter*> by_ext = ChooseExporter("out.pcap", "");
  EXPECT_EQ(by_ext.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(by_ext.status().message()), HasSubstr("use --to"));
  absl::StatusOr<const Exporter*> by_name = ChooseExporter("out.qtest", "pcap");
  EXPECT_THAT(std::string(by_name.status().message()), HasSubstr("unknown output format 'pcap'"));
}

}  // namespace
}  // namespace portrace::trace
