#include "sim/io_space.h"

#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::sim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A region that logs every call and answers from a fixed table of byte values (or a constant).
class FakeRegion : public IoRegion {
 public:
  explicit FakeRegion(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}
  uint64_t Read(uint64_t offset, unsigned width) override {
    calls.push_back(absl::StrFormat("r%u@%u", width, offset));
    uint64_t value = 0;
    for (unsigned i = 0; i < width; ++i) {
      const uint64_t at = offset + i;
      value |= uint64_t{at < bytes_.size() ? bytes_[at] : uint8_t{0xee}} << (8 * i);
    }
    return value;
  }
  void Write(uint64_t offset, unsigned width, uint64_t value) override {
    calls.push_back(absl::StrFormat("w%u@%u=%x", width, offset, value));
  }
  std::vector<std::string> calls;

 private:
  std::vector<uint8_t> bytes_;
};

class AnomalyLog : public IoAnomalySink {
 public:
  void OnIoAnomaly(const IoAnomaly& a) override {
    seen.push_back(absl::StrFormat("%s 0x%x/%u%s", IoAnomalyKindName(a.kind), a.address, a.width,
                                   a.write ? " w" : ""));
  }
  std::vector<std::string> seen;
};

PortMapping At(std::string name, uint32_t base, uint32_t length, IoRegion* region,
               AccessRules rules = AccessRules::Any(), int owner = 0) {
  PortMapping m;
  m.name = std::move(name);
  m.base = base;
  m.length = length;
  m.region = region;
  m.rules = rules;
  m.owner = owner;
  return m;
}

TEST(IoSpaceTest, UnclaimedReadsAllOnesAndIsReported) {
  IoSpace io;
  AnomalyLog log;
  io.set_anomaly_sink(&log);
  EXPECT_EQ(io.Read(0x1234, 2), 0xffffu);
  EXPECT_EQ(io.Read(0x5678, 4), 0xffffffffu);
  EXPECT_EQ(io.Read(0x10, 1), 0xffu);
  io.Write(0x1234, 1, 1);
  EXPECT_THAT(log.seen, ElementsAre("unclaimed 0x1234/2", "unclaimed 0x5678/4", "unclaimed 0x10/1",
                                    "unclaimed 0x1234/1 w"));
}

TEST(IoSpaceTest, MapRefusesBadRanges) {
  IoSpace io;
  FakeRegion region({});
  const struct {
    uint32_t base, length;
    absl::StatusCode code;
    const char* message;
  } cases[] = {
      {0x10, 0, absl::StatusCode::kInvalidArgument, "empty port range"},
      {0xfff0, 0x20, absl::StatusCode::kInvalidArgument, "past 0xffff"},
      {0x10000, 1, absl::StatusCode::kInvalidArgument, "past 0xffff"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<IoSpace::MappingId> id = io.Map(At("dev", c.base, c.length, &region));
    EXPECT_EQ(id.status().code(), c.code) << c.base;
    EXPECT_THAT(std::string(id.status().message()), HasSubstr(c.message));
  }
  EXPECT_EQ(io.Map(At("dev", 0x10, 1, nullptr)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(IoSpaceTest, OverlapWithinOneOwnerIsRefusedNamingBoth) {
  IoSpace io;
  FakeRegion a({}), b({});
  ASSERT_TRUE(io.Map(At("first", 0x10, 0x10, &a)).ok());
  absl::StatusOr<IoSpace::MappingId> id = io.Map(At("second", 0x1f, 2, &b));
  EXPECT_EQ(id.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(id.status().message()), HasSubstr("second"));
  EXPECT_THAT(std::string(id.status().message()), HasSubstr("first"));
  // Adjacent is fine.
  EXPECT_TRUE(io.Map(At("third", 0x20, 2, &b)).ok());
}

TEST(IoSpaceTest, DirectAccessSeesOffsetsNotPorts) {
  IoSpace io;
  FakeRegion region({0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88});
  ASSERT_TRUE(io.Map(At("dev", 0x1f0, 8, &region)).ok());
  EXPECT_EQ(io.Read(0x1f0, 1), 0x11u);
  EXPECT_EQ(io.Read(0x1f2, 2), 0x4433u);
  EXPECT_EQ(io.Read(0x1f4, 4), 0x88776655u);
  io.Write(0x1f7, 1, 0xec);
  EXPECT_THAT(region.calls, ElementsAre("r1@0", "r2@2", "r4@4", "w1@7=ec"));
}

TEST(IoSpaceTest, UnmapAndMoveChangeDispatch) {
  IoSpace io;
  FakeRegion region({0x42});
  absl::StatusOr<IoSpace::MappingId> id = io.Map(At("bar", 0xc000, 0x10, &region));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(io.Read(0xc000, 1), 0x42u);
  ASSERT_TRUE(io.Move(*id, 0xd000).ok());
  EXPECT_EQ(io.Read(0xc000, 1), 0xffu);
  EXPECT_EQ(io.Read(0xd000, 1), 0x42u);
  EXPECT_EQ(io.MappingNameAt(0xd00f), "bar");
  ASSERT_TRUE(io.Unmap(*id).ok());
  EXPECT_EQ(io.Read(0xd000, 1), 0xffu);
  EXPECT_EQ(io.Unmap(*id).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(io.Move(*id, 0).code(), absl::StatusCode::kNotFound);
}

TEST(IoSpaceTest, MoveOntoAnotherMappingIsRefusedAndKeepsTheOld) {
  IoSpace io;
  FakeRegion a({0xaa}), b({0xbb});
  absl::StatusOr<IoSpace::MappingId> ida = io.Map(At("a", 0x100, 4, &a));
  ASSERT_TRUE(io.Map(At("b", 0x200, 4, &b)).ok());
  EXPECT_EQ(io.Move(*ida, 0x202).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(io.Read(0x100, 1), 0xaau);
  EXPECT_EQ(io.Read(0x200, 1), 0xbbu);
}

// Replies recorded from qemu-system-x86_64 7.2 -M pc -nodefaults -qtest stdio, reproduced with
// regions shaped like QEMU's: port92 (one byte, impl 1, valid 1-4) and the RTC (two bytes, valid
// and impl 1; index port reads 0xff, data 0x39).
TEST(IoSpaceTest, QemuPiecesMatchRecordedReplies) {
  IoSpace io(SpaceSemantics::kQemu);
  FakeRegion port92({0x00, 0x00, 0x00, 0x00});
  FakeRegion rtc({0xff, 0x39});
  ASSERT_TRUE(io.Map(At("port92", 0x92, 1, &port92, AccessRules::Ops(1, 4, false, 1, 1))).ok());
  ASSERT_TRUE(io.Map(At("rtc", 0x70, 2, &rtc, AccessRules::Ops(1, 1, false, 1, 1))).ok());
  const struct {
    uint32_t port;
    unsigned width;
    uint32_t qemu;
  } cases[] = {
      {0x90, 4, 0xffffffff},  // aligned unassigned piece covers port92 whole
      {0x91, 2, 0x00ff},     {0x91, 4, 0xff0000ff}, {0x92, 1, 0x00},   {0x8c, 4, 0xffffffff},
      {0x6f, 2, 0xffff},     {0x6e, 4, 0x39ffffff}, {0x70, 2, 0x39ff}, {0x71, 2, 0xff39},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(io.Read(c.port, c.width), c.qemu) << absl::StrFormat("in%u 0x%x", c.width, c.port);
  }
}

TEST(IoSpaceTest, PortioSplitsWordsIntoBytesAndRefusesOtherWidths) {
  IoSpace io;
  AnomalyLog log;
  io.set_anomaly_sink(&log);
  FakeRegion regs({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x00});  // 0x1f1..0x1f7
  ASSERT_TRUE(io.Map(At("ide-regs", 0x1f1, 7, &regs, AccessRules::Portio(kWidths1))).ok());
  EXPECT_EQ(io.Read(0x1f7, 2), 0xff00u);  // QEMU: the byte past the end reads 0xff
  EXPECT_EQ(io.Read(0x1f2, 2), 0x0302u);
  EXPECT_EQ(io.Read(0x1f2, 4), 0xffffffffu);
  io.Write(0x1f6, 2, 0x35a0);
  EXPECT_THAT(regs.calls, ElementsAre("r1@6", "r1@1", "r1@2", "w1@5=a0", "w1@6=35"));
  EXPECT_THAT(log.seen, ElementsAre("straddle 0x1f7/2", "bad-width 0x1f2/4"));
}

// QEMU's portio entries such as IDE's {0, 1, 2, ide_data_readw}: a one-port region whose handler
// takes the whole word or dword; the access does not straddle into the next region.
TEST(IoSpaceTest, PortioHandlerTakesItsWholeWidthAtAOnePortRegion) {
  IoSpace io;
  AnomalyLog log;
  io.set_anomaly_sink(&log);
  FakeRegion data({0x34, 0x12, 0x00, 0x00}), regs({0x01, 0x02});
  ASSERT_TRUE(
      io.Map(At("ide-data", 0x1f0, 1, &data, AccessRules::Portio(kWidths1 | kWidths2 | kWidths4)))
          .ok());
  ASSERT_TRUE(io.Map(At("ide-regs", 0x1f1, 7, &regs, AccessRules::Portio(kWidths1))).ok());
  EXPECT_EQ(io.Read(0x1f0, 2), 0x1234u);
  io.Write(0x1f0, 4, 0xdeadbeef);
  EXPECT_THAT(data.calls, ElementsAre("r2@0", "w4@0=deadbeef"));
  EXPECT_TRUE(regs.calls.empty());
  EXPECT_TRUE(log.seen.empty());
}

TEST(IoSpaceTest, OpsAdjustSplitsWideAndWidensNarrowAccesses) {
  IoSpace io;
  AnomalyLog log;
  io.set_anomaly_sink(&log);
  FakeRegion bytes_only({0x10, 0x20, 0x30, 0x40});
  FakeRegion dwords_only({0xa1, 0xb2, 0xc3, 0xd4, 0xe5});
  FakeRegion strict({0x99});
  ASSERT_TRUE(io.Map(At("bytes", 0x100, 4, &bytes_only, AccessRules::Ops(1, 4, true, 1, 1))).ok());
  ASSERT_TRUE(
      io.Map(At("dwords", 0x200, 4, &dwords_only, AccessRules::Ops(1, 4, true, 4, 4))).ok());
  ASSERT_TRUE(io.Map(At("strict", 0x300, 4, &strict, AccessRules::Exactly(4))).ok());
  EXPECT_EQ(io.Read(0x100, 4), 0x40302010u);
  EXPECT_THAT(bytes_only.calls, ElementsAre("r1@0", "r1@1", "r1@2", "r1@3"));
  EXPECT_EQ(io.Read(0x201, 1), 0xb2u);  // widened to a 4-byte read at offset 1, truncated
  io.Write(0x202, 2, 0xbeef);           // widened write: upper bytes zero
  EXPECT_THAT(dwords_only.calls, ElementsAre("r4@1", "w4@2=beef"));
  EXPECT_EQ(io.Read(0x300, 2), 0u);  // invalid width: QEMU's unassigned_mem_read gives 0
  io.Write(0x300, 1, 1);
  EXPECT_TRUE(strict.calls.empty());
  EXPECT_THAT(log.seen, ElementsAre("bad-width 0x300/2", "bad-width 0x300/1 w"));
}

TEST(IoSpaceTest, StraddleIsReportedAndQemuHandsThePieceToTheFirstRegion) {
  IoSpace io(SpaceSemantics::kQemu);
  AnomalyLog log;
  io.set_anomaly_sink(&log);
  FakeRegion fixed({0x00});
  ASSERT_TRUE(io.Map(At("platform-fixed", 0x10, 0x10, &fixed)).ok());
  io.Write(0x1f, 2, 0x1234);
  EXPECT_THAT(fixed.calls, ElementsAre("w2@15=1234"));
  EXPECT_THAT(log.seen, ElementsAre("straddle 0x1f/2 w"));
}

TEST(IoSpaceTest, XenDropsAccessesNotWhollyInsideOneEmulator) {
  IoSpace io(SpaceSemantics::kXen);
  AnomalyLog log;
  io.set_anomaly_sink(&log);
  FakeRegion fixed({0x00}), next({0x77}), other({0x55});
  ASSERT_TRUE(io.Map(At("platform-fixed", 0x10, 0x10, &fixed)).ok());
  EXPECT_EQ(io.Read(0x1f, 2), 0xffffu);  // runs into unclaimed 0x20: null handler
  io.Write(0x1f, 2, 0x1234);
  EXPECT_TRUE(fixed.calls.empty());
  // Adjacent claims of the same emulator merge: forwarded, QEMU semantics apply.
  ASSERT_TRUE(io.Map(At("next", 0x20, 4, &next)).ok());
  EXPECT_EQ(io.Read(0x1f, 2), 0xeeeeu);  // FakeRegion answers 0xee past its table
  EXPECT_THAT(fixed.calls, ElementsAre("r2@15"));
  // A different emulator's ports do not merge.
  ASSERT_TRUE(io.Map(At("demu", 0x24, 4, &other, AccessRules::Any(), /*owner=*/1)).ok());
  EXPECT_EQ(io.Read(0x23, 2), 0xffffu);
  EXPECT_THAT(log.seen, ElementsAre("straddle 0x1f/2", "unclaimed 0x1f/2", "straddle 0x1f/2 w",
                                    "unclaimed 0x1f/2 w", "straddle 0x1f/2", "straddle 0x23/2",
                                    "unclaimed 0x23/2"));
}

TEST(IoSpaceTest, NewestOwnerWinsOnOverlapAndUnmapRevealsTheOlder) {
  IoSpace io(SpaceSemantics::kXen);
  FakeRegion qemu({0x11, 0x11, 0x11, 0x11}), demu({0x22, 0x22});
  ASSERT_TRUE(io.Map(At("qemu", 0xc000, 4, &qemu, AccessRules::Any(), 0)).ok());
  absl::StatusOr<IoSpace::MappingId> d =
      io.Map(At("demu", 0xc002, 2, &demu, AccessRules::Any(), 5));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(io.Read(0xc000, 1), 0x11u);
  EXPECT_EQ(io.Read(0xc002, 1), 0x22u);
  // An access running from the older emulator's ports into the newer's: Xen's null handler.
  EXPECT_EQ(io.Read(0xc001, 2), 0xffffu);
  EXPECT_THAT(qemu.calls, ElementsAre("r1@0"));
  ASSERT_TRUE(io.Unmap(*d).ok());
  EXPECT_EQ(io.Read(0xc001, 2), 0x1111u);
  EXPECT_EQ(io.Read(0xc002, 1), 0x11u);
}

TEST(IoSpaceTest, DeniedPortsAnswerAllOnesWhateverIsMapped) {
  IoSpace io;
  AnomalyLog log;
  io.set_anomaly_sink(&log);
  FakeRegion region({0x42, 0x42});
  ASSERT_TRUE(io.Map(At("dev", 0x60, 2, &region)).ok());
  ASSERT_TRUE(io.Deny(0x61, 1).ok());
  EXPECT_EQ(io.Read(0x60, 1), 0x42u);
  EXPECT_EQ(io.Read(0x61, 1), 0xffu);
  EXPECT_EQ(io.Read(0x60, 2), 0xffffu);
  ASSERT_TRUE(io.Allow(0x61, 1).ok());
  EXPECT_EQ(io.Read(0x61, 1), 0x42u);
  EXPECT_THAT(log.seen, ElementsAre("denied 0x61/1", "denied 0x60/2"));
  EXPECT_EQ(io.Deny(0xffff, 2).code(), absl::StatusCode::kInvalidArgument);
}

TEST(IoSpaceTest, AccessRunningPastTheTopOfTheSpace) {
  IoSpace io;
  FakeRegion region({0x5a});
  ASSERT_TRUE(io.Map(At("top", 0xffff, 1, &region, AccessRules::Ops(1, 4, true, 1, 1))).ok());
  EXPECT_EQ(io.Read(0xffff, 4), 0xeeeeee5au);  // QEMU hands the whole piece to the region
  // 0xfffe starts an aligned unassigned 2-byte piece that swallows 0xffff (as `inl 0x90` swallows
  // port 0x92 in QEMU); the rest lies past the space and reads 0 (QEMU: `inl 0xfffe` = 0xffff).
  EXPECT_EQ(io.Read(0xfffe, 4), 0x0000ffffu);
  EXPECT_EQ(io.Read(0xffff, 2), 0xee5au);
}

}  // namespace
}  // namespace portrace::sim
