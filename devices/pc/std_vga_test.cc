#include "devices/pc/std_vga.h"

#include <memory>
#include <string>
#include <vector>

#include "devices/pc/vga_core.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/device_event.h"
#include "sim/machine.h"
#include "sim/machine_builder.h"

namespace portrace::devices {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;

constexpr uint64_t kVram = 0xfd000000;
constexpr uint64_t kMmio = 0xfebd0000;

class Events : public sim::DeviceEventSink {
 public:
  void OnDeviceEvent(const sim::DeviceEvent& e) override {
    if (e.device == "vga" && e.kind != "config-read" && e.kind != "config-write") {
      seen.push_back(e.kind + " " + e.text);
    }
  }
  std::vector<std::string> seen;
};

// A pc machine with std VGA at 00:02.0; Program() places BAR0 and BAR2 as SeaBIOS does.
struct Rig {
  explicit Rig(const std::string& vga = "std") {
    sim::MachineOptions options;
    options.name = "pc";
    options.vga = vga;
    machine = *sim::BuildMachine(options);
    machine->events().set_sink(&events);
  }
  uint32_t Config(uint8_t offset) {
    machine->io().Write(0xcf8, 4, 0x80001000 | offset);
    return machine->io().Read(0xcfc, 4);
  }
  void SetConfig(uint8_t offset, unsigned width, uint32_t value) {
    machine->io().Write(0xcf8, 4, 0x80001000 | offset);
    machine->io().Write(0xcfc, width, value);
  }
  void Program() {
    SetConfig(0x10, 4, kVram);
    SetConfig(0x18, 4, kMmio);
    SetConfig(0x04, 2, 0x3);
  }
  uint64_t Mem(uint64_t address, unsigned width) { return machine->memory().Read(address, width); }
  void SetMem(uint64_t address, unsigned width, uint64_t value) {
    machine->memory().Write(address, width, value);
  }

  Events events;
  std::unique_ptr<sim::Machine> machine;
};

TEST(StdVgaTest, IdentityAndSizingAsQemu) {
  Rig rig;
  EXPECT_EQ(rig.Config(0x00), 0x11111234u);
  EXPECT_EQ(rig.Config(0x08), 0x03000002u);
  EXPECT_EQ(rig.Config(0x10), 0x8u);
  for (uint8_t reg : {0x10, 0x18, 0x30}) rig.SetConfig(reg, 4, 0xffffffff);
  EXPECT_EQ(rig.Config(0x10), 0xff000008u);
  EXPECT_EQ(rig.Config(0x18), 0xfffff000u);
  EXPECT_EQ(rig.Config(0x30), 0xffff0001u);
}

TEST(StdVgaTest, LegacyDecodeNeedsNoPciProgramming) {
  Rig rig;
  sim::IoSpace& io = rig.machine->io();
  EXPECT_EQ(io.MappingNameAt(0x3c0), "vga");
  EXPECT_EQ(io.MappingNameAt(0x3da), "vga");
  EXPECT_EQ(io.MappingNameAt(0x3d0), "");
  EXPECT_EQ(io.MappingNameAt(0x1cf), "vbe");
  EXPECT_EQ(rig.machine->memory().NameAt(0xb8000), "vga-lowmem");
  io.Write(0x1ce, 2, 0);
  EXPECT_EQ(io.Read(0x1cf, 2), 0xb0c5u);
  EXPECT_EQ(io.Read(0x3ba, 1), 0x09u);  // mono after reset: status 1 at 0x3ba
}

TEST(StdVgaTest, NoVgaMeansNoVgaPortsOrWindow) {
  Rig rig("none");
  EXPECT_EQ(rig.machine->io().MappingNameAt(0x3c0), "");
  EXPECT_EQ(rig.machine->io().Read(0x1cf, 2), 0xffffu);
  EXPECT_EQ(rig.machine->memory().NameAt(0xb8000), "ram");
}

TEST(StdVgaTest, Bar2HoldsQemusPartsWithGapsReadingAllOnes) {
  Rig rig;
  rig.Program();
  const struct {
    uint64_t offset;
    const char* name;
  } names[] = {{0x000, "vga.edid"},    {0x17f, "vga.edid"},  {0x180, "vga.mmio"},
               {0x400, "vga.ioports"}, {0x41f, "vga.ioports"}, {0x420, "vga.mmio"},
               {0x500, "vga.bochs"},   {0x515, "vga.bochs"}, {0x516, "vga.mmio"},
               {0x600, "vga.qext"},    {0x607, "vga.qext"},  {0x608, "vga.mmio"},
               {0xfff, "vga.mmio"}};
  for (const auto& n : names) {
    EXPECT_EQ(rig.machine->memory().NameAt(kMmio + n.offset), n.name) << std::hex << n.offset;
  }
  const struct {
    uint64_t offset;
    unsigned width;
    uint64_t value;
  } reads[] = {
      {0x000, 8, 0x00ffffffffffff00},  // the EDID header
      {0x008, 2, 0x1449},              // "RHT", big-endian
      {0x17f, 1, 0x00},                // the EDID's last (empty DisplayID) byte
      {0x180, 1, 0xff},                // gap
      {0x17e, 4, 0xffff0000},          // EDID bytes, then the gap
      {0x800, 4, 0xffffffff},
      {0x800, 8, 0xffffffffffffffff},
      {0xfff, 4, 0x000000ff},  // past the BAR: unassigned memory reads 0
      {0x600, 4, 8},           // QEMU extended registers: their size
      {0x604, 4, kQextLittleEndian},
      {0x604, 2, 0},   // not 4 bytes: invalid, reads 0
      {0x600, 1, 0},
      {0x602, 4, 0},   // unaligned: cut into invalid pieces
      {0x5ff, 4, 0xff},
      {0x500, 2, 0xb0c5},  // VBE ID through the bochs part
      {0x501, 1, 0xc5},    // narrower reads see the whole register's low byte
      {0x514, 2, 0x0100},  // index 10: video memory in 64 KiB units
      {0x516, 2, 0xffff},  // gap
      {0x4ff, 4, 0x00b0c5ff},
  };
  for (const auto& r : reads) {
    EXPECT_EQ(rig.Mem(kMmio + r.offset, r.width), r.value) << std::hex << r.offset << "/"
                                                           << r.width;
  }
  // Writes to the EDID and the gaps change nothing.
  rig.SetMem(kMmio + 0x008, 1, 0);
  rig.SetMem(kMmio + 0x800, 4, 0);
  EXPECT_EQ(rig.Mem(kMmio + 0x008, 1), 0x49u);
  EXPECT_EQ(rig.Mem(kMmio + 0x800, 4), 0xffffffffu);
  // Byte order register: only the two magic values are taken.
  rig.SetMem(kMmio + 0x604, 4, kQextBigEndian);
  EXPECT_EQ(rig.Mem(kMmio + 0x604, 4), kQextBigEndian);
  rig.SetMem(kMmio + 0x604, 4, 0x12345678);
  EXPECT_EQ(rig.Mem(kMmio + 0x604, 4), kQextBigEndian);
  rig.SetMem(kMmio + 0x604, 2, 0x1e1e);  // invalid width: dropped
  EXPECT_EQ(rig.Mem(kMmio + 0x604, 4), kQextBigEndian);
  rig.SetMem(kMmio + 0x604, 4, kQextLittleEndian);
  EXPECT_EQ(rig.Mem(kMmio + 0x604, 4), kQextLittleEndian);
}

TEST(StdVgaTest, MmioPortsAndVbeRegistersReachTheSameCore) {
  Rig rig;
  rig.Program();
  sim::IoSpace& io = rig.machine->io();
  // 0x400 + n is port 0x3c0 + n; a word write sets the index, then the data.
  rig.SetMem(kMmio + 0x404, 2, 0x0f02);
  io.Write(0x3c4, 1, 0x02);
  EXPECT_EQ(io.Read(0x3c5, 1), 0x0fu);
  rig.SetMem(kMmio + 0x402, 1, 0x01);  // colour, through misc output
  EXPECT_EQ(io.Read(0x3cc, 1), 0x01u);
  rig.SetMem(kMmio + 0x414, 2, 0x550e);
  io.Write(0x3d4, 1, 0x0e);
  EXPECT_EQ(io.Read(0x3d5, 1), 0x55u);
  EXPECT_EQ(rig.Mem(kMmio + 0x41a, 1), 0x09u);  // input status 1
  EXPECT_EQ(rig.Mem(kMmio + 0x41a, 1), 0x00u);
  // The DAC: write index and the first colour byte in one word.
  rig.SetMem(kMmio + 0x408, 2, 0x2a05);
  io.Write(0x3c9, 1, 0x15);
  io.Write(0x3c9, 1, 0x3f);
  io.Write(0x3c7, 1, 0x05);
  EXPECT_EQ(rig.Mem(kMmio + 0x409, 1), 0x2au);  // red of entry 5
  // 4 bytes are two 2-byte halves: 0x3c8 (write index 6), 0x3c9 (green), 0x3ca, 0x3cb.
  EXPECT_EQ(rig.Mem(kMmio + 0x408, 4), 0x00001506u);
  // VBE registers at 0x500 + 2 * index; each access leaves the index port pointing there.
  rig.SetMem(kMmio + 0x502, 4, 0x02580320);  // XRES 800, YRES 600
  EXPECT_EQ(io.Read(0x1ce, 2), kVbeYres);
  io.Write(0x1ce, 2, kVbeXres);
  EXPECT_EQ(io.Read(0x1cf, 2), 800u);
  rig.SetMem(kMmio + 0x503, 1, 0x03);  // a byte write is a whole-register write of 0x0003
  EXPECT_EQ(rig.Mem(kMmio + 0x502, 2), 3u);
  EXPECT_EQ(rig.Mem(kMmio + 0x50e, 2), 0u);
  EXPECT_EQ(io.Read(0x1ce, 2), kVbeVirtHeight);
}

TEST(StdVgaTest, VramIsSharedByBar0AndTheWindowAndModeSetsAreEvents) {
  Rig rig;
  rig.Program();
  rig.events.seen.clear();
  sim::IoSpace& io = rig.machine->io();
  const auto vbe = [&](uint16_t index, uint16_t value) {
    io.Write(0x1ce, 2, index);
    io.Write(0x1cf, 2, value);
  };
  rig.SetMem(kVram + 0x2fffe, 2, 0xbbaa);
  vbe(kVbeXres, 1024);
  vbe(kVbeYres, 768);
  vbe(kVbeBpp, 8);
  vbe(kVbeEnable, kVbeEnabled | kVbeLfbEnabled | kVbeNoClearMem);
  vbe(kVbeBank, 2);
  EXPECT_EQ(rig.Mem(0xafffe, 2), 0xbbaau);  // chain 4, bank 2
  rig.SetMem(0xa0000, 4, 0x44332211);
  EXPECT_EQ(rig.Mem(kVram + 0x20000, 4), 0x44332211u);
  rig.SetMem(kVram + 0xfffffc, 8, 0x8877665544332211);  // the last 4 bytes, the rest is past
  EXPECT_EQ(rig.Mem(kVram + 0xfffffc, 4), 0x44332211u);
  vbe(kVbeEnable, 0);
  EXPECT_THAT(rig.events.seen,
              ElementsAre("vbe-enabled 1024x768x8 virtual 1024x16384 lfb noclearmem",
                          "vbe-disabled "));
  // BAR0 moves: the store stays.
  rig.SetConfig(0x10, 4, 0xe0000000);
  EXPECT_EQ(rig.Mem(0xe0020000, 4), 0x44332211u);
  EXPECT_EQ(rig.machine->memory().NameAt(kVram), "");
  EXPECT_THAT(rig.events.seen, Contains("bar-mapped BAR0 mem 0xe0000000+0x1000000"));
}

}  // namespace
}  // namespace portrace::devices
