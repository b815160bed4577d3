#include "sim/region_access.h"

#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::sim {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// Answers byte k of the region with 0x10 + k; logs calls.
class Bytes : public IoRegion {
 public:
  uint64_t Read(uint64_t offset, unsigned width) override {
    calls.push_back(absl::StrFormat("r%u@%u", width, offset));
    uint64_t value = 0;
    for (unsigned i = 0; i < width; ++i) value |= (0x10 + offset + i) << (8 * i);
    return value;
  }
  void Write(uint64_t offset, unsigned width, uint64_t value) override {
    calls.push_back(absl::StrFormat("w%u@%u=%x", width, offset, value));
  }
  std::vector<std::string> calls;
};

TEST(RegionAccessTest, ReadsFollowTheRules) {
  const struct {
    AccessRules rules;
    uint64_t offset;
    unsigned width;
    uint64_t length;
    uint64_t value;
    bool refused;
    std::vector<std::string> calls;
  } cases[] = {
      {AccessRules::Any(), 1, 2, 4, 0x1211, false, {"r2@1"}},
      {AccessRules::Ops(1, 4, true, 1, 1),
       0,
       4,
       4,
       0x13121110,
       false,
       {"r1@0", "r1@1", "r1@2", "r1@3"}},
      {AccessRules::Ops(1, 4, true, 2, 2), 0, 4, 4, 0x13121110, false, {"r2@0", "r2@2"}},
      {AccessRules::Ops(1, 4, true, 4, 4), 2, 1, 4, 0x12, false, {"r4@2"}},
      {AccessRules::Exactly(4), 0, 2, 4, 0, true, {}},
      {AccessRules::Portio(kWidths1), 3, 2, 4, 0xff13, false, {"r1@3"}},
      {AccessRules::Portio(kWidths1), 1, 2, 4, 0x1211, false, {"r1@1", "r1@2"}},
      {AccessRules::Portio(kWidths1), 0, 4, 4, 0xffffffff, true, {}},
  };
  for (const auto& c : cases) {
    Bytes region;
    const PieceRead read = ReadPiece(region, c.rules, c.offset, c.width, c.length);
    EXPECT_EQ(read.value, c.value) << c.rules.ToString();
    EXPECT_EQ(read.refused, c.refused) << c.rules.ToString();
    EXPECT_THAT(region.calls, ElementsAreArray(c.calls)) << c.rules.ToString();
  }
}

TEST(RegionAccessTest, WritesFollowTheRules) {
  const struct {
    AccessRules rules;
    uint64_t offset;
    unsigned width;
    uint64_t length;
    bool accepted;
    std::vector<std::string> calls;
  } cases[] = {
      {AccessRules::Any(), 0, 4, 4, true, {"w4@0=44332211"}},
      {AccessRules::Ops(1, 4, true, 1, 1), 0, 2, 4, true, {"w1@0=11", "w1@1=22"}},
      {AccessRules::Ops(1, 4, true, 4, 4), 0, 1, 4, true, {"w4@0=11"}},
      {AccessRules::Exactly(1), 0, 2, 4, false, {}},
      {AccessRules::Portio(kWidths1), 3, 2, 4, true, {"w1@3=11"}},
      {AccessRules::Portio(kWidths2), 0, 1, 4, false, {}},
  };
  for (const auto& c : cases) {
    Bytes region;
    EXPECT_EQ(WritePiece(region, c.rules, c.offset, c.width, c.length,
                         0x44332211 & ((1ull << (8 * c.width)) - 1)),
              c.accepted)
        << c.rules.ToString();
    EXPECT_THAT(region.calls, ElementsAreArray(c.calls)) << c.rules.ToString();
  }
}

TEST(RegionAccessTest, RefusalSaysWhatTheGuestGets) {
  EXPECT_THAT(RefusalDetail(AccessRules::Exactly(4), false), HasSubstr("reads 0"));
  EXPECT_THAT(RefusalDetail(AccessRules::Portio(kWidths1), false), HasSubstr("reads all ones"));
  EXPECT_THAT(RefusalDetail(AccessRules::Exactly(4), true), HasSubstr("dropped"));
}

}  // namespace
}  // namespace portrace::sim
