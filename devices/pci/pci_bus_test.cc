#include "devices/pci/pci_bus.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "devices/pci/pci_function.h"
#include "devices/pci/piix3.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/machine.h"

namespace portrace::devices {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class Events : public sim::DeviceEventSink {
 public:
  void OnDeviceEvent(const sim::DeviceEvent& e) override {
    seen.push_back(e.text.empty()
                       ? absl::StrFormat("%s %s %x", e.device, e.kind, e.value)
                       : absl::StrFormat("%s %s %x %s", e.device, e.kind, e.value, e.text));
  }
  std::vector<std::string> seen;
};

class NullRegion : public sim::IoRegion {
 public:
  uint64_t Read(uint64_t, unsigned) override { return 0; }
  void Write(uint64_t, unsigned, uint64_t) override {}
};

PciIdentity Identity(uint16_t device_id) {
  PciIdentity id;
  id.vendor_id = 0x8086;
  id.device_id = device_id;
  id.class_code = 0x060000;
  return id;
}

// A bus with one function at 00:00.0 whose bytes 0x40-0xff hold their own offset, so a read
// shows which registers it reached. The guest side is plain port I/O.
struct Rig {
  explicit Rig(const char* machine_name = "pc") {
    sim::MachineOptions options;
    options.name = machine_name;
    machine = *sim::Machine::Create(options);
    bus = *PciBus::Create(machine.get());
    function = std::make_unique<PciFunction>("host", Identity(0x1237));
    EXPECT_TRUE(bus->Attach(0, function.get()).ok());
    for (unsigned i = kPciHeaderSize; i < kPciConfigSize; ++i) function->ConfigWrite(i, 1, i);
    machine->events().set_sink(&events);
  }
  uint32_t In(uint32_t port, unsigned width) { return machine->io().Read(port, width); }
  void Out(uint32_t port, unsigned width, uint32_t value) {
    machine->io().Write(port, width, value);
  }

  Events events;
  std::unique_ptr<sim::Machine> machine;
  std::unique_ptr<PciBus> bus;
  std::unique_ptr<PciFunction> function;
};

TEST(PciBusTest, OnlyADwordWriteAtCf8Latches) {
  const struct {
    uint32_t port;
    unsigned width;
    uint32_t value;
    uint32_t latch;  // inl 0xcf8 afterwards
  } cases[] = {
      {0xcf8, 4, 0x12345678, 0x12345678}, {0xcf8, 2, 0x8000, 0x12345678},
      {0xcf8, 1, 0x80, 0x12345678},       {0xcf9, 1, 0x80, 0x12345678},
      {0xcfa, 2, 0x8000, 0x12345678},     {0xcfb, 1, 0x80, 0x12345678},
      {0xcfa, 4, 0x80000000, 0x12345678}, {0xcf8, 4, 0x00000000, 0x00000000},
  };
  Rig rig;
  EXPECT_EQ(rig.In(0xcf8, 4), 0u);
  for (const auto& c : cases) {
    rig.Out(c.port, c.width, c.value);
    EXPECT_EQ(rig.In(0xcf8, 4), c.latch) << absl::StrFormat("out%u 0x%x", c.width, c.port);
  }
}

// QEMU: every piece of CONFIG_ADDRESS answers the latch's low bytes, unshifted; a piece
// starting at 0xcfa or 0xcfb continues into CONFIG_DATA.
TEST(PciBusTest, AddressReadsAnswerTheLatchAsQemuDoes) {
  const struct {
    uint32_t port;
    unsigned width;
    uint32_t value;
  } cases[] = {
      {0xcf8, 4, 0x80000040}, {0xcf8, 2, 0x0040},     {0xcf8, 1, 0x40},   {0xcf9, 1, 0x40},
      {0xcf9, 2, 0x4040},     {0xcfa, 2, 0x0040},     {0xcfa, 1, 0x40},   {0xcfb, 1, 0x40},
      {0xcfa, 4, 0x41400040}, {0xcfb, 4, 0x42414040}, {0xcfb, 2, 0x4040}, {0xcf9, 4, 0x40004040},
      {0xcf6, 4, 0x0040ffff}, {0xcf7, 2, 0x40ff},
  };
  Rig rig;
  rig.Out(0xcf8, 4, 0x80000040);
  for (const auto& c : cases) {
    EXPECT_EQ(rig.In(c.port, c.width), c.value) << absl::StrFormat("in%u 0x%x", c.width, c.port);
  }
}

TEST(PciBusTest, DataWindowAtEveryPortAndWidth) {
  const struct {
    uint32_t latch_low;  // register bits of CONFIG_ADDRESS
    uint32_t port;
    unsigned width;
    uint32_t value;
  } cases[] = {
      {0x40, 0xcfc, 1, 0x40},
      {0x40, 0xcfd, 1, 0x41},
      {0x40, 0xcfe, 1, 0x42},
      {0x40, 0xcff, 1, 0x43},
      {0x40, 0xcfc, 2, 0x4140},
      {0x40, 0xcfd, 2, 0x4241},
      {0x40, 0xcfe, 2, 0x4342},
      {0x40, 0xcff, 2, 0xff43},
      {0x40, 0xcfc, 4, 0x43424140},
      {0x40, 0xcfd, 4, 0xff434241},
      {0x40, 0xcfe, 4, 0xffff4342},
      {0x40, 0xcff, 4, 0xffffff43},
      // The latch's low bits are OR-ed with the port offset.
      {0x42, 0xcfc, 1, 0x42},
      {0x42, 0xcfd, 1, 0x43},
      {0x42, 0xcfe, 1, 0x42},
      {0x42, 0xcff, 1, 0x43},
      {0x42, 0xcfc, 4, 0x45444342},
      {0x41, 0xcfe, 2, 0x4443},
      // Cut short at register 0xff: the missing bytes read 0.
      {0xfc, 0xcfc, 4, 0xfffefdfc},
      {0xfd, 0xcfc, 4, 0x00fffefd},
      {0xfe, 0xcfc, 4, 0x0000fffe},
      {0xff, 0xcfc, 4, 0x000000ff},
      {0xfd, 0xcfe, 2, 0x00ff},
      {0xff, 0xcfc, 2, 0x00ff},
  };
  for (const auto& c : cases) {
    Rig rig;
    rig.Out(0xcf8, 4, 0x80000000 | c.latch_low);
    EXPECT_EQ(rig.In(c.port, c.width), c.value)
        << absl::StrFormat("register 0x%x, in%u 0x%x", c.latch_low, c.width, c.port);
  }
}

// Every register reached by bytes at each port and by words at each aligned port, as the
// function itself holds it.
TEST(PciBusTest, EveryRegisterByByteAndWord) {
  Rig rig;
  for (unsigned reg = 0; reg < kPciConfigSize; reg += 4) {
    rig.Out(0xcf8, 4, 0x80000000 | reg);
    for (unsigned port = 0; port < 4; ++port) {
      EXPECT_EQ(rig.In(0xcfc + port, 1), rig.function->ConfigRead(reg + port, 1))
          << absl::StrFormat("inb 0xcfc+%u at 0x%02x", port, reg);
    }
    for (unsigned port = 0; port < 4; port += 2) {
      EXPECT_EQ(rig.In(0xcfc + port, 2), rig.function->ConfigRead(reg + port, 2))
          << absl::StrFormat("inw 0xcfc+%u at 0x%02x", port, reg);
    }
  }
}

TEST(PciBusTest, DataWritesAtEveryPortAndWidth) {
  const struct {
    uint32_t latch_low;
    uint32_t port;
    unsigned width;
    uint32_t value;
    uint32_t dword;  // register 0x40 (or 0xfc) afterwards
  } cases[] = {
      {0x40, 0xcfc, 1, 0xaa, 0x434241aa},       {0x40, 0xcfd, 1, 0xaa, 0x4342aa40},
      {0x40, 0xcfe, 1, 0xaa, 0x43aa4140},       {0x40, 0xcff, 1, 0xaa, 0xaa424140},
      {0x40, 0xcfc, 2, 0xbbaa, 0x4342bbaa},     {0x40, 0xcfd, 2, 0xbbaa, 0x43bbaa40},
      {0x40, 0xcfe, 2, 0xbbaa, 0xbbaa4140},     {0x40, 0xcff, 2, 0xbbaa, 0xaa424140},
      {0x40, 0xcfc, 4, 0xddccbbaa, 0xddccbbaa}, {0x40, 0xcfd, 4, 0xddccbbaa, 0xccbbaa40},
      {0x40, 0xcfe, 4, 0xddccbbaa, 0xbbaa4140}, {0x40, 0xcff, 4, 0xddccbbaa, 0xaa424140},
      {0x43, 0xcfc, 4, 0xddccbbaa, 0xaa424140},  // 0x44-0x46 too, checked below
      {0xfe, 0xcfc, 4, 0xddccbbaa, 0xbbaafdfc},  // cut short at 0xff
  };
  for (const auto& c : cases) {
    Rig rig;
    rig.Out(0xcf8, 4, 0x80000000 | c.latch_low);
    rig.Out(c.port, c.width, c.value);
    rig.Out(0xcf8, 4, 0x80000000 | (c.latch_low & 0xfc));
    EXPECT_EQ(rig.In(0xcfc, 4), c.dword)
        << absl::StrFormat("register 0x%x, out%u 0x%x", c.latch_low, c.width, c.port);
    if (c.latch_low == 0x43) {
      rig.Out(0xcf8, 4, 0x80000044);
      EXPECT_EQ(rig.In(0xcfc, 4), 0x47ddccbbu);
    }
  }
}

TEST(PciBusTest, NothingSelectedReadsAllOnesAndDropsWrites) {
  const struct {
    uint32_t latch;
    const char* why;
  } cases[] = {
      {0x00000040, "bit 31 clear"},    {0x7fffff40, "bit 31 clear, all else set"},
      {0x80000140, "absent function"}, {0x8000f840, "absent device 31"},
      {0x80010040, "bus 1"},           {0x80ff0040, "bus 255"},
  };
  for (const auto& c : cases) {
    Rig rig;
    rig.Out(0xcf8, 4, c.latch);
    EXPECT_EQ(rig.In(0xcfc, 4), 0xffffffffu) << c.why;
    EXPECT_EQ(rig.In(0xcfe, 2), 0xffffu) << c.why;
    EXPECT_EQ(rig.In(0xcfd, 1), 0xffu) << c.why;
    rig.Out(0xcfc, 4, 0);
    rig.Out(0xcfd, 1, 0);
    EXPECT_EQ(rig.function->ConfigRead(0x40, 4), 0x43424140u) << c.why;
  }
  // Bits 24-30 are not decoded.
  Rig rig;
  rig.Out(0xcf8, 4, 0xff000000);
  EXPECT_EQ(rig.In(0xcfc, 4), 0x12378086u);
}

TEST(PciBusTest, ConfigAccessesArePublished) {
  Rig rig;
  rig.Out(0xcf8, 4, 0x80000040);
  rig.In(0xcfd, 2);  // split into two byte accesses
  rig.Out(0xcfc, 4, 0x11223344);
  rig.Out(0xcf8, 4, 0x800008fd);
  rig.In(0xcfc, 4);
  rig.Out(0xcfe, 1, 0x5a);
  rig.Out(0xcf8, 4, 0x00000040);
  rig.In(0xcfc, 4);  // bit 31 clear: no config cycle, no event
  EXPECT_THAT(
      rig.events.seen,
      ElementsAre("host config-read 4100000141", "host config-read 4200000142",
                  "host config-write 1122334400000440", "pci config-read-absent ffffffff000803fd",
                  "pci config-write-absent 5a000801ff"));
}

TEST(PciBusTest, AttachRefusesBadPlacesAndNamesThem) {
  Rig rig;
  PciFunction other("other", Identity(0x7000));
  const struct {
    int devfn;
    PciFunction* function;
    absl::StatusCode code;
    const char* message;
  } cases[] = {
      {256, &other, absl::StatusCode::kInvalidArgument, "PCI devfn 256 is not 0-255"},
      {-1, &other, absl::StatusCode::kInvalidArgument, "PCI devfn -1 is not 0-255"},
      {8, nullptr, absl::StatusCode::kInvalidArgument, "PCI 00:01.0: no function to attach"},
      {0, &other, absl::StatusCode::kAlreadyExists, "PCI 00:00.0 holds host; cannot attach other"},
      {8, rig.function.get(), absl::StatusCode::kFailedPrecondition,
       "PCI function host was already attached at 00:00.0"},
  };
  for (const auto& c : cases) {
    const absl::Status status = rig.bus->Attach(c.devfn, c.function);
    EXPECT_EQ(status.code(), c.code) << c.message;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.message));
  }
  EXPECT_TRUE(rig.bus->Attach(255, &other).ok());
  EXPECT_EQ(rig.bus->function(255), &other);
  EXPECT_EQ(rig.bus->function(256), nullptr);
}

TEST(PciBusTest, RemovedFunctionReadsAllOnesAndLosesItsBars) {
  Rig rig;
  NullRegion region;
  PciFunction nic("nic", Identity(0x1234));
  PciBar bar;
  bar.kind = PciBarKind::kIo;
  bar.size = 0x100;
  bar.region = &region;
  bar.name = "nic-io";
  ASSERT_TRUE(nic.SetBar(0, bar).ok());
  bar.kind = PciBarKind::kMem32;
  bar.name = "nic-mmio";
  ASSERT_TRUE(nic.SetBar(1, bar).ok());
  const int devfn = PciDevfn(4, 0);
  ASSERT_TRUE(rig.bus->Attach(devfn, &nic).ok());
  rig.Out(0xcf8, 4, 0x80002010);
  rig.Out(0xcfc, 4, 0xc100);
  rig.Out(0xcf8, 4, 0x80002014);
  rig.Out(0xcfc, 4, 0xfebf0000);
  rig.Out(0xcf8, 4, 0x80002004);
  rig.Out(0xcfc, 2, kPciCommandIo | kPciCommandMemory);
  EXPECT_EQ(rig.machine->io().MappingNameAt(0xc100), "nic-io");
  EXPECT_EQ(rig.machine->memory().NameAt(0xfebf0000), "nic-mmio");
  rig.events.seen.clear();

  ASSERT_TRUE(rig.bus->Remove(devfn).ok());
  EXPECT_TRUE(nic.removed());
  EXPECT_EQ(rig.bus->function(devfn), nullptr);
  EXPECT_EQ(rig.machine->io().MappingNameAt(0xc100), "");
  EXPECT_EQ(rig.machine->memory().NameAt(0xfebf0000), "");
  rig.Out(0xcf8, 4, 0x80002000);
  EXPECT_EQ(rig.In(0xcfc, 4), 0xffffffffu);
  EXPECT_EQ(rig.In(0xcfe, 2), 0xffffu);
  rig.Out(0xcf8, 4, 0x80002004);
  rig.Out(0xcfc, 2, 0);  // dropped: the function keeps its old registers
  EXPECT_EQ(nic.ConfigRead(kPciCommand, 2), 3u);
  EXPECT_THAT(rig.events.seen, ElementsAre("nic bar-unmapped c100 BAR0 io 0xc100+0x100",
                                           "nic bar-unmapped febf0000 BAR1 mem 0xfebf0000+0x100",
                                           "nic removed 20 00:04.0",
                                           "pci config-read-absent ffffffff00200400 removed nic",
                                           "pci config-read-absent ffffffff00200202 removed nic",
                                           "pci config-write-absent 200204 removed nic"));

  const absl::Status again = rig.bus->Remove(devfn);
  EXPECT_EQ(again.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(again.message()), HasSubstr("no PCI function at 00:04.0"));
  EXPECT_EQ(rig.bus->Remove(300).code(), absl::StatusCode::kNotFound);
  // The slot is free again; a removed function cannot come back.
  EXPECT_EQ(rig.bus->Attach(devfn, &nic).code(), absl::StatusCode::kFailedPrecondition);
  PciFunction replacement("replacement", Identity(0x4321));
  EXPECT_TRUE(rig.bus->Attach(devfn, &replacement).ok());
  rig.Out(0xcf8, 4, 0x80002000);
  EXPECT_EQ(rig.In(0xcfc, 4), 0x43218086u);
}

TEST(PciBusTest, ResetControlLiesOverCf9) {
  Rig rig;
  Piix3 piix3;
  ASSERT_TRUE(rig.bus->Attach(PciDevfn(1, 0), &piix3).ok());
  rig.bus->set_reset_control(piix3.reset_control(), Piix3::reset_control_rules());
  rig.Out(0xcf8, 4, 0x80000040);
  const struct {
    uint32_t port;
    unsigned width;
    uint32_t value;  // with the reset control register at 2
  } cases[] = {
      {0xcf9, 1, 0x02},       {0xcf9, 2, 0x0202},     {0xcf9, 4, 0x02020202}, {0xcf8, 2, 0x0040},
      {0xcf8, 4, 0x80000040}, {0xcfa, 4, 0x41400040},  // not affected: starts past 0xcf9
  };
  rig.Out(0xcf9, 1, 0xfb);  // keeps bit 1 only
  EXPECT_EQ(piix3.reset_control_value(), 0x02);
  rig.events.seen.clear();
  for (const auto& c : cases) {
    EXPECT_EQ(rig.In(c.port, c.width), c.value) << absl::StrFormat("in%u 0x%x", c.width, c.port);
  }
  // `inl 0xcf9` goes to the register whole and never reaches CONFIG_DATA.
  EXPECT_THAT(rig.events.seen, ElementsAre("host config-read 414000000240"));
  // A dword write is four byte writes to the register; the last one wins.
  rig.Out(0xcf9, 4, 0x00030201);
  EXPECT_EQ(piix3.reset_control_value(), 0x00);
  EXPECT_EQ(rig.In(0xcf8, 4), 0x80000040u);
}

TEST(PciBusTest, XenForwardsOnlyWholeAccesses) {
  Rig rig("xen-trad");
  rig.Out(0xcf8, 4, 0x80000000);
  EXPECT_EQ(rig.In(0xcfc, 4), 0x12378086u);
  EXPECT_EQ(rig.In(0xcfe, 2), 0x1237u);
  EXPECT_EQ(rig.In(0xcfa, 4), 0x80860000u);  // both halves belong to the same emulator
  // Running into unclaimed 0xd00: Xen's null handler answers the whole access.
  EXPECT_EQ(rig.In(0xcfe, 4), 0xffffffffu);
  EXPECT_EQ(rig.In(0xcf6, 4), 0xffffffffu);
}

}  // namespace
}  // namespace portrace::devices
