#include "bench/bench_mix.h"

#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::bench {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

MATCHER_P3(IsRange, name, base, length, "") {
  return arg.name == name && arg.base == static_cast<uint32_t>(base) &&
         arg.length == static_cast<uint32_t>(length);
}

TEST(ParsePortRangesTest, ReadsRangesSkippingCommentsAndBlankLines) {
  absl::StatusOr<std::vector<PortRange>> ranges = ParsePortRanges(
      "# NAME BASE LENGTH\n"
      "\n"
      "pic 0x20 2\r\n"
      "  ide\t0x1f0   8  \n"
      "pci-conf-data 3324 4");
  ASSERT_TRUE(ranges.ok()) << ranges.status();
  EXPECT_THAT(*ranges, ElementsAre(IsRange("pic", 0x20, 2), IsRange("ide", 0x1f0, 8),
                                   IsRange("pci-conf-data", 0xcfc, 4)));
}

TEST(ParsePortRangesTest, RefusesMalformedLinesNamingThem) {
  const struct {
    const char* text;
    const char* message;
  } cases[] = {
      {"ide 0x170\n", "line 1: expected 'NAME BASE LENGTH', got 'ide 0x170'"},
      {"# c\nide 0x170 8 extra\n", "line 2: expected"},
      {"ide zz 8\n", "line 1: expected"},
      {"ide 0x170 -8\n", "line 1: expected"},
      {"ide 0x170 0\n", "line 1: port range 0x170+0 is empty or runs past 0xffff"},
      {"top 0x10000 1\n", "runs past 0xffff"},
      {"top 0xfffe 4\n", "runs past 0xffff"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<std::vector<PortRange>> ranges = ParsePortRanges(c.text);
    EXPECT_EQ(ranges.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(ranges.status().message(), HasSubstr(c.message)) << c.text;
  }
}

TEST(LoadPortRangesTest, NamesAMissingFile) {
  absl::StatusOr<std::vector<PortRange>> ranges = LoadPortRanges("/nonexistent/regions.txt");
  EXPECT_EQ(ranges.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(ranges.status().message(), HasSubstr("/nonexistent/regions.txt: cannot open"));
}

TEST(LoadPortAccessesTest, NamesAMissingFile) {
  absl::StatusOr<std::vector<PortAccess>> accesses = LoadPortAccesses("/nonexistent/x.trace");
  EXPECT_EQ(accesses.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(accesses.status().message(), HasSubstr("/nonexistent/x.trace"));
}

// Returns the range whose ports hold all of [port, port + width), or null.
const PortRange* Holding(const std::vector<PortRange>& ranges, uint32_t port, unsigned width) {
  for (const PortRange& range : ranges) {
    if (port >= range.base && port + width <= range.base + range.length) return &range;
  }
  return nullptr;
}

TEST(SeabiosMixTest, EveryAccessLandsWholeInOneOfTheDisjointRanges) {
  absl::StatusOr<std::vector<PortRange>> ranges =
      LoadPortRanges(BenchDataPath("seabios-regions.txt"));
  ASSERT_TRUE(ranges.ok()) << ranges.status();
  absl::StatusOr<std::vector<PortAccess>> accesses =
      LoadPortAccesses(BenchDataPath("seabios-ports.trace"));
  ASSERT_TRUE(accesses.ok()) << accesses.status();
  for (size_t i = 1; i < ranges->size(); ++i) {
    EXPECT_GE((*ranges)[i].base, (*ranges)[i - 1].base + (*ranges)[i - 1].length)
        << (*ranges)[i].name << " overlaps or precedes " << (*ranges)[i - 1].name;
  }
  // The capture's port accesses (tools/make_bench_mix.sh), reads and writes.
  EXPECT_EQ(accesses->size(), 5419u);
  size_t writes = 0;
  for (const PortAccess& access : *accesses) {
    EXPECT_NE(Holding(*ranges, access.port, access.width), nullptr)
        << "port 0x" << std::hex << access.port << " width " << int{access.width};
    writes += access.is_write;
  }
  EXPECT_GT(writes, 0u);
  EXPECT_LT(writes, accesses->size());
}

TEST(RandomPortAccessesTest, IsReproducibleAndStaysInsideTheRanges) {
  const std::vector<PortRange> ranges = {{"a", 0x20, 2}, {"b", 0x1f0, 8}, {"c", 0xcf8, 4}};
  const std::vector<PortAccess> accesses = RandomPortAccesses(ranges, 4096, 42);
  ASSERT_EQ(accesses.size(), 4096u);
  std::set<unsigned> widths;
  size_t writes = 0;
  for (const PortAccess& access : accesses) {
    EXPECT_NE(Holding(ranges, access.port, access.width), nullptr) << access.port;
    widths.insert(access.width);
    if (access.is_write) {
      ++writes;
      EXPECT_LE(access.value, trace::WidthMask(access.width));
    } else {
      EXPECT_EQ(access.value, 0u);
    }
  }
  EXPECT_EQ(widths, (std::set<unsigned>{1, 2, 4}));
  EXPECT_GT(writes, 1500u);
  EXPECT_LT(writes, 2600u);

  const std::vector<PortAccess> again = RandomPortAccesses(ranges, 4096, 42);
  const std::vector<PortAccess> other = RandomPortAccesses(ranges, 4096, 43);
  auto same = [](const std::vector<PortAccess>& x, const std::vector<PortAccess>& y) {
    for (size_t i = 0; i < x.size(); ++i) {
      if (x[i].port != y[i].port || x[i].width != y[i].width || x[i].is_write != y[i].is_write ||
          x[i].value != y[i].value) {
        return false;
      }
    }
    return x.size() == y.size();
  };
  EXPECT_TRUE(same(accesses, again));
  EXPECT_FALSE(same(accesses, other));
  EXPECT_TRUE(RandomPortAccesses({}, 10, 42).empty());
}

TEST(TrivialRegionTest, AnswersWithinTheWidthAndCountsWrites) {
  CountingRegion region(0x1000);
  EXPECT_LE(region.Read(3, 1), 0xffu);
  EXPECT_LE(region.Read(3, 2), 0xffffu);
  EXPECT_EQ(region.Read(3, 1), region.Read(3, 4) & 0xff);
  EXPECT_NE(region.Read(3, 4), TrivialRegion(0x2000).Read(3, 4));
  EXPECT_EQ(region.writes(), 0u);
  region.Write(1, 1, 0x5a);
  region.Write(2, 2, 0x1234);
  EXPECT_EQ(region.writes(), 2u);
  EXPECT_EQ(region.latched(2), 0x1234u);
  CountingRegion other(0x1000);
  other.Write(1, 1, 0x5b);
  other.Write(2, 2, 0x1234);
  EXPECT_NE(region.write_sum(), other.write_sum());
}

}  // namespace
}  // namespace portrace::bench
