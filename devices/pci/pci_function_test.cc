#include "devices/pci/pci_function.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "devices/pci/pci_bus.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/machine.h"

namespace portrace::devices {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Answers offset-derived values and records writes, so tests see which offsets arrive.
class RecordingRegion : public sim::IoRegion {
 public:
  uint64_t Read(uint64_t offset, unsigned width) override {
    return (0xa0 + offset) & ((uint64_t{1} << (8 * width)) - 1);
  }
  void Write(uint64_t offset, unsigned width, uint64_t value) override {
    writes.push_back(absl::StrFormat("+%x/%u=%x", offset, width, value));
  }
  std::vector<std::string> writes;
};

class Events : public sim::DeviceEventSink {
 public:
  void OnDeviceEvent(const sim::DeviceEvent& e) override {
    if (e.kind == "config-read" || e.kind == "config-write") return;
    seen.push_back(absl::StrFormat("%s %s %x %s", e.device, e.kind, e.value, e.text));
  }
  std::vector<std::string> seen;
};

constexpr int kDevfn = PciDevfn(5, 0);

PciIdentity TestIdentity() {
  PciIdentity id;
  id.vendor_id = 0x1234;
  id.device_id = 0x5678;
  id.revision = 0x9a;
  id.class_code = 0xff0001;
  id.status = 0xf900;  // every write-1-to-clear bit set, so clearing shows
  id.interrupt_pin = 2;
  return id;
}

PciBar Bar(PciBarKind kind, uint64_t size, sim::IoRegion* region, bool prefetchable = false) {
  PciBar bar;
  bar.kind = kind;
  bar.size = size;
  bar.region = region;
  bar.prefetchable = prefetchable;
  bar.name = absl::StrCat("test-", size);
  return bar;
}

// A machine with a PCI bus and a test function at 00:05.0 with an I/O BAR0 (32 bytes), a
// 32-bit memory BAR1 (4 KiB), a 64-bit prefetchable BAR2-3 (1 MiB) and an I/O BAR5 (4 bytes).
// Talks to it as a guest: CONFIG_ADDRESS, then CONFIG_DATA.
struct Rig {
  explicit Rig(const char* machine_name = "pc") {
    sim::MachineOptions options;
    options.name = machine_name;
    machine = *sim::Machine::Create(options);
    machine->events().set_sink(&events);
    bus = *PciBus::Create(machine.get());
    function = std::make_unique<PciFunction>("test", TestIdentity());
    EXPECT_TRUE(function->SetBar(0, Bar(PciBarKind::kIo, 32, &io_region)).ok());
    EXPECT_TRUE(function->SetBar(1, Bar(PciBarKind::kMem32, 0x1000, &mem_region)).ok());
    EXPECT_TRUE(function->SetBar(2, Bar(PciBarKind::kMem64, 0x100000, &mem64_region, true)).ok());
    EXPECT_TRUE(function->SetBar(5, Bar(PciBarKind::kIo, 4, &small_region)).ok());
    EXPECT_TRUE(bus->Attach(kDevfn, function.get()).ok());
  }
  void Select(unsigned offset) {
    machine->io().Write(0xcf8, 4, 0x80000000 | kDevfn << 8 | (offset & 0xfc));
  }
  uint32_t Config(unsigned offset, unsigned width = 4) {
    Select(offset);
    return machine->io().Read(0xcfc + (offset & 3), width);
  }
  void SetConfig(unsigned offset, unsigned width, uint32_t value) {
    Select(offset);
    machine->io().Write(0xcfc + (offset & 3), width, value);
  }
  absl::string_view PortOwner(uint32_t port) { return machine->io().MappingNameAt(port); }

  RecordingRegion io_region, mem_region, mem64_region, small_region;
  Events events;
  std::unique_ptr<sim::Machine> machine;
  std::unique_ptr<PciBus> bus;
  std::unique_ptr<PciFunction> function;
};

TEST(PciFunctionTest, IdentityRegistersReadAsDeclared) {
  Rig rig;
  const struct {
    unsigned offset;
    unsigned width;
    uint32_t value;
  } cases[] = {
      {0x00, 4, 0x56781234}, {0x00, 2, 0x1234},     {0x02, 2, 0x5678},     {0x04, 4, 0xf9000000},
      {0x08, 4, 0xff00019a}, {0x09, 1, 0x01},       {0x0b, 1, 0xff},       {0x0c, 4, 0x00000000},
      {0x2c, 4, 0x11001af4}, {0x30, 4, 0x00000000}, {0x3c, 4, 0x0200},     {0x3d, 1, 0x02},
      {0x10, 4, 0x00000001}, {0x14, 4, 0x00000000}, {0x18, 4, 0x0000000c}, {0x1c, 4, 0x00000000},
      {0x24, 4, 0x00000001}, {0xfc, 4, 0x00000000},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(rig.Config(c.offset, c.width), c.value)
        << absl::StrFormat("offset 0x%x width %u", c.offset, c.width);
  }
}

TEST(PciFunctionTest, WritableBitsFollowQemusMasks) {
  const struct {
    unsigned offset;
    uint32_t write;
    uint32_t read_back;
  } cases[] = {
      // Command: I/O, memory, master, SERR, INTx-disable; status: write-1-to-clear bits.
      {0x04, 0xffffffff, 0x00000507},
      {0x04, 0x00000000, 0xf9000000},
      {0x04, 0x01000000, 0xf8000000},
      // Identity is read-only; cache line size writable, latency timer and BIST not.
      {0x00, 0xffffffff, 0x56781234},
      {0x08, 0x00000000, 0xff00019a},
      {0x0c, 0xffffffff, 0x000000ff},
      {0x2c, 0x00000000, 0x11001af4},
      // Capability pointer and ROM register: read-only 0 here.
      {0x30, 0xffffffff, 0x00000000},
      {0x34, 0xffffffff, 0x00000000},
      // Interrupt line writable, pin not.
      {0x3c, 0xffffffff, 0x000002ff},
      // Device-specific space: every bit writable.
      {0x40, 0xdeadbeef, 0xdeadbeef},
      {0xfc, 0x12345678, 0x12345678},
  };
  for (const auto& c : cases) {
    Rig rig;
    rig.SetConfig(c.offset, 4, c.write);
    EXPECT_EQ(rig.Config(c.offset), c.read_back)
        << absl::StrFormat("offset 0x%x after writing 0x%08x", c.offset, c.write);
  }
}

TEST(PciFunctionTest, BarSizingReadsBackTheSizeMask) {
  const struct {
    unsigned offset;
    uint32_t all_ones;   // what writing all ones reads back
    const char* mapped;  // what decoding then maps, as QEMU would
  } cases[] = {
      // I/O, 32 bytes (the upper half is writable too, as in QEMU); would reach 0xffffffff.
      {0x10, 0xffffffe1, nullptr},
      // 32-bit memory, 4 KiB; would reach 0xffffffff.
      {0x14, 0xfffff000, nullptr},
      // 64-bit prefetchable memory, 1 MiB: sizing one dword leaves a valid 64-bit address, and
      // QEMU maps it there if decoding is on (guests turn it off while sizing).
      {0x18, 0xfff0000c, "test bar-mapped fff00000 BAR2 mem 0xfff00000+0x100000"},
      {0x1c, 0xffffffff, "test bar-mapped ffffffff00000000 BAR2 mem 0xffffffff00000000+0x100000"},
      {0x20, 0x00000000, nullptr},  // the upper half of BAR2
      {0x24, 0xfffffffd, nullptr},  // I/O, 4 bytes
  };
  for (const auto& c : cases) {
    Rig rig;
    rig.SetConfig(c.offset, 4, 0xffffffff);
    EXPECT_EQ(rig.Config(c.offset), c.all_ones) << absl::StrFormat("BAR at 0x%x", c.offset);
    rig.SetConfig(0x04, 2, kPciCommandIo | kPciCommandMemory);
    if (c.mapped == nullptr) {
      EXPECT_THAT(rig.events.seen, IsEmpty()) << absl::StrFormat("BAR at 0x%x", c.offset);
    } else {
      EXPECT_THAT(rig.events.seen, ElementsAre(c.mapped));
    }
  }
}

TEST(PciFunctionTest, IoBarMapsOnlyWhileIoDecodingIsOn) {
  Rig rig;
  rig.SetConfig(0x10, 4, 0xc000);
  EXPECT_EQ(rig.PortOwner(0xc000), "");
  EXPECT_FALSE(rig.function->BarAddress(0).has_value());
  rig.SetConfig(0x04, 2, kPciCommandMemory);  // memory decoding alone does not map I/O
  EXPECT_EQ(rig.PortOwner(0xc000), "");
  rig.SetConfig(0x04, 2, kPciCommandIo);
  EXPECT_EQ(rig.PortOwner(0xc000), "test-32");
  EXPECT_EQ(rig.PortOwner(0xc01f), "test-32");
  EXPECT_EQ(rig.PortOwner(0xc020), "");
  EXPECT_EQ(rig.function->BarAddress(0), 0xc000u);
  // The region sees offsets.
  EXPECT_EQ(rig.machine->io().Read(0xc004, 1), 0xa4u);
  rig.machine->io().Write(0xc01e, 2, 0xbeef);
  EXPECT_THAT(rig.io_region.writes, ElementsAre("+1e/2=beef"));
  rig.SetConfig(0x04, 2, 0);
  EXPECT_EQ(rig.PortOwner(0xc000), "");
  EXPECT_THAT(rig.events.seen, ElementsAre("test bar-mapped c000 BAR0 io 0xc000+0x20",
                                           "test bar-unmapped c000 BAR0 io 0xc000+0x20"));
}

TEST(PciFunctionTest, IoBarMovesWithItsRegisterAndIgnoresLowBits) {
  Rig rig;
  rig.SetConfig(0x04, 2, kPciCommandIo);
  rig.SetConfig(0x10, 4, 0xc01f);  // bits below the size are not writable
  EXPECT_EQ(rig.Config(0x10), 0xc001u);
  EXPECT_EQ(rig.PortOwner(0xc000), "test-32");
  // A byte write to the second byte moves it.
  rig.SetConfig(0x11, 1, 0xd0);
  EXPECT_EQ(rig.Config(0x10), 0xd001u);
  EXPECT_EQ(rig.PortOwner(0xc000), "");
  EXPECT_EQ(rig.PortOwner(0xd000), "test-32");
  EXPECT_THAT(rig.events.seen, ElementsAre("test bar-mapped c000 BAR0 io 0xc000+0x20",
                                           "test bar-unmapped c000 BAR0 io 0xc000+0x20",
                                           "test bar-mapped d000 BAR0 io 0xd000+0x20"));
}

TEST(PciFunctionTest, IoBarPlacementFollowsQemuAtTheEdges) {
  const struct {
    uint32_t bar;
    bool has_address;
    uint64_t address;
    bool in_space;
  } cases[] = {
      {0x00000001, false, 0, false},       // 0: never mapped
      {0x00000021, true, 0x20, true},      // low ports are fine
      {0x0000ffe1, true, 0xffe0, true},    // the top of the port space
      {0x0001c001, true, 0x1c000, false},  // above 0xffff: mapped, but no port reaches it
      {0xffff0001, true, 0xffff0000, false},
      {0xffffffe1, false, 0, false},  // all ones (sizing): would reach 0xffffffff
  };
  for (const auto& c : cases) {
    Rig rig;
    rig.SetConfig(0x04, 2, kPciCommandIo);
    rig.SetConfig(0x10, 4, c.bar);
    EXPECT_EQ(rig.function->BarAddress(0).has_value(), c.has_address)
        << absl::StrFormat("0x%x", c.bar);
    if (c.has_address) {
      EXPECT_EQ(*rig.function->BarAddress(0), c.address);
    }
    EXPECT_EQ(rig.function->BarInSpace(0), c.in_space) << absl::StrFormat("0x%x", c.bar);
  }
  Rig rig;
  rig.SetConfig(0x04, 2, kPciCommandIo);
  rig.SetConfig(0x10, 4, 0x1c001);
  EXPECT_THAT(rig.events.seen,
              ElementsAre("test bar-mapped 1c000 BAR0 io 0x1c000+0x20, outside the port space"));
  EXPECT_EQ(rig.PortOwner(0xc000), "");
}

TEST(PciFunctionTest, MemoryBarsMapInTheMemorySpaceWhileMemoryDecodingIsOn) {
  Rig rig;
  rig.SetConfig(0x14, 4, 0xfebf1000);
  rig.SetConfig(0x18, 4, 0x00100000);
  rig.SetConfig(0x1c, 4, 0x00000001);  // 64-bit BAR at 0x1_0010_0000
  EXPECT_EQ(rig.machine->memory().NameAt(0xfebf1000), "");
  rig.SetConfig(0x04, 2, kPciCommandIo);
  EXPECT_EQ(rig.machine->memory().NameAt(0xfebf1000), "");
  rig.SetConfig(0x04, 2, kPciCommandMemory);
  EXPECT_EQ(rig.machine->memory().NameAt(0xfebf1000), "test-4096");
  EXPECT_EQ(rig.machine->memory().NameAt(0x100100000), "test-1048576");
  EXPECT_EQ(rig.machine->memory().Read(0xfebf1004, 1), 0xa4u);
  rig.machine->memory().Write(0x100100008, 4, 0x11223344);
  EXPECT_THAT(rig.mem64_region.writes, ElementsAre("+8/4=11223344"));
  EXPECT_EQ(rig.function->BarAddress(2), 0x100100000u);
  EXPECT_FALSE(rig.function->BarAddress(3).has_value());
  // Sizing the 64-bit BAR's low dword leaves it above 4 GiB, not at all ones.
  rig.SetConfig(0x18, 4, 0xffffffff);
  EXPECT_EQ(rig.Config(0x18), 0xfff0000cu);
  EXPECT_EQ(rig.function->BarAddress(2), 0x1fff00000u);
  // Sizing a 32-bit BAR unmaps it.
  rig.SetConfig(0x14, 4, 0xffffffff);
  EXPECT_FALSE(rig.function->BarAddress(1).has_value());
  EXPECT_EQ(rig.machine->memory().NameAt(0xfebf1000), "");
  rig.SetConfig(0x04, 2, 0);
  EXPECT_FALSE(rig.function->BarAddress(2).has_value());
  EXPECT_EQ(rig.machine->memory().NameAt(0x1fff00000), "");
}

TEST(PciFunctionTest, BarOverAnotherMappingIsRefusedUntilTheRangeIsFree) {
  Rig rig;
  // A second function whose I/O BAR the guest puts where the first one already is.
  RecordingRegion other_region;
  PciFunction other("other", TestIdentity());
  PciBar other_bar = Bar(PciBarKind::kIo, 32, &other_region);
  other_bar.name = "other-32";
  ASSERT_TRUE(other.SetBar(0, other_bar).ok());
  ASSERT_TRUE(rig.bus->Attach(PciDevfn(6, 0), &other).ok());
  rig.SetConfig(0x10, 4, 0xc000);
  rig.SetConfig(0x04, 2, kPciCommandIo);
  rig.machine->io().Write(0xcf8, 4, 0x80000000 | PciDevfn(6, 0) << 8 | 0x10);
  rig.machine->io().Write(0xcfc, 4, 0xc000);
  rig.machine->io().Write(0xcf8, 4, 0x80000000 | PciDevfn(6, 0) << 8 | 0x04);
  rig.machine->io().Write(0xcfc, 2, kPciCommandIo);
  EXPECT_EQ(other.BarAddress(0), 0xc000u);
  EXPECT_FALSE(other.BarInSpace(0));
  EXPECT_EQ(rig.PortOwner(0xc000), "test-32");
  EXPECT_THAT(rig.events.seen,
              Contains("other bar-conflict c000 BAR0 io 0xc000+0x20: ports 0xc000-0xc01f "
                       "(other-32) overlap 0xc000-0xc01f (test-32)"));
  // The first moves away: the second takes its place.
  rig.SetConfig(0x10, 4, 0xd000);
  EXPECT_TRUE(other.BarInSpace(0));
  EXPECT_EQ(rig.PortOwner(0xc000), "other-32");
  EXPECT_EQ(rig.PortOwner(0xd000), "test-32");
  EXPECT_THAT(rig.events.seen.back(), "other bar-mapped c000 BAR0 io 0xc000+0x20");
}

TEST(PciFunctionTest, BarOverTheConfigPortsIsRefusedAndConfigAccessKeepsWorking) {
  Rig rig;
  rig.SetConfig(0x24, 4, 0xcf9);  // BAR5, 4 bytes, over 0xcf8-0xcfb
  rig.SetConfig(0x04, 2, kPciCommandIo);
  EXPECT_FALSE(rig.function->BarInSpace(5));
  EXPECT_EQ(rig.PortOwner(0xcf8), "pci-config-address");
  EXPECT_EQ(rig.Config(0x24), 0xcf9u);
  EXPECT_THAT(rig.events.seen, ElementsAre(HasSubstr("test bar-conflict cf8 BAR5 io 0xcf8+0x4")));
}

class HookedFunction : public PciFunction {
 public:
  HookedFunction() : PciFunction("hooked", TestIdentity()) {}
  std::vector<std::string> calls;

 protected:
  void OnConfigWrite(unsigned offset, unsigned width, uint32_t value) override {
    // Runs after the default handling: the stored byte is already the new one.
    calls.push_back(
        absl::StrFormat("0x%x/%u=0x%x stored 0x%02x", offset, width, value, config_byte(offset)));
  }
};

TEST(PciFunctionTest, DeviceHookRunsAfterTheDefaultHandling) {
  Rig rig;
  HookedFunction hooked;
  ASSERT_TRUE(rig.bus->Attach(PciDevfn(7, 0), &hooked).ok());
  rig.machine->io().Write(0xcf8, 4, 0x80000000 | PciDevfn(7, 0) << 8 | 0x40);
  rig.machine->io().Write(0xcfd, 1, 0x5a);
  rig.machine->io().Write(0xcfc, 4, 0x01020304);
  rig.machine->io().Write(0xcf8, 4, 0x80000000 | PciDevfn(7, 0) << 8 | 0x00);
  rig.machine->io().Write(0xcfc, 2, 0xffff);  // read-only: stored value unchanged
  EXPECT_THAT(hooked.calls, ElementsAre("0x41/1=0x5a stored 0x5a", "0x40/4=0x1020304 stored 0x04",
                                        "0x0/2=0xffff stored 0x34"));
}

TEST(PciFunctionTest, BadBarDeclarationsNameTheProblem) {
  RecordingRegion region;
  const struct {
    int index;
    PciBarKind kind;
    uint64_t size;
    bool with_region;
    const char* message;
  } cases[] = {
      {6, PciBarKind::kIo, 16, true, "BAR index 6 not 0-5"},
      {-1, PciBarKind::kIo, 16, true, "BAR index -1 not 0-5"},
      {5, PciBarKind::kMem64, 16, true, "BAR index 5 cannot hold a 64-bit BAR"},
      {0, PciBarKind::kNone, 16, true, "BAR0 has no kind"},
      {0, PciBarKind::kIo, 24, true, "BAR0 size 0x18 is not a power of two"},
      {0, PciBarKind::kIo, 2, true, "BAR0 size 0x2 is not a power of two in 0x4..0x10000"},
      {0, PciBarKind::kIo, 0x20000, true, "in 0x4..0x10000"},
      {0, PciBarKind::kMem32, 8, true, "in 0x10..0x80000000"},
      {0, PciBarKind::kMem32, 16, false, "BAR0 has no region"},
  };
  for (const auto& c : cases) {
    PciFunction function("f", TestIdentity());
    PciBar bar = Bar(c.kind, c.size, c.with_region ? &region : nullptr);
    const absl::Status status = function.SetBar(c.index, bar);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.message));
  }
  // A slot already taken, also as the upper half of a 64-bit BAR.
  PciFunction function("f", TestIdentity());
  ASSERT_TRUE(function.SetBar(0, Bar(PciBarKind::kMem64, 16, &region)).ok());
  for (int index : {0, 1}) {
    const absl::Status taken = function.SetBar(index, Bar(PciBarKind::kIo, 16, &region));
    EXPECT_EQ(taken.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(taken.message()),
                HasSubstr(absl::StrCat("BAR", index, " is already declared")));
  }
  // Declaring a BAR after the function is on a bus is a precondition failure.
  Rig rig;
  const absl::Status late = rig.function->SetBar(4, Bar(PciBarKind::kIo, 16, &region));
  EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(late.message()), HasSubstr("before the function is attached"));
}

TEST(PciFunctionTest, ConfigAccessPacksAndUnpacks) {
  PciConfigAccess access{0xfd, 3, 0x21, 0x01, 0xdeadbeef};
  const uint64_t packed = PackPciConfigAccess(access);
  EXPECT_EQ(packed, 0xdeadbeef012103fdu);
  const PciConfigAccess back = UnpackPciConfigAccess(packed);
  EXPECT_EQ(back.offset, 0xfd);
  EXPECT_EQ(back.width, 3);
  EXPECT_EQ(back.devfn, 0x21);
  EXPECT_EQ(back.bus, 1);
  EXPECT_EQ(back.data, 0xdeadbeefu);
  EXPECT_EQ(PciLocation(0, PciDevfn(31, 7)), "00:1f.7");
}

TEST(PciFunctionTest, BarPartsMapAsTheirOwnMappingsWithTheBarBetweenThem) {
  sim::MachineOptions options;
  options.name = "pc";
  std::unique_ptr<sim::Machine> machine = *sim::Machine::Create(options);
  std::unique_ptr<PciBus> bus = *PciBus::Create(machine.get());
  RecordingRegion container, first, second;
  PciFunction function("f", TestIdentity());
  PciBar bar = Bar(PciBarKind::kMem32, 0x1000, &container);
  bar.name = "f.mmio";
  bar.parts = {{0, 0x100, &first, sim::AccessRules::Any(), "f.first"},
               {0x400, 0x20, &second, sim::AccessRules::Ops(1, 4, false, 2, 2), "f.second"}};
  ASSERT_TRUE(function.SetBar(2, std::move(bar)).ok());
  ASSERT_TRUE(bus->Attach(kDevfn, &function).ok());
  machine->io().Write(0xcf8, 4, 0x80000000 | kDevfn << 8 | 0x18);
  machine->io().Write(0xcfc, 4, 0xfebd0000);
  machine->io().Write(0xcf8, 4, 0x80000000 | kDevfn << 8 | 0x04);
  machine->io().Write(0xcfc, 2, kPciCommandMemory);
  sim::MemorySpace& memory = machine->memory();
  const struct {
    uint64_t address;
    const char* name;
  } names[] = {{0xfebd0000, "f.first"},  {0xfebd00ff, "f.first"},  {0xfebd0100, "f.mmio"},
               {0xfebd03ff, "f.mmio"},   {0xfebd0400, "f.second"}, {0xfebd041f, "f.second"},
               {0xfebd0420, "f.mmio"},   {0xfebd0fff, "f.mmio"},   {0xfebd1000, ""}};
  for (const auto& n : names) EXPECT_EQ(memory.NameAt(n.address), n.name) << n.address;
  // Parts see offsets from their own start, the container from the BAR's.
  EXPECT_EQ(memory.Read(0xfebd0004, 2), 0xa4u);
  EXPECT_EQ(memory.Read(0xfebd0104, 2), 0x1a4u);
  memory.Write(0xfebd0402, 1, 0x7);
  memory.Write(0xfebd0800, 2, 0x1234);
  EXPECT_THAT(second.writes, ElementsAre("+2/2=7"));
  EXPECT_THAT(container.writes, ElementsAre("+800/2=1234"));
  // Turning memory decoding off takes every part away.
  machine->io().Write(0xcfc, 2, 0);
  EXPECT_EQ(memory.NameAt(0xfebd0000), "");
  EXPECT_EQ(memory.NameAt(0xfebd0400), "");
  EXPECT_EQ(memory.NameAt(0xfebd0800), "");
}

TEST(PciFunctionTest, BadBarPartsNameTheProblem) {
  RecordingRegion region;
  const struct {
    PciBarKind kind;
    std::vector<PciBarPart> parts;
    const char* message;
  } cases[] = {
      {PciBarKind::kIo, {{0, 4, &region, sim::AccessRules::Any(), "p"}}, "only memory BARs"},
      {PciBarKind::kMem32, {{0, 0, &region, sim::AccessRules::Any(), "empty"}}, "part 'empty'"},
      {PciBarKind::kMem32, {{0, 4, nullptr, sim::AccessRules::Any(), "none"}}, "part 'none'"},
      {PciBarKind::kMem32, {{0xff0, 0x20, &region, sim::AccessRules::Any(), "out"}}, "leaves"},
      {PciBarKind::kMem32,
       {{0, 0x10, &region, sim::AccessRules::Any(), "a"},
        {0x8, 0x10, &region, sim::AccessRules::Any(), "b"}},
       "part 'b' at 0x8+0x10"},
  };
  for (const auto& c : cases) {
    PciFunction function("f", TestIdentity());
    PciBar bar = Bar(c.kind, c.kind == PciBarKind::kIo ? 16 : 0x1000, &region);
    bar.parts = c.parts;
    const absl::Status status = function.SetBar(0, bar);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.message));
  }
}

}  // namespace
}  // namespace portrace::devices
