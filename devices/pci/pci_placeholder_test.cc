#include "devices/pci/pci_placeholder.h"

#include <memory>

#include "absl/strings/str_format.h"
#include "devices/pci/pci_bus.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/machine.h"

namespace portrace::devices {
namespace {

struct Rig {
  Rig(PlaceholderModel model, int devfn) : devfn(devfn) {
    sim::MachineOptions options;
    options.name = "pc";
    machine = *sim::Machine::Create(options);
    bus = *PciBus::Create(machine.get());
    function = *PciPlaceholder::Create(model);
    EXPECT_TRUE(bus->Attach(devfn, function.get()).ok());
  }
  uint32_t Config(unsigned offset, unsigned width = 4) {
    machine->io().Write(0xcf8, 4, 0x80000000 | devfn << 8 | (offset & 0xfc));
    return machine->io().Read(0xcfc + (offset & 3), width);
  }
  void SetConfig(unsigned offset, unsigned width, uint32_t value) {
    machine->io().Write(0xcf8, 4, 0x80000000 | devfn << 8 | (offset & 0xfc));
    machine->io().Write(0xcfc + (offset & 3), width, value);
  }

  int devfn;
  std::unique_ptr<sim::Machine> machine;
  std::unique_ptr<PciBus> bus;
  std::unique_ptr<PciPlaceholder> function;
};

struct Dword {
  unsigned offset;
  uint32_t value;
};

// `outl 0xcf8 ...; inl 0xcfc` for every dword, against QEMU 7.2 `qemu-system-x86_64 -M pc
// -nodefaults` (00:01.1, 00:01.3). Dwords not listed read 0.
TEST(PciPlaceholderTest, PcFunctionsMatchQemu) {
  const struct {
    PlaceholderModel model;
    int devfn;
    const char* name;
    std::vector<Dword> nonzero;
  } cases[] = {
      {PlaceholderModel::kPiix3Ide,
       PciDevfn(1, 1),
       "piix3-ide",
       {{0x00, 0x70108086},
        {0x04, 0x02800000},
        {0x08, 0x01018000},
        {0x20, 0x00000001},
        {0x2c, 0x11001af4}}},
      {PlaceholderModel::kPiix4Pm,
       PciDevfn(1, 3),
       "piix4-pm",
       {{0x00, 0x71138086},
        {0x04, 0x02800000},
        {0x08, 0x06800003},
        {0x2c, 0x11001af4},
        {0x3c, 0x00000100},
        {0x40, 0x00000001},
        {0x5c, 0x10000000},
        {0x60, 0x60000000},
        {0x90, 0x0000b101},
        {0xd0, 0x00090000}}},
  };
  for (const auto& c : cases) {
    Rig rig(c.model, c.devfn);
    EXPECT_EQ(rig.function->name(), c.name);
    for (unsigned offset = 0; offset < kPciConfigSize; offset += 4) {
      uint32_t want = 0;
      for (const Dword& n : c.nonzero) {
        if (n.offset == offset) want = n.value;
      }
      EXPECT_EQ(rig.Config(offset), want) << c.name << absl::StrFormat(" dword 0x%02x", offset);
    }
  }
}

// QEMU 7.2 `qemu-system-x86_64 -M pc -nodefaults -nic none -device rtl8139,addr=04.0`
// (`romfile=` for 0x30: with its default ROM QEMU also shows a 256 KiB ROM BAR, sized
// 0xfffc0001, which the placeholder does not model).
TEST(PciPlaceholderTest, Rtl8139IdentityMatchesQemu) {
  const struct {
    unsigned offset;
    uint32_t value;
    uint32_t after_all_ones;
  } cases[] = {
      {0x00, 0x813910ec, 0x813910ec}, {0x08, 0x02000020, 0x02000020},
      {0x0c, 0x00000000, 0x000000ff}, {0x10, 0x00000001, 0xffffff01},
      {0x14, 0x00000000, 0xffffff00}, {0x18, 0x00000000, 0x00000000},
      {0x2c, 0x11001af4, 0x11001af4}, {0x30, 0x00000000, 0x00000000},
      {0x34, 0x000000dc, 0x000000dc}, {0x3c, 0x00000100, 0x000001ff},
      {0x04, 0x00000000, 0x00000507},
  };
  Rig rig(PlaceholderModel::kRtl8139, PciDevfn(4, 0));
  EXPECT_EQ(rig.function->name(), "rtl8139");
  for (const auto& c : cases) {
    EXPECT_EQ(rig.Config(c.offset), c.value) << absl::StrFormat("dword 0x%02x", c.offset);
  }
  for (const auto& c : cases) {
    rig.SetConfig(c.offset, 4, 0xffffffff);
    EXPECT_EQ(rig.Config(c.offset), c.after_all_ones)
        << absl::StrFormat("dword 0x%02x after all ones", c.offset);
  }
}

TEST(PciPlaceholderTest, BarsReadAllOnesWhereverTheyAreMapped) {
  Rig ide(PlaceholderModel::kPiix3Ide, PciDevfn(1, 1));
  ide.SetConfig(0x20, 4, 0xc001);
  ide.SetConfig(0x04, 2, kPciCommandIo);
  EXPECT_EQ(ide.machine->io().MappingNameAt(0xc00f), "piix3-ide-bmdma");
  EXPECT_EQ(ide.machine->io().Read(0xc000, 1), 0xffu);
  EXPECT_EQ(ide.machine->io().Read(0xc004, 4), 0xffffffffu);
  ide.machine->io().Write(0xc000, 1, 0x01);
  EXPECT_EQ(ide.machine->io().Read(0xc000, 1), 0xffu);

  Rig nic(PlaceholderModel::kRtl8139, PciDevfn(4, 0));
  nic.SetConfig(0x10, 4, 0xc101);
  nic.SetConfig(0x14, 4, 0xfebf1000);
  nic.SetConfig(0x04, 2, kPciCommandIo | kPciCommandMemory);
  EXPECT_EQ(nic.machine->io().MappingNameAt(0xc1ff), "rtl8139-io");
  EXPECT_EQ(nic.machine->io().Read(0xc137, 1), 0xffu);
  EXPECT_EQ(nic.machine->memory().NameAt(0xfebf10ff), "rtl8139-mmio");
  EXPECT_EQ(nic.machine->memory().Read(0xfebf1000, 4), 0xffffffffu);
  EXPECT_EQ(nic.machine->memory().Read(0xfebf1100, 4), 0u);  // past the BAR: unassigned
}

}  // namespace
}  // namespace portrace::devices
