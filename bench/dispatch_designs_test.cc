#include "bench/dispatch_designs.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "bench/bench_mix.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::bench {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using trace::WidthMask;

template <typename Design>
class DispatchDesignTest : public ::testing::Test {};

using Designs = ::testing::Types<FlatTable, SortedRanges, StdMap, FlatEntries>;
class DesignNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};
TYPED_TEST_SUITE(DispatchDesignTest, Designs, DesignNames);

// Every read's answer and every region's writes after replaying `accesses` on a design.
struct Outcome {
  std::vector<uint32_t> reads;
  std::vector<std::pair<uint64_t, uint64_t>> writes;  // per range: count, checksum
};

template <typename Design>
Outcome Replay(const std::vector<PortRange>& ranges, const std::vector<PortAccess>& accesses) {
  Outcome outcome;
  absl::StatusOr<std::unique_ptr<MixDispatch<Design, CountingRegion>>> mix =
      MixDispatch<Design, CountingRegion>::Create(ranges);
  EXPECT_TRUE(mix.ok()) << mix.status();
  if (!mix.ok()) return outcome;
  ReplayAccesses((*mix)->design(), accesses, &outcome.reads);
  for (const auto& region : (*mix)->regions()) {
    outcome.writes.emplace_back(region->writes(), region->write_sum());
  }
  return outcome;
}

// The flat table is sim::IoSpace: the reference every other design must match.
template <typename Design>
void ExpectSameAsFlatTable(const std::vector<PortRange>& ranges,
                           const std::vector<PortAccess>& accesses) {
  const Outcome flat = Replay<FlatTable>(ranges, accesses);
  const Outcome design = Replay<Design>(ranges, accesses);
  ASSERT_EQ(design.reads.size(), flat.reads.size());
  for (size_t i = 0; i < flat.reads.size(); ++i) {
    ASSERT_EQ(design.reads[i], flat.reads[i]) << "read " << i;
  }
  EXPECT_EQ(design.writes, flat.writes);
}

std::vector<PortRange> SeabiosRanges() {
  absl::StatusOr<std::vector<PortRange>> ranges =
      LoadPortRanges(BenchDataPath("seabios-regions.txt"));
  EXPECT_TRUE(ranges.ok()) << ranges.status();
  return ranges.ok() ? *ranges : std::vector<PortRange>{};
}

TYPED_TEST(DispatchDesignTest, AnswersTheSeabiosMixAsTheFlatTableDoes) {
  const std::vector<PortRange> ranges = SeabiosRanges();
  absl::StatusOr<std::vector<PortAccess>> accesses =
      LoadPortAccesses(BenchDataPath("seabios-ports.trace"));
  ASSERT_TRUE(accesses.ok()) << accesses.status();
  ASSERT_FALSE(accesses->empty());
  ExpectSameAsFlatTable<TypeParam>(ranges, *accesses);
}

TYPED_TEST(DispatchDesignTest, AnswersTheRandomMixAsTheFlatTableDoes) {
  const std::vector<PortRange> ranges = SeabiosRanges();
  ExpectSameAsFlatTable<TypeParam>(ranges, RandomPortAccesses(ranges, 65536, 42));
}

// Accesses anywhere, mapped or not, straddling or past the end of the space.
TYPED_TEST(DispatchDesignTest, AnswersEveryPortAndWidthAsTheFlatTableDoes) {
  const std::vector<PortRange> ranges = {
      {"a", 0x10, 4}, {"b", 0x14, 2}, {"c", 0x19, 3}, {"top", 0xfffc, 3}};
  std::vector<PortAccess> accesses;
  for (uint32_t port :
       {0x0u,  0x1u,  0xeu,  0xfu,  0x10u, 0x11u,   0x12u,   0x13u,   0x14u,   0x15u,   0x16u,
        0x17u, 0x18u, 0x19u, 0x1bu, 0x1cu, 0xfffau, 0xfffbu, 0xfffcu, 0xfffdu, 0xfffeu, 0xffffu}) {
    for (uint8_t width : {1, 2, 4}) {
      accesses.push_back({static_cast<uint16_t>(port), width, false, 0});
      accesses.push_back({static_cast<uint16_t>(port), width, true,
                          static_cast<uint32_t>(0xa1b2c3d4 & WidthMask(width))});
    }
  }
  ExpectSameAsFlatTable<TypeParam>(ranges, accesses);
}

// Records what a design hands it; reads answer like a TrivialRegion.
class RecordingRegion : public sim::IoRegion {
 public:
  explicit RecordingRegion(std::string name) : name_(std::move(name)) {}
  uint64_t Read(uint64_t offset, unsigned width) override {
    calls_.push_back(absl::StrFormat("%s.Read(%u, %u)", name_, offset, width));
    return Answer(offset, width);
  }
  void Write(uint64_t offset, unsigned width, uint64_t value) override {
    calls_.push_back(absl::StrFormat("%s.Write(%u, %u, 0x%x)", name_, offset, width, value));
  }
  uint64_t Answer(uint64_t offset, unsigned width) const {
    return (0x11223344u + (name_[0] << 8) + offset) & WidthMask(width);
  }
  static std::vector<std::string>& calls() { return calls_; }

 private:
  static inline std::vector<std::string> calls_;
  std::string name_;
};

TYPED_TEST(DispatchDesignTest, FollowsQemuOnOddAccesses) {
  // a: 0x10-0x13, b: 0x14-0x15, c: 0x1a-0x1b, top: 0xfff0-0xfff3; the rest unclaimed.
  RecordingRegion a("a"), b("b"), c("c"), top("top");
  TypeParam design;
  ASSERT_TRUE(design.Map("a", 0x10, 4, &a).ok());
  ASSERT_TRUE(design.Map("b", 0x14, 2, &b).ok());
  ASSERT_TRUE(design.Map("c", 0x1a, 2, &c).ok());
  ASSERT_TRUE(design.Map("top", 0xfff0, 4, &top).ok());
  const struct {
    uint32_t port;
    unsigned width;
    uint32_t want;
    std::vector<std::string> calls;
  } reads[] = {
      {0x10, 4, static_cast<uint32_t>(a.Answer(0, 4)), {"a.Read(0, 4)"}},
      // Straddling out of a region: the region its first byte is in takes it whole.
      {0x13, 2, static_cast<uint32_t>(a.Answer(3, 2)), {"a.Read(3, 2)"}},
      {0x12, 4, static_cast<uint32_t>(a.Answer(2, 4)), {"a.Read(2, 4)"}},
      {0x15, 4, static_cast<uint32_t>(b.Answer(1, 4)), {"b.Read(1, 4)"}},
      {0xfff2, 4, static_cast<uint32_t>(top.Answer(2, 4)), {"top.Read(2, 4)"}},
      // Unclaimed: all ones, in aligned pieces.
      {0x16, 1, 0xff, {}},
      {0x16, 4, 0xffffffff, {}},
      // An aligned unclaimed piece is not cut where a region begins (QEMU clamps only RAM).
      {0x18, 4, 0xffffffff, {}},
      // Starting unclaimed and running into a region: pieces, each to whoever owns its start.
      {0xf, 2, static_cast<uint32_t>(0xff | a.Answer(0, 1) << 8), {"a.Read(0, 1)"}},
      {0xe, 4, static_cast<uint32_t>(0xffff | a.Answer(0, 2) << 16), {"a.Read(0, 2)"}},
      {0xf,
       4,
       static_cast<uint32_t>(0xff | a.Answer(0, 2) << 8 | a.Answer(2, 1) << 24),
       {"a.Read(0, 2)", "a.Read(2, 1)"}},
      // Past the end of the space: QEMU's flatview has nothing there, the bytes read 0.
      {0xfffe, 4, 0x0000ffff, {}},
      {0xffff, 2, 0x00ff, {}},
  };
  for (const auto& c : reads) {
    RecordingRegion::calls().clear();
    EXPECT_EQ(design.Read(c.port, c.width), c.want)
        << absl::StrFormat("%s: in%u 0x%x", TypeParam::kName, c.width, c.port);
    EXPECT_THAT(RecordingRegion::calls(), ElementsAreArray(c.calls))
        << absl::StrFormat("%s: in%u 0x%x", TypeParam::kName, c.width, c.port);
  }
  const struct {
    uint32_t port;
    unsigned width;
    uint32_t value;
    std::vector<std::string> calls;
  } writes[] = {
      {0x14, 2, 0xbeef, {"b.Write(0, 2, 0xbeef)"}},
      {0x13, 4, 0xa1b2c3d4, {"a.Write(3, 4, 0xa1b2c3d4)"}},
      {0x16, 4, 0xa1b2c3d4, {}},
      {0x18, 4, 0xa1b2c3d4, {}},
      {0xf, 4, 0xa1b2c3d4, {"a.Write(0, 2, 0xb2c3)", "a.Write(2, 1, 0xa1)"}},
      {0xffff, 4, 0xa1b2c3d4, {}},
  };
  for (const auto& c : writes) {
    RecordingRegion::calls().clear();
    design.Write(c.port, c.width, c.value);
    EXPECT_THAT(RecordingRegion::calls(), ElementsAreArray(c.calls))
        << absl::StrFormat("%s: out%u 0x%x", TypeParam::kName, c.width, c.port);
  }
}

TYPED_TEST(DispatchDesignTest, RefusesWhatIoSpaceRefuses) {
  RecordingRegion a("a");
  TypeParam design;
  ASSERT_TRUE(design.Map("ide", 0x1f0, 8, &a).ok());
  const struct {
    const char* name;
    uint32_t base;
    uint32_t length;
    sim::IoRegion* region;
    absl::StatusCode code;
    const char* message;
  } cases[] = {
      {"vga", 0x1f7, 2, &a, absl::StatusCode::kAlreadyExists,
       "ports 0x1f7-0x1f8 (vga) overlap 0x1f0-0x1f7 (ide)"},
      {"vga", 0x1e0, 0x11, &a, absl::StatusCode::kAlreadyExists, "overlap 0x1f0-0x1f7 (ide)"},
      {"vga", 0x1e0, 0x100, &a, absl::StatusCode::kAlreadyExists, "overlap 0x1f0-0x1f7 (ide)"},
      {"vga", 0x3c0, 0, &a, absl::StatusCode::kInvalidArgument, "vga: empty port range at 0x3c0"},
      {"vga", 0xfff0, 0x11, &a, absl::StatusCode::kInvalidArgument, "runs past 0xffff"},
      {"vga", 0x3c0, 16, nullptr, absl::StatusCode::kInvalidArgument,
       "mapping 'vga' has no region"},
  };
  for (const auto& c : cases) {
    const absl::Status status = design.Map(c.name, c.base, c.length, c.region);
    EXPECT_EQ(status.code(), c.code) << c.message;
    EXPECT_THAT(status.message(), HasSubstr(c.message));
  }
  // Neighbours on either side are fine.
  EXPECT_TRUE(design.Map("before", 0x1e0, 0x10, &a).ok());
  EXPECT_TRUE(design.Map("after", 0x1f8, 1, &a).ok());
}

}  // namespace
}  // namespace portrace::bench
