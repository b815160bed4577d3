#include "sim/memory_space.h"

#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::sim {
namespace {

using ::testing::ElementsAre;

class LoggingRegion : public IoRegion {
 public:
  uint64_t Read(uint64_t offset, unsigned width) override {
    calls.push_back(absl::StrFormat("r%u@%x", width, offset));
    return 0x0807060504030201ull >> (8 * (offset % 8));
  }
  void Write(uint64_t offset, unsigned width, uint64_t value) override {
    calls.push_back(absl::StrFormat("w%u@%x=%x", width, offset, value));
  }
  std::vector<std::string> calls;
};

class AnomalyCount : public IoAnomalySink {
 public:
  void OnIoAnomaly(const IoAnomaly& a) override {
    seen.push_back(
        absl::StrFormat("%s 0x%x%s", IoAnomalyKindName(a.kind), a.address, a.mmio ? " mmio" : ""));
  }
  std::vector<std::string> seen;
};

MmioMapping Mmio(std::string name, uint64_t base, uint64_t length, IoRegion* region,
                 AccessRules rules) {
  MmioMapping m;
  m.name = std::move(name);
  m.base = base;
  m.length = length;
  m.region = region;
  m.rules = rules;
  return m;
}

TEST(MemorySpaceTest, RamReadsBackWhatWasWrittenAndZeroElsewhere) {
  GuestMemory ram(1 << 20);
  MemorySpace memory(&ram);
  memory.WriteBytes(0x2103, "\x4e");
  EXPECT_EQ(memory.Read(0x2100, 4), 0x4e000000u);
  memory.Write(0x0, 8, 0x1122334455667788ull);
  EXPECT_EQ(memory.Read(0x0, 8), 0x1122334455667788ull);
  EXPECT_EQ(memory.Read(0x4, 2), 0x3344u);
  // A write across a page boundary.
  memory.WriteBytes(0xffe, "abcd");
  char out[4];
  memory.ReadBytes(0xffe, out, 4);
  EXPECT_EQ(std::string(out, 4), "abcd");
  EXPECT_EQ(ram.pages_allocated(), 3u);  // pages 0, 1 and 2
  memory.Fill(0x5000, 0, 0x3000);        // zero fill of untouched pages allocates nothing
  EXPECT_EQ(ram.pages_allocated(), 3u);
  memory.Fill(0x5000, 0x41, 3);
  EXPECT_EQ(memory.Read(0x5000, 4), 0x00414141u);
}

TEST(MemorySpaceTest, UnassignedReadsZeroDropsWritesAndIsReported) {
  GuestMemory ram(1 << 20);
  MemorySpace memory(&ram);
  AnomalyCount log;
  memory.set_anomaly_sink(&log);
  EXPECT_EQ(memory.Read(0xffffffff00ull, 8), 0u);
  memory.Write(0xfee00000, 4, 1);
  // Across the top of RAM: the RAM part is kept.
  memory.WriteBytes((1 << 20) - 2, "xyzw");
  EXPECT_EQ(memory.Read((1 << 20) - 2, 4), 0x7978u);
  // Wrapping past 2^64 reads the hole, never RAM at 0.
  memory.WriteBytes(0, "Q");
  char out[2] = {1, 1};
  memory.ReadBytes(~uint64_t{0}, out, 2);
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[1], 0);
  EXPECT_THAT(log.seen, ElementsAre("unclaimed 0xffffffff00 mmio", "unclaimed 0xfee00000 mmio",
                                    "unclaimed 0x100000 mmio", "unclaimed 0x100000 mmio",
                                    "unclaimed 0xffffffffffffffff mmio"));
}

TEST(MemorySpaceTest, MmioPiecesFollowTheRegionRules) {
  GuestMemory ram(1 << 20);
  MemorySpace memory(&ram);
  LoggingRegion dev;
  ASSERT_TRUE(
      memory.Map(Mmio("rtl8139-mmio", 0xff000000, 0x100, &dev, AccessRules::Ops(1, 4, true, 1, 4)))
          .ok());
  // qtest "write 0xff000044 0x4 0x11": one 4-byte write.
  memory.WriteBytes(0xff000044, std::string("\x11\x00\x00\x00", 4));
  // readq through a 4-byte-max region: two pieces.
  EXPECT_EQ(memory.Read(0xff000000, 8), 0x0807060504030201ull);
  // An unaligned 4-byte read splits at alignment (impl.unaligned false).
  memory.Read(0xff000001, 4);
  EXPECT_THAT(dev.calls, ElementsAre("w4@44=11", "r4@0", "r4@4", "r1@1", "r2@2", "r1@4"));
  EXPECT_EQ(memory.NameAt(0xff0000ff), "rtl8139-mmio");
  EXPECT_EQ(memory.NameAt(0x1000), "ram");
  EXPECT_EQ(memory.NameAt(0xff000100), "");
}

TEST(MemorySpaceTest, MmioOverlaysRamAndMappingsMove) {
  GuestMemory ram(1 << 20);
  MemorySpace memory(&ram);
  LoggingRegion vga;
  absl::StatusOr<MemorySpace::MappingId> id =
      memory.Map(Mmio("vga-lowmem", 0xa0000, 0x20000, &vga, AccessRules::Ops(1, 4, true, 1, 4)));
  ASSERT_TRUE(id.ok());
  memory.Write(0xa0000, 1, 0x55);
  EXPECT_EQ(vga.calls.size(), 1u);
  EXPECT_EQ(ram.pages_allocated(), 0u);
  EXPECT_EQ(memory.Map(Mmio("other", 0xbffff, 2, &vga, AccessRules::Any())).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(memory.Map(Mmio("empty", 0x0, 0, &vga, AccessRules::Any())).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(memory.Map(Mmio("wraps", ~uint64_t{0}, 2, &vga, AccessRules::Any())).status().code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(memory.Move(*id, 0xe0000000).ok());
  memory.Write(0xa0000, 1, 0x55);
  EXPECT_EQ(ram.pages_allocated(), 1u);
  EXPECT_EQ(memory.NameAt(0xe0000000), "vga-lowmem");
  ASSERT_TRUE(memory.Unmap(*id).ok());
  EXPECT_EQ(memory.Unmap(*id).code(), absl::StatusCode::kNotFound);
}

TEST(MemorySpaceTest, RegionOffsetShiftsWhatTheRegionSeesAndItsAlignment) {
  GuestMemory ram(1 << 20);
  MemorySpace memory(&ram);
  LoggingRegion container;
  // A container's background from offset 0x516 on (between two subregions of a BAR).
  MmioMapping gap = Mmio("gap", 0xfebd0516, 0xea, &container, AccessRules::Ops(1, 4, false, 1, 4));
  gap.region_offset = 0x516;
  ASSERT_TRUE(memory.Map(gap).ok());
  // 0xfebd0516 is 2-aligned in the container, so a 4-byte read is two 2-byte pieces.
  memory.Read(0xfebd0516, 4);
  memory.Write(0xfebd0518, 4, 0xaabbccdd);
  EXPECT_THAT(container.calls, ElementsAre("r2@516", "r2@518", "w4@518=aabbccdd"));
}

}  // namespace
}  // namespace portrace::sim
