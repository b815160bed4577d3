#include "devices/ide/ide_drive.h"

#include <vector>

#include "gtest/gtest.h"

namespace portrace::devices {
namespace {

TEST(IdeDriveTest, GeometryGuess) {
  const struct {
    uint64_t sectors;
    int cylinders;
  } cases[] = {{0, 2}, {2048, 2}, {16 * 63 * 100, 100}, {uint64_t{1} << 40, 16383}};
  for (const auto& c : cases) {
    IdeGeometry g = GuessGeometry(c.sectors);
    EXPECT_EQ(g.cylinders, c.cylinders) << c.sectors;
    EXPECT_EQ(g.heads, 16);
    EXPECT_EQ(g.sectors, 63);
  }
}

// hd_geometry_guess from a boot sector's partition table (the recorded replies of
// testdata/fidelity/ide-cmos.qtest check the same through IDENTIFY and CMOS).
TEST(IdeDriveTest, GuessGeometryFromThePartitionTable) {
  auto mbr = [](uint8_t end_head, uint8_t end_sector, uint32_t nr_sects, bool signature) {
    std::vector<uint8_t> s(512);
    s[0x1be + 5] = end_head;
    s[0x1be + 6] = end_sector;
    for (int i = 0; i < 4; ++i) s[0x1be + 12 + i] = static_cast<uint8_t>(nr_sects >> (8 * i));
    if (signature) {
      s[510] = 0x55;
      s[511] = 0xaa;
    }
    return s;
  };
  using T = BiosTranslation;
  const struct {
    const char* what;
    uint64_t sectors;
    std::vector<uint8_t> sector0;
    IdeGeometry want;
  } cases[] = {
      {"no boot sector", 16384, {}, {16, 16, 63, T::kNone}},
      {"no signature", 16384, mbr(254, 63, 8192, false), {16, 16, 63, T::kNone}},
      {"translated (255 heads), small", 16384, mbr(254, 63, 8192, true), {16, 16, 63, T::kLarge}},
      {"translated, cylinders*heads > 131072",
       uint64_t{16} * 63 * 9000,
       mbr(254, 63, 1, true),
       {9000, 16, 63, T::kLba}},
      {"up to 16 heads: taken as physical", 2048, mbr(3, 16, 2032, true), {32, 4, 16, T::kNone}},
      {"end sector 0: skipped", 2048, mbr(3, 0x40, 2032, true), {2, 16, 63, T::kNone}},
      {"no sectors: skipped", 2048, mbr(3, 16, 0, true), {2, 16, 63, T::kNone}},
      {"end head 0: skipped", 2048, mbr(0, 16, 2032, true), {2, 16, 63, T::kNone}},
      {"cylinders 0: skipped", 100, mbr(15, 63, 50, true), {2, 16, 63, T::kNone}},
      {"over 1024 cylinders, no table: LBA", uint64_t{16} * 63 * 2000, {}, {2000, 16, 63, T::kLba}},
      {"short sector: ignored", 16384, std::vector<uint8_t>(100, 0x55), {16, 16, 63, T::kNone}},
  };
  for (const auto& c : cases) {
    const IdeGeometry g = GuessGeometry(c.sectors, c.sector0);
    EXPECT_EQ(g.cylinders, c.want.cylinders) << c.what;
    EXPECT_EQ(g.heads, c.want.heads) << c.what;
    EXPECT_EQ(g.sectors, c.want.sectors) << c.what;
    EXPECT_EQ(g.translation, c.want.translation) << c.what;
  }
}

// Words QEMU 7.2 answers for a 1 MiB disk at index 0 (recorded in testdata/fidelity).
TEST(IdeDriveTest, HardDiskIdentifyMatchesQemu) {
  const IdentifyData d = HardDiskIdentify(0, 2048, GuessGeometry(2048), 16);
  const struct {
    int word;
    uint16_t value;
  } cases[] = {{0, 0x0040},   {1, 0x0002},   {3, 0x0010},  {4, 0x7e00},  {6, 0x003f},
               {10, 0x514d},  {13, 0x3120},  {23, 0x322e}, {24, 0x352b}, {27, 0x5145},
               {47, 0x8010},  {49, 0x0b00},  {57, 0x07e0}, {59, 0x0110}, {60, 0x0800},
               {69, 0x4000},  {83, 0x7400},  {88, 0x203f}, {93, 0x6001}, {100, 0x0800},
               {106, 0x6000}, {169, 0x0001}, {255, 0x0000}};
  for (const auto& c : cases) EXPECT_EQ(d[c.word], c.value) << "word " << c.word;
}

TEST(IdeDriveTest, SerialFollowsTheIndex) {
  EXPECT_EQ(IdeSerial(0), "QM00001");
  EXPECT_EQ(IdeSerial(3), "QM00004");
}

TEST(IdeDriveTest, ReadTocLeadOut) {
  const std::vector<uint8_t> toc = AtapiReadToc(128, 0, false, 0);
  ASSERT_EQ(toc.size(), 20u);
  EXPECT_EQ(toc[1], 18);
  EXPECT_EQ(toc[14], 0xaa);
  EXPECT_EQ(toc[19], 128);
  EXPECT_TRUE(AtapiReadToc(128, 0, false, 2).empty());
}

}  // namespace
}  // namespace portrace::devices
