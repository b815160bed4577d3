#include "devices/pc/vga_core.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/machine.h"

namespace portrace::devices {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A bare pc machine with a VgaCore mapped at the legacy addresses; the test talks to it through
// the machine's spaces, as a guest would.
struct Rig {
  Rig() {
    sim::MachineOptions options;
    options.name = "pc";
    machine = *sim::Machine::Create(options);
    core = std::make_unique<VgaCore>([this](absl::string_view kind, uint64_t value,
                                            std::string text) {
      events.push_back(absl::StrCat(kind, " ", absl::Hex(value), text.empty() ? "" : " ", text));
    });
    EXPECT_TRUE(core->MapLegacy(machine.get()).ok());
  }
  uint32_t In(uint32_t port, unsigned width = 1) { return machine->io().Read(port, width); }
  void Out(uint32_t port, uint32_t value, unsigned width = 1) {
    machine->io().Write(port, width, value);
  }
  void Colour() { Out(0x3c2, 0x01); }
  uint8_t Indexed(uint32_t index_port, uint8_t index) {
    Out(index_port, index);
    return static_cast<uint8_t>(In(index_port + 1));
  }
  void SetIndexed(uint32_t index_port, uint8_t index, uint8_t value) {
    Out(index_port, index);
    Out(index_port + 1, value);
  }
  uint16_t Vbe(uint16_t index) {
    Out(0x1ce, index, 2);
    return static_cast<uint16_t>(In(0x1cf, 2));
  }
  void SetVbe(uint16_t index, uint16_t value) {
    Out(0x1ce, index, 2);
    Out(0x1cf, value, 2);
  }
  uint64_t Mem(uint64_t address, unsigned width = 1) {
    return machine->memory().Read(address, width);
  }
  void SetMem(uint64_t address, uint64_t value, unsigned width = 1) {
    machine->memory().Write(address, width, value);
  }
  void SetVram32(uint64_t address, uint32_t value) {
    char bytes[4];
    for (int i = 0; i < 4; ++i) bytes[i] = static_cast<char>(value >> (8 * i));
    core->vram().Write(address, bytes, 4);
  }
  uint32_t Vram32(uint64_t address) {
    char bytes[4];
    core->vram().Read(address, bytes, 4);
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) value |= uint32_t{static_cast<uint8_t>(bytes[i])} << (8 * i);
    return value;
  }

  std::unique_ptr<sim::Machine> machine;
  std::unique_ptr<VgaCore> core;
  std::vector<std::string> events;
};

TEST(VgaCoreTest, IndexedRegistersKeepOnlyTheirWritableBits) {
  const struct {
    uint32_t index_port;
    uint8_t index;       // written to the index port
    uint8_t index_read;  // what the index port reads back
    uint8_t written;
    uint8_t read;
  } cases[] = {
      {0x3c4, 0, 0, 0xff, 0x03},    {0x3c4, 1, 1, 0xff, 0x3d},    {0x3c4, 2, 2, 0xff, 0x0f},
      {0x3c4, 3, 3, 0xff, 0x3f},    {0x3c4, 4, 4, 0xff, 0x0e},    {0x3c4, 5, 5, 0xff, 0x00},
      {0x3c4, 7, 7, 0xff, 0xff},    {0x3c4, 0x0a, 2, 0x05, 0x05}, {0x3c4, 0xff, 7, 0x12, 0x12},
      {0x3ce, 0, 0, 0xff, 0x0f},    {0x3ce, 3, 3, 0xff, 0x1f},    {0x3ce, 4, 4, 0xff, 0x03},
      {0x3ce, 5, 5, 0xff, 0x7b},    {0x3ce, 8, 8, 0xff, 0xff},    {0x3ce, 9, 9, 0xff, 0x00},
      {0x3ce, 0x15, 5, 0x10, 0x10}, {0x3d4, 0x00, 0, 0x5a, 0x5a}, {0x3d4, 0x18, 0x18, 0xa5, 0xa5},
      {0x3d4, 0xff, 0xff, 0x77, 0x77},
  };
  for (const auto& c : cases) {
    Rig rig;
    rig.Colour();
    rig.Out(c.index_port, c.index);
    EXPECT_EQ(rig.In(c.index_port), c.index_read) << std::hex << c.index_port << " " << +c.index;
    rig.Out(c.index_port + 1, c.written);
    EXPECT_EQ(rig.In(c.index_port + 1), c.read) << std::hex << c.index_port << " " << +c.index;
  }
}

TEST(VgaCoreTest, MiscOutputSelectsTheCrtcAndStatusPorts) {
  Rig rig;
  // After reset: mono. The colour ports read 0xff and drop writes.
  EXPECT_EQ(rig.In(0x3cc), 0x00u);
  rig.SetIndexed(0x3b4, 0x0e, 0x12);
  EXPECT_EQ(rig.Indexed(0x3b4, 0x0e), 0x12u);
  EXPECT_EQ(rig.In(0x3d4), 0xffu);
  EXPECT_EQ(rig.In(0x3da), 0xffu);
  rig.SetIndexed(0x3d4, 0x0e, 0x34);
  EXPECT_EQ(rig.Indexed(0x3b4, 0x0e), 0x12u);
  // Colour: bit 4 is not kept; now the mono ports are the dead ones.
  rig.Out(0x3c2, 0xff);
  EXPECT_EQ(rig.In(0x3cc), 0xefu);
  EXPECT_EQ(rig.In(0x3b4), 0xffu);
  EXPECT_EQ(rig.In(0x3ba), 0xffu);
  EXPECT_EQ(rig.Indexed(0x3d4, 0x0e), 0x12u);
  rig.Out(0x3c2, 0x66);
  EXPECT_THAT(rig.events, ElementsAre("io-select ef colour", "io-select 66 mono"));
  // Ports between the registers read 0; the pixel mask reads 0 whatever is written.
  rig.Out(0x3c6, 0xff);
  for (uint32_t port : {0x3c3u, 0x3c6u, 0x3cbu, 0x3cdu, 0x3c2u}) EXPECT_EQ(rig.In(port), 0u);
  // Ports QEMU does not claim at all.
  for (uint32_t port : {0x3b0u, 0x3b3u, 0x3bbu, 0x3d0u, 0x3dfu}) EXPECT_EQ(rig.In(port), 0xffu);
}

TEST(VgaCoreTest, StatusTogglesAndResetsTheAttributeFlipFlop) {
  Rig rig;
  rig.Colour();
  EXPECT_EQ(rig.In(0x3da), 0x09u);
  EXPECT_EQ(rig.In(0x3da), 0x00u);
  EXPECT_EQ(rig.In(0x3da), 0x09u);
  // Feature control: written at 0x3da, read at 0x3ca, bit 4 only.
  rig.Out(0x3da, 0xff);
  EXPECT_EQ(rig.In(0x3ca), 0x10u);

  rig.In(0x3da);
  rig.Out(0x3c0, 0x31);  // index 0x11 with the palette-source bit
  EXPECT_EQ(rig.In(0x3c0), 0u) << "flip-flop at data: index not readable";
  rig.Out(0x3c0, 0x5a);
  EXPECT_EQ(rig.In(0x3c0), 0x31u);
  EXPECT_EQ(rig.In(0x3c1), 0x5au);
  rig.Out(0x3c0, 0x10);  // index; then a status read puts the flip-flop back at the index
  rig.In(0x3da);
  rig.Out(0x3c0, 0x02);
  rig.Out(0x3c0, 0xff);
  EXPECT_EQ(rig.In(0x3c1), 0x3fu);
  const struct {
    uint8_t index, written, read;
  } masks[] = {{0x10, 0xff, 0xef}, {0x11, 0xff, 0xff}, {0x12, 0xff, 0x3f}, {0x13, 0xff, 0x0f},
               {0x14, 0xff, 0x0f}, {0x15, 0xff, 0x00}, {0x1f, 0xff, 0x00}, {0x3f, 0x12, 0x00}};
  for (const auto& m : masks) {
    rig.In(0x3da);
    rig.Out(0x3c0, m.index);
    rig.Out(0x3c0, m.written);
    EXPECT_EQ(rig.In(0x3c1), m.read) << std::hex << +m.index;
  }
}

TEST(VgaCoreTest, CrtcProtectionKeepsCr0ToCr7ButCr7Bit4) {
  Rig rig;
  rig.Colour();
  for (uint8_t index = 0; index < 8; ++index) rig.SetIndexed(0x3d4, index, 0x00);
  rig.SetIndexed(0x3d4, 0x11, 0x80);
  for (uint8_t index = 0; index < 8; ++index) {
    rig.SetIndexed(0x3d4, index, 0xff);
    EXPECT_EQ(rig.Indexed(0x3d4, index), index == 7 ? 0x10u : 0x00u) << +index;
  }
  rig.SetIndexed(0x3d4, 0x08, 0xff);
  EXPECT_EQ(rig.Indexed(0x3d4, 0x08), 0xffu);
  rig.SetIndexed(0x3d4, 0x11, 0x00);
  rig.SetIndexed(0x3d4, 0x00, 0x5f);
  EXPECT_EQ(rig.Indexed(0x3d4, 0x00), 0x5fu);
}

TEST(VgaCoreTest, DacCyclesOfThreeAndIndexWrap) {
  Rig rig;
  rig.Out(0x3c8, 0xff);
  for (uint8_t v : {1, 2, 3, 4, 5}) rig.Out(0x3c9, v);  // entry 255, then two of entry 0
  EXPECT_EQ(rig.In(0x3c8), 0x00u);
  EXPECT_EQ(rig.In(0x3c7), 0u);  // DAC state after a write index
  rig.Out(0x3c7, 0xff);
  EXPECT_EQ(rig.In(0x3c7), 3u);
  std::vector<uint32_t> read;
  for (int i = 0; i < 6; ++i) read.push_back(rig.In(0x3c9));
  // Entry 0 was never completed: the partial cycle did not reach the palette.
  EXPECT_THAT(read, ElementsAre(1, 2, 3, 0, 0, 0));
  // Word accesses are two byte accesses: 0x3c8 then 0x3c9.
  rig.Out(0x3c8, 0x3f10, 2);
  rig.Out(0x3c9, 0x2a, 1);
  rig.Out(0x3c9, 0x15, 1);
  rig.Out(0x3c7, 0x10);
  EXPECT_EQ(rig.In(0x3c9, 2), 0x003fu);  // the high byte is 0x3ca, feature control
  EXPECT_EQ(rig.In(0x3c9), 0x2au);
  EXPECT_EQ(rig.In(0x3c9), 0x15u);
}

TEST(VgaCoreTest, PortWidthsFollowQemusPortioRules) {
  Rig rig;
  rig.Colour();
  rig.Out(0x3c4, 0x0f02, 2);  // index then data
  EXPECT_EQ(rig.Indexed(0x3c4, 0x02), 0x0fu);
  EXPECT_EQ(rig.In(0x3c4, 2), 0x0f02u);
  // 0x3cf ends its port region: the second byte of a word reads 0xff, a written one is dropped.
  rig.SetIndexed(0x3ce, 0x08, 0x5a);
  EXPECT_EQ(rig.In(0x3cf, 2), 0xff5au);
  rig.Out(0x3cf, 0x1234, 2);
  EXPECT_EQ(rig.In(0x3cf), 0x34u);
  EXPECT_EQ(rig.In(0x3c0, 4), 0xffffffffu);
  rig.Out(0x3c4, 0x01020304, 4);  // no 4-byte handler: dropped
  EXPECT_EQ(rig.In(0x3c4), 0x02u);
  EXPECT_EQ(rig.In(0x3da, 2), 0xff09u);  // one port region: the byte after it is unclaimed
}

TEST(VgaCoreTest, VbeRegistersAfterResetAndOddAccesses) {
  Rig rig;
  const uint16_t after_reset[] = {0xb0c5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 256, 0, 0};
  for (uint16_t index = 0; index < 13; ++index) EXPECT_EQ(rig.Vbe(index), after_reset[index]);
  EXPECT_EQ(rig.Vbe(0xffff), 0u);
  EXPECT_EQ(rig.In(0x1ce, 2), 0xffffu);
  rig.Out(0x1ce, 0, 2);
  EXPECT_EQ(rig.In(0x1d0, 2), 0xb0c5u);  // 0x1d0 is data too
  EXPECT_EQ(rig.In(0x1d1, 2), 0xffffu);  // in QEMU's region, no handler
  EXPECT_EQ(rig.In(0x1ce, 1), 0xffu);    // 16-bit handlers only
  EXPECT_EQ(rig.In(0x1ce, 4), 0xffffffffu);
  rig.Out(0x1ce, 3, 1);  // dropped
  rig.Out(0x1ce, 3, 4);  // dropped
  EXPECT_EQ(rig.In(0x1ce, 2), 0u);
  const struct {
    uint16_t written, read;
  } ids[] = {{0xb0c0, 0xb0c0}, {0xb0c6, 0xb0c0}, {0x1234, 0xb0c0}, {0xb0c4, 0xb0c4},
             {0xb0bf, 0xb0c4}, {0xb0c5, 0xb0c5}};
  for (const auto& id : ids) {
    rig.SetVbe(kVbeId, id.written);
    EXPECT_EQ(rig.Vbe(kVbeId), id.read) << std::hex << id.written;
  }
  // Disabled: mode registers hold whatever is written; VIRT_HEIGHT and index 10 are read-only.
  rig.SetVbe(kVbeXres, 1023);
  rig.SetVbe(kVbeVirtHeight, 99);
  rig.SetVbe(kVbeVideoMemory64k, 5);
  EXPECT_EQ(rig.Vbe(kVbeXres), 1023u);
  EXPECT_EQ(rig.Vbe(kVbeVirtHeight), 0u);
  EXPECT_EQ(rig.Vbe(kVbeVideoMemory64k), 256u);
  rig.SetVbe(kVbeEnable, kVbeGetCaps);
  EXPECT_EQ(rig.Vbe(kVbeXres), 16000u);
  EXPECT_EQ(rig.Vbe(kVbeYres), 12000u);
  EXPECT_EQ(rig.Vbe(kVbeBpp), 32u);
  EXPECT_EQ(rig.Vbe(kVbeEnable), kVbeGetCaps);
  EXPECT_THAT(rig.events, IsEmpty());
}

TEST(VgaCoreTest, VbeEnableValidatesTheModeAsQemu) {
  const struct {
    const char* name;
    uint16_t xres, yres, bpp;
    uint16_t want_xres, want_yres, want_bpp, want_virt_height;
  } cases[] = {
      {"1024x768x32", 1024, 768, 32, 1024, 768, 32, 4096},
      {"odd width rounds down", 1023, 600, 8, 1016, 600, 8, 16513},
      {"zero size: 16-byte lines, 2^20 of them", 0, 0, 16, 8, 1, 16, 0},
      {"huge size", 0xffff, 0xffff, 32, 16000, 262, 32, 262},
      {"15 bpp counts as 16", 640, 480, 15, 640, 480, 15, 13107},
      {"bad depth becomes 8", 640, 480, 7, 640, 480, 8, 26214},
      {"4 bpp, tiny lines wrap VIRT_HEIGHT", 8, 1, 4, 8, 1, 4, 0},
  };
  for (const auto& c : cases) {
    Rig rig;
    rig.SetVbe(kVbeXres, c.xres);
    rig.SetVbe(kVbeYres, c.yres);
    rig.SetVbe(kVbeBpp, c.bpp);
    rig.SetVbe(kVbeXOffset, 100);
    rig.SetVbe(kVbeEnable, kVbeEnabled | kVbeLfbEnabled);
    EXPECT_EQ(rig.Vbe(kVbeXres), c.want_xres) << c.name;
    EXPECT_EQ(rig.Vbe(kVbeYres), c.want_yres) << c.name;
    EXPECT_EQ(rig.Vbe(kVbeBpp), c.want_bpp) << c.name;
    EXPECT_EQ(rig.Vbe(kVbeVirtWidth), c.want_xres) << c.name;
    EXPECT_EQ(rig.Vbe(kVbeVirtHeight), c.want_virt_height) << c.name;
    EXPECT_EQ(rig.Vbe(kVbeXOffset), 0u) << c.name << ": offsets reset on enable";
    ASSERT_FALSE(rig.events.empty()) << c.name;
    EXPECT_EQ(rig.events.back().rfind("vbe-enabled 41 ", 0), 0u) << rig.events.back();
    const bool adjusted = c.xres != c.want_xres || c.yres != c.want_yres || c.bpp != c.want_bpp;
    EXPECT_EQ(rig.events.size() > 1, adjusted) << c.name;
  }
}

TEST(VgaCoreTest, VbeWritesWhileEnabledAreValidatedAndReported) {
  Rig rig;
  rig.SetVbe(kVbeXres, 1024);
  rig.SetVbe(kVbeYres, 768);
  rig.SetVbe(kVbeBpp, 32);
  rig.SetVbe(kVbeEnable, kVbeEnabled | kVbeLfbEnabled);
  EXPECT_THAT(rig.events, ElementsAre("vbe-enabled 41 1024x768x32 virtual 1024x4096 lfb"));
  rig.events.clear();
  rig.SetVbe(kVbeXres, 0xffff);
  rig.SetVbe(kVbeVirtWidth, 4);
  rig.SetVbe(kVbeYOffset, 0xffff);
  rig.SetVbe(kVbeBank, 0x1ff);
  rig.SetVbe(kVbeXres, 1024);
  EXPECT_THAT(rig.events, ElementsAre("vbe-adjusted 1ffff XRES 65535 -> 16000",
                                      "vbe-adjusted 60004 VIRT_WIDTH 4 -> 16000",
                                      "vbe-adjusted 9ffff Y_OFFSET 65535 -> 0",
                                      "vbe-adjusted 501ff BANK 511 -> 255"));
  // VGA registers reprogrammed for the mode: graphics, memory map 1, line offset, width.
  rig.Colour();
  EXPECT_EQ(rig.Indexed(0x3ce, 0x06), 0x05u);
  EXPECT_EQ(rig.Indexed(0x3d4, 0x13), (16000 * 4 / 8) & 0xffu);
  EXPECT_EQ(rig.Indexed(0x3d4, 0x01), 1024 / 8 - 1u);
  // The guest's SR2/SR4 stay as written; the window uses the VBE shadow (chain 4).
  EXPECT_EQ(rig.Indexed(0x3c4, 0x04), 0x00u);
  rig.events.clear();
  rig.SetVbe(kVbeEnable, 0);
  EXPECT_THAT(rig.events, ElementsAre("vbe-disabled 0"));
}

TEST(VgaCoreTest, EnablingClearsTheVisibleLinesUnlessNoClearMem) {
  for (bool no_clear : {false, true}) {
    Rig rig;
    rig.core->vram().Fill(0, 0x5a, 640 * 3);
    rig.SetVbe(kVbeXres, 640);
    rig.SetVbe(kVbeYres, 2);
    rig.SetVbe(kVbeBpp, 8);
    rig.SetVbe(kVbeEnable, kVbeEnabled | (no_clear ? kVbeNoClearMem : 0));
    EXPECT_EQ(rig.Vram32(0), no_clear ? 0x5a5a5a5au : 0u);
    EXPECT_EQ(rig.Vram32(640 * 2 - 4), no_clear ? 0x5a5a5a5au : 0u);
    EXPECT_EQ(rig.Vram32(640 * 2), 0x5a5a5a5au);
  }
}

TEST(VgaCoreTest, WindowInTextModeIsOddEven) {
  Rig rig;
  rig.SetIndexed(0x3ce, 0x06, 0x0e);  // map 3: 0xb8000
  rig.SetIndexed(0x3ce, 0x05, 0x10);  // odd/even
  rig.SetIndexed(0x3c4, 0x04, 0x02);
  rig.SetIndexed(0x3c4, 0x02, 0x03);
  rig.SetMem(0xb8000, 0x0741, 2);  // 'A', attribute 7
  rig.SetMem(0xb8002, 0x1f42, 2);
  EXPECT_EQ(rig.Mem(0xb8000, 4), 0x1f420741u);
  EXPECT_EQ(rig.Vram32(0), 0x00000741u);  // character in plane 0, attribute in plane 1
  EXPECT_EQ(rig.Vram32(4), 0x00001f42u);
  EXPECT_EQ(rig.Mem(0xb0000), 0xffu);  // outside map 3
  EXPECT_EQ(rig.Mem(0xa0000), 0xffu);
  rig.SetMem(0xa0000, 0x12);  // dropped
  EXPECT_EQ(rig.Vram32(0), 0x00000741u);
  // Planes 2/3 with GR4 bit 1, written only where SR2 allows.
  rig.SetIndexed(0x3c4, 0x02, 0x04);
  rig.SetIndexed(0x3ce, 0x04, 0x02);
  rig.SetMem(0xb8000, 0x9988, 2);
  EXPECT_EQ(rig.Vram32(0), 0x00880741u);
}

TEST(VgaCoreTest, PlanarWriteModesAndReadModes) {
  const struct {
    const char* name;
    uint8_t mode, rotate, set_reset, enable, bit_mask, planes;
    uint32_t latched;  // planes 0-3 loaded into the latch by a read of another address first
    uint8_t data;
    uint32_t want;
  } cases[] = {
      {"mode 0 plain", 0x00, 0x00, 0x0, 0x0, 0xff, 0xf, 0, 0xa5, 0xa5a5a5a5},
      {"mode 0 rotate 3", 0x00, 0x03, 0x0, 0x0, 0xff, 0xf, 0, 0x81, 0x30303030},
      {"mode 0 set/reset", 0x00, 0x00, 0xc, 0x5, 0xff, 0xf, 0, 0x3c, 0x3cff3c00},
      {"mode 0 and", 0x00, 0x08, 0x0, 0x0, 0xff, 0xf, 0xf0f0f0f0, 0x3c, 0x30303030},
      {"mode 0 or", 0x00, 0x10, 0x0, 0x0, 0xff, 0xf, 0xf0f0f0f0, 0x3c, 0xfcfcfcfc},
      {"mode 0 xor", 0x00, 0x18, 0x0, 0x0, 0xff, 0xf, 0xf0f0f0f0, 0x3c, 0xcccccccc},
      {"mode 0 bit mask", 0x00, 0x00, 0x0, 0x0, 0x0f, 0xf, 0xf0f0f0f0, 0x00, 0xf0f0f0f0},
      {"mode 0 plane mask", 0x00, 0x00, 0x0, 0x0, 0xff, 0x5, 0x11223344, 0x66, 0x00660066},
      {"mode 1 copies the latch", 0x01, 0x00, 0x0, 0x0, 0x00, 0xf, 0x12345678, 0x00, 0x12345678},
      {"mode 2 colour", 0x02, 0x00, 0x0, 0x0, 0xff, 0xf, 0, 0x0a, 0xff00ff00},
      {"mode 2 under bit mask", 0x02, 0x00, 0x0, 0x0, 0x33, 0xf, 0xff00ff00, 0x05, 0xcc33cc33},
      {"mode 3", 0x03, 0x00, 0x9, 0x0, 0xff, 0xf, 0, 0xf0, 0xf00000f0},
      {"mode 3 rotated", 0x03, 0x04, 0x9, 0x0, 0xff, 0xf, 0, 0xf0, 0x0f00000f},
  };
  for (const auto& c : cases) {
    Rig rig;
    rig.SetIndexed(0x3ce, 0x06, 0x05);  // map 1
    rig.SetIndexed(0x3c4, 0x04, 0x06);  // planar
    rig.SetIndexed(0x3c4, 0x02, 0x0f);
    rig.SetVram32(0x100, c.latched);
    rig.Mem(0xa0040);  // loads the latch from VRAM 0x100
    rig.SetIndexed(0x3ce, 0x05, c.mode);
    rig.SetIndexed(0x3ce, 0x03, c.rotate);
    rig.SetIndexed(0x3ce, 0x00, c.set_reset);
    rig.SetIndexed(0x3ce, 0x01, c.enable);
    rig.SetIndexed(0x3ce, 0x08, c.bit_mask);
    rig.SetIndexed(0x3c4, 0x02, c.planes);
    rig.SetMem(0xa0044, c.data);  // VRAM 0x110, zero so far
    EXPECT_EQ(rig.Vram32(0x110), c.want) << c.name;
  }
  // Read mode 0 returns GR4's plane; read mode 1 compares colours.
  Rig rig;
  rig.SetIndexed(0x3ce, 0x06, 0x05);
  rig.SetIndexed(0x3c4, 0x04, 0x06);
  const uint32_t planes = 0x0ff0f00f;
  rig.SetVram32(0, planes);
  for (uint8_t plane = 0; plane < 4; ++plane) {
    rig.SetIndexed(0x3ce, 0x04, plane);
    EXPECT_EQ(rig.Mem(0xa0000), (planes >> (8 * plane)) & 0xff);
  }
  rig.SetIndexed(0x3ce, 0x05, 0x08);
  const struct {
    uint8_t compare, care, want;
  } compares[] = {{0x0, 0xf, 0x00}, {0x9, 0xf, 0x0f}, {0x6, 0xf, 0xf0}, {0x1, 0x1, 0x0f},
                  {0xa, 0x0, 0xff}};
  for (const auto& c : compares) {
    rig.SetIndexed(0x3ce, 0x02, c.compare);
    rig.SetIndexed(0x3ce, 0x07, c.care);
    EXPECT_EQ(rig.Mem(0xa0000), c.want) << std::hex << +c.compare << " " << +c.care;
  }
}

TEST(VgaCoreTest, MemoryMapsAndBanksPickTheWindow) {
  const struct {
    uint8_t misc;  // GR6
    uint64_t address;
    bool inside;
    uint64_t vram;  // where a chain-4 byte lands
  } cases[] = {
      {0x00, 0xa0000, true, 0x00000}, {0x00, 0xbffff, true, 0x1ffff},
      {0x04, 0xa0000, true, 0x30000}, {0x04, 0xaffff, true, 0x3ffff},
      {0x04, 0xb0000, false, 0},      {0x08, 0xaffff, false, 0},
      {0x08, 0xb0000, true, 0x00000}, {0x08, 0xb8000, false, 0},
      {0x0c, 0xb7fff, false, 0},      {0x0c, 0xb8000, true, 0x00000},
  };
  for (const auto& c : cases) {
    Rig rig;
    rig.SetIndexed(0x3c4, 0x04, 0x08);  // chain 4
    rig.SetIndexed(0x3c4, 0x02, 0x0f);
    rig.SetIndexed(0x3ce, 0x06, c.misc);
    rig.SetVbe(kVbeBank, 3);  // bank offset 0x30000 (map 1 only)
    rig.SetMem(c.address, 0x77);
    EXPECT_EQ(rig.Mem(c.address), c.inside ? 0x77u : 0xffu) << std::hex << c.address;
    if (c.inside) {
      char byte = 0;
      rig.core->vram().Read(c.vram, &byte, 1);
      EXPECT_EQ(byte, 0x77) << std::hex << c.address;
    }
  }
}

TEST(VgaCoreTest, BigBankOffsetsStayInsideVideoMemory) {
  Rig rig;
  rig.SetVbe(kVbeBank, 0xffff);  // masked to 255
  EXPECT_EQ(rig.Vbe(kVbeBank), 0xffu);
  rig.SetIndexed(0x3ce, 0x06, 0x04);
  // Odd/even and planar addressing of the last bank run past 16 MiB: 0xff and dropped.
  rig.SetIndexed(0x3ce, 0x05, 0x10);
  rig.SetMem(0xaffff, 0x11);
  EXPECT_EQ(rig.Mem(0xaffff), 0xffu);
  rig.SetIndexed(0x3ce, 0x05, 0x00);
  rig.SetMem(0xaffff, 0x11);
  EXPECT_EQ(rig.Mem(0xaffff), 0xffu);
  // Chain 4 reaches the last byte.
  rig.SetIndexed(0x3c4, 0x04, 0x08);
  rig.SetIndexed(0x3c4, 0x02, 0x0f);
  rig.SetMem(0xaffff, 0x22);
  EXPECT_EQ(rig.Mem(0xaffff), 0x22u);
  char byte = 0;
  rig.core->vram().Read(VgaCore::kVramSize - 1, &byte, 1);
  EXPECT_EQ(byte, 0x22);
}

}  // namespace
}  // namespace portrace::devices
