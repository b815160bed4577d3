#include "sim/access_rules.h"

#include "gtest/gtest.h"

namespace portrace::sim {
namespace {

TEST(AccessRulesTest, ActionsFollowQemuOps) {
  const AccessRules byte_impl = AccessRules::Ops(1, 4, true, 1, 1);
  const AccessRules strict = AccessRules::Ops(2, 2, false, 2, 2);
  const AccessRules portio = AccessRules::Portio(kWidths1 | kWidths4);
  const struct {
    const AccessRules* rules;
    uint64_t offset;
    unsigned width;
    WidthAction action;
  } cases[] = {
      {&byte_impl, 0, 1, WidthAction::kDirect},
      {&byte_impl, 0, 4, WidthAction::kAdjust},
      {&byte_impl, 1, 2, WidthAction::kAdjust},
      {&byte_impl, 0, 8, WidthAction::kInvalid},
      {&strict, 0, 2, WidthAction::kDirect},
      {&strict, 1, 2, WidthAction::kInvalid},  // unaligned and not valid.unaligned
      {&strict, 0, 1, WidthAction::kInvalid},
      {&strict, 0, 4, WidthAction::kInvalid},
      {&portio, 0, 1, WidthAction::kDirect},
      {&portio, 3, 4, WidthAction::kDirect},
      {&portio, 0, 2, WidthAction::kPortioSplit},
      {&portio, 0, 8, WidthAction::kPortioNone},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.rules->Action(c.offset, c.width), c.action)
        << c.rules->ToString() << " offset " << c.offset << " width " << c.width;
  }
  EXPECT_EQ(AccessRules::Portio(kWidths4).Action(0, 2), WidthAction::kPortioNone);
}

TEST(AccessRulesTest, PieceSizeIsQemuMemoryAccessSize) {
  const AccessRules aligned = AccessRules::Ops(1, 4, true, 1, 4, /*impl_unaligned=*/false);
  const AccessRules unaligned = AccessRules::Ops(1, 4, true, 1, 4, /*impl_unaligned=*/true);
  const AccessRules bytes = AccessRules::Ops(1, 1, false, 1, 1);
  const AccessRules mmio64 = AccessRules::Ops(1, 8, true, 1, 8);
  const struct {
    const AccessRules* rules;
    uint64_t offset;
    unsigned remaining;
    unsigned piece;
  } cases[] = {
      {&aligned, 0, 4, 4}, {&aligned, 0x50f, 4, 1}, {&aligned, 0x512, 1, 1}, {&aligned, 2, 4, 2},
      {&aligned, 0, 3, 2}, {&unaligned, 1, 4, 4},   {&unaligned, 1, 3, 2},   {&bytes, 0, 4, 1},
      {&mmio64, 0, 8, 8},  {&mmio64, 4, 8, 4},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.rules->PieceSize(c.offset, c.remaining), c.piece)
        << c.rules->ToString() << " offset " << c.offset << " remaining " << c.remaining;
  }
}

TEST(AccessRulesTest, DirectWidthsAreTheFastPath) {
  EXPECT_EQ(AccessRules::Any().DirectWidths(), kWidths1 | kWidths2 | kWidths4);
  EXPECT_EQ(AccessRules::Exactly(4).DirectWidths(), kWidths4);
  EXPECT_EQ(AccessRules::Ops(1, 4, true, 1, 1).DirectWidths(), kWidths1);
  EXPECT_EQ(AccessRules::Ops(1, 1, false, 1, 1).DirectWidths(), kWidths1);
  EXPECT_EQ(AccessRules::Portio(kWidths1 | kWidths2).DirectWidths(), kWidths1 | kWidths2);
}

TEST(AccessRulesTest, ZeroMaximumsMeanFourAsInQemu) {
  const AccessRules rules = AccessRules::Ops(0, 0, true, 0, 0);
  EXPECT_EQ(rules.valid_max, 4);
  EXPECT_EQ(rules.impl_max, 4);
  EXPECT_EQ(rules.ToString(), "ops valid 1-4 impl 1-4");
}

}  // namespace
}  // namespace portrace::sim
