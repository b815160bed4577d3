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

TEST(PciPlaceholderTest, BarsReadAllOnesWhereverTheyAreMapped) {
  Rig ide(PlaceholderModel::kPiix3Ide, PciDevfn(1, 1));
  ide.SetConfig(0x20, 4, 0xc001);
  ide.SetConfig(0x04, 2, kPciCommandIo);
  EXPECT_EQ(ide.machine->io().MappingNameAt(0xc00f), "piix3-ide-bmdma");
  EXPECT_EQ(ide.machine->io().Read(0xc000, 1), 0xffu);
  EXPECT_EQ(ide.machine->io().Read(0xc004, 4), 0xffffffffu);
  ide.machine->io().Write(0xc000, 1, 0x01);
  EXPECT_EQ(ide.machine->io().Read(0xc000, 1), 0xffu);

}

}  // namespace
}  // namespace portrace::devices
