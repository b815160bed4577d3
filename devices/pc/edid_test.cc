#include "devices/pc/edid.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::devices {
namespace {

using ::testing::ElementsAre;

uint8_t BlockSum(const std::vector<uint8_t>& blob, size_t block) {
  unsigned sum = 0;
  for (size_t i = 0; i < 128; ++i) sum += blob[128 * block + i];
  return static_cast<uint8_t>(sum);
}

std::string Text(const std::vector<uint8_t>& blob, size_t at, size_t length) {
  return std::string(blob.begin() + at, blob.begin() + at + length);
}

// The preferred mode from an 18-byte detailed timing descriptor at `at`.
std::pair<unsigned, unsigned> DetailedMode(const std::vector<uint8_t>& blob, size_t at) {
  return {blob[at + 2] | (blob[at + 4] & 0xf0) << 4, blob[at + 5] | (blob[at + 7] & 0xf0) << 4};
}

// What std VGA shows with its default properties: 1280x800 at 75 Hz, "QEMU Monitor".
TEST(EdidTest, DefaultsAreQemusStdVgaMonitor) {
  const std::vector<uint8_t> edid = GenerateEdid(EdidInfo(), 384);
  ASSERT_EQ(edid.size(), 384u);
  EXPECT_THAT(std::vector<uint8_t>(edid.begin(), edid.begin() + 20),
              ElementsAre(0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00,  // header
                          0x49, 0x14,                                      // "RHT"
                          0x34, 0x12,                                      // product 0x1234
                          0, 0, 0, 0,                                      // no serial
                          42, 24, 1, 4));                                  // 2014, EDID 1.4
  EXPECT_EQ(edid[21], 32);  // 1280 px at 100 dpi = 32 cm
  EXPECT_EQ(edid[22], 20);
  EXPECT_EQ(edid[126], 1);  // one extension: CTA-861
  EXPECT_EQ(BlockSum(edid, 0), 0);
  EXPECT_EQ(BlockSum(edid, 1), 0);
  // Descriptors: the preferred timing, established timings III, range limits, the name.
  EXPECT_EQ(DetailedMode(edid, 54), std::make_pair(1280u, 800u));
  EXPECT_EQ(edid[54] | edid[55] << 8, 10730);  // 107.30 MHz: 75 Hz over 1728 x 828
  EXPECT_EQ(edid[72 + 3], 0xf7);
  EXPECT_EQ(edid[90 + 3], 0xfd);
  EXPECT_EQ(edid[108 + 3], 0xfc);
  EXPECT_EQ(Text(edid, 108 + 5, 13), "QEMU Monitor\n");
  // Established timings 640x480, 800x600, 1024x768; the first standard timing 2048x1152 (16:9).
  EXPECT_EQ(edid[35], 0x21);
  EXPECT_EQ(edid[36], 0x08);
  EXPECT_EQ(edid[38], 2048 / 8 - 31);
  EXPECT_EQ(edid[39], 0xc0);
  // CTA block: the video data block lists five 50 Hz modes and 3840x2160 at 60 Hz (VIC 97).
  EXPECT_THAT(std::vector<uint8_t>(edid.begin() + 128, edid.begin() + 139),
              ElementsAre(0x02, 0x03, 11, 0x00, 0x46, 125, 101, 96, 89, 31, 97));
  // No DisplayID block for a screen this small.
  EXPECT_EQ(std::vector<uint8_t>(edid.begin() + 256, edid.end()), std::vector<uint8_t>(128, 0));
}

TEST(EdidTest, ModeLimitsSizesAndLargeScreens) {
  const struct {
    const char* name;
    uint32_t prefx, prefy, maxx, maxy, refresh;
    size_t size;
    int extensions;
    bool detailed_in_base;   // the preferred mode in the first descriptor
    bool display_id;         // a DisplayID block at 256
    uint8_t cta_descriptors;  // CTA byte 2: where its descriptors start
  } cases[] = {
      {"default", 0, 0, 0, 0, 0, 384, 1, true, false, 11},
      {"base block only", 0, 0, 0, 0, 0, 128, 0, true, false, 0},
      {"too small is raised", 0, 0, 0, 0, 0, 16, 0, true, false, 0},
      {"limited to 1600x1200", 800, 600, 1600, 1200, 0, 384, 1, true, false, 5},
      {"4096 wide", 4096, 2160, 0, 0, 0, 384, 2, false, true, 11},
      // 4000x3000 at 75 Hz needs a 1257.52 MHz pixel clock: too fast for 16 bits.
      {"fast pixel clock", 4000, 3000, 0, 0, 0, 384, 2, false, true, 11},
      {"large without room", 5000, 2000, 0, 0, 0, 256, 1, false, false, 11},
      {"60 Hz", 1024, 768, 0, 0, 60000, 384, 1, true, false, 11},
  };
  for (const auto& c : cases) {
    EdidInfo info;
    info.prefx = c.prefx;
    info.prefy = c.prefy;
    info.maxx = c.maxx;
    info.maxy = c.maxy;
    info.refresh_rate = c.refresh;
    const std::vector<uint8_t> edid = GenerateEdid(info, c.size);
    ASSERT_EQ(edid.size(), std::max<size_t>(c.size, 128)) << c.name;
    EXPECT_EQ(edid[126], c.extensions) << c.name;
    for (int block = 0; block <= c.extensions; ++block) {
      EXPECT_EQ(BlockSum(edid, block), 0) << c.name << " block " << block;
    }
    EXPECT_EQ(edid[54 + 3] != 0xf7, c.detailed_in_base) << c.name;
    if (c.detailed_in_base) {
      EXPECT_EQ(DetailedMode(edid, 54),
                std::make_pair(c.prefx ? c.prefx : 1280u, c.prefy ? c.prefy : 800u))
          << c.name;
    }
    EXPECT_EQ(edid.size() > 256 && edid[256] == 0x70, c.display_id) << c.name;
    if (c.display_id) {
      EXPECT_EQ(edid[256 + 12] | edid[256 + 13] << 8, c.prefx - 1) << c.name;
      EXPECT_EQ(edid[256 + 20] | edid[256 + 21] << 8, c.prefy - 1) << c.name;
    }
    if (c.extensions > 0) {
      EXPECT_EQ(edid[128 + 2], c.cta_descriptors) << c.name;
    }
  }
}

TEST(EdidTest, ModesAboveTheLimitAreLeftOut) {
  EdidInfo info;
  info.prefx = 800;
  info.prefy = 600;
  info.maxx = 1600;
  info.maxy = 1200;
  const std::vector<uint8_t> edid = GenerateEdid(info, 384);
  // Standard timings: 1600x1200, 1440x900, 1280x1024, 1280x960, then unused slots.
  EXPECT_THAT(std::vector<uint8_t>(edid.begin() + 38, edid.begin() + 54),
              ElementsAre(0xa9, 0x40, 0x95, 0x00, 0x81, 0x80, 0x81, 0x40, 1, 1, 1, 1, 1, 1, 1, 1));
  // Modes without a standard-timing code land nowhere once tried there.
  EXPECT_THAT(std::vector<uint8_t>(edid.begin() + 72 + 6, edid.begin() + 72 + 12),
              ElementsAre(0, 0, 0, 0, 0, 0));
  // Descriptors that do not fit in the base block continue in the CTA block as dummies.
  EXPECT_EQ(edid[128 + 5 + 3], 0x10);
}

TEST(EdidTest, VendorNameAndSerial) {
  EdidInfo info;
  info.vendor = "ABC";
  info.name = "A very long monitor name";
  info.serial = "  -12abc";
  const std::vector<uint8_t> edid = GenerateEdid(info, 256);
  EXPECT_EQ(edid[8] << 8 | edid[9], 1 << 10 | 2 << 5 | 3);
  EXPECT_EQ(Text(edid, 108 + 5, 13), "A very long \n");
  // atoi("  -12abc") = -12, stored as its 32-bit pattern.
  EXPECT_THAT(std::vector<uint8_t>(edid.begin() + 12, edid.begin() + 16),
              ElementsAre(0xf4, 0xff, 0xff, 0xff));
  // The serial descriptor went to the CTA block, after its video data block.
  const size_t serial = 128 + edid[128 + 2];
  EXPECT_EQ(edid[serial + 3], 0xff);
  EXPECT_EQ(Text(edid, serial + 5, 9), "  -12abc\n");
  EXPECT_EQ(BlockSum(edid, 0), 0);
  EXPECT_EQ(BlockSum(edid, 1), 0);

  info.vendor = "TOOLONG";
  EXPECT_EQ(GenerateEdid(info, 128)[8], 0x49);  // back to "RHT"
}

TEST(EdidTest, AbsurdPropertiesStillGiveChecksummedBlocks) {
  for (uint32_t x : {1u, 7u, 65535u, 0xffffffffu}) {
    EdidInfo info;
    info.prefx = x;
    info.prefy = x;
    info.width_mm = x;
    info.height_mm = 1;
    info.refresh_rate = x;
    const std::vector<uint8_t> edid = GenerateEdid(info, 384);
    for (int block = 0; block <= edid[126]; ++block) EXPECT_EQ(BlockSum(edid, block), 0) << x;
  }
}

}  // namespace
}  // namespace portrace::devices
