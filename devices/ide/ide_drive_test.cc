#include "devices/ide/ide_drive.h"

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

// Words QEMU 7.2 answers for a 1 MiB disk at index 0 (recorded in testdata/fidelity).
TEST(IdeDriveTest, HardDiskIdentifyMatchesQemu) {
  const IdentifyData d = HardDiskIdentify(0, 2048, GuessGeometry(2048), 16);
  const struct {
    int word;
    uint16_t value;
  } cases[] = {{0, 0x0040},  {1, 0x0002},  {3, 0x0010},  {4, 0x7e00},  {6, 0x003f},
               {10, 0x514d}, {13, 0x3120}, {23, 0x322e}, {24, 0x352b}, {27, 0x5145},
               {47, 0x8010}, {49, 0x0b00}, {57, 0x07e0}, {59, 0x0110}, {60, 0x0800},
               {69, 0x4000}, {83, 0x7400}, {88, 0x203f}, {93, 0x6001}, {100, 0x0800},
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
