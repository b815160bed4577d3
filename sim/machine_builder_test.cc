#include "sim/machine_builder.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "devices/pci/pci_bus.h"
#include "devices/pci/pci_function.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/machine.h"

namespace portrace::sim {
namespace {

using ::testing::HasSubstr;

uint32_t ConfigDword(Machine& machine, int devfn, unsigned offset) {
  machine.io().Write(0xcf8, 4, 0x80000000 | devfn << 8 | offset);
  return machine.io().Read(0xcfc, 4);
}

// What a guest enumerating bus 0 reads at each devfn: vendor/device, class/revision.
TEST(MachineBuilderTest, EveryProfileLaysOutItsPciBus) {
  const struct {
    int devfn;
    uint32_t pc_id, pc_class;
    uint32_t xen_id, xen_class;
  } slots[] = {
      {kHostBridgeDevfn, 0x12378086, 0x06000002, 0x12378086, 0x06000002},
      {kIsaBridgeDevfn, 0x70008086, 0x06010000, 0x70008086, 0x06010000},
      {kIdeDevfn, 0x70108086, 0x01018000, 0x70108086, 0x01018000},
      {devices::PciDevfn(1, 2), 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
      {kPmDevfn, 0x71138086, 0x06800003, 0x71138086, 0x06800003},
      {devices::PciDevfn(2, 0), 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
      // Left free for the Xen platform device.
      // The Xen platform device: 5853:0001, class 0xff80, revision 1.
      {kPlatformDevfn, 0xffffffff, 0xffffffff, 0x00015853, 0xff800001},
      {kNicDevfn, 0xffffffff, 0xffffffff, 0x813910ec, 0x02000020},
      {devices::PciDevfn(5, 0), 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
  };
  for (const MachineProfile& profile : MachineProfiles()) {
    MachineOptions options;
    options.name = std::string(profile.name);
    absl::StatusOr<std::unique_ptr<Machine>> machine = BuildMachine(options);
    ASSERT_TRUE(machine.ok()) << machine.status();
    const bool xen = profile.platform != PlatformFlavour::kNone;
    EXPECT_EQ((*machine)->io().semantics(), profile.semantics);
    for (const auto& s : slots) {
      const std::string where =
          absl::StrFormat("%s %s", profile.name, devices::PciLocation(0, s.devfn));
      EXPECT_EQ(ConfigDword(**machine, s.devfn, 0x00), xen ? s.xen_id : s.pc_id) << where;
      EXPECT_EQ(ConfigDword(**machine, s.devfn, 0x08), xen ? s.xen_class : s.pc_class) << where;
    }
  }
}

TEST(MachineBuilderTest, LaterCodeFindsTheBusOnTheMachine) {
  MachineOptions options;
  options.name = "xen-trad";
  std::unique_ptr<Machine> machine = *BuildMachine(options);
  devices::PciBus* bus = PciBusOf(*machine);
  ASSERT_NE(bus, nullptr);
  EXPECT_EQ(bus->function(kHostBridgeDevfn)->name(), "i440fx");
  EXPECT_EQ(bus->function(kIsaBridgeDevfn)->name(), "piix3");
  EXPECT_EQ(bus->function(kIdeDevfn)->name(), "piix3-ide");
  EXPECT_EQ(bus->function(kPmDevfn)->name(), "piix4-pm");
  EXPECT_EQ(bus->function(kNicDevfn)->name(), "rtl8139");
  ASSERT_NE(bus->function(kPlatformDevfn), nullptr);
  EXPECT_EQ(bus->function(kPlatformDevfn)->name(), "xen-platform");
  // The NIC unplugs: config space reads all ones from then on.
  ASSERT_TRUE(bus->Remove(kNicDevfn).ok());
  EXPECT_EQ(ConfigDword(*machine, kNicDevfn, 0x00), 0xffffffffu);
  // A bare machine has no bus.
  std::unique_ptr<Machine> bare = *Machine::Create(options);
  EXPECT_EQ(PciBusOf(*bare), nullptr);
}

TEST(MachineBuilderTest, WiresTheResetControlRegisterAndTheRamSize) {
  MachineOptions options;
  options.name = "pc";
  options.ram_bytes = uint64_t{1} << 30;
  std::unique_ptr<Machine> machine = *BuildMachine(options);
  machine->io().Write(0xcf9, 1, 0x02);
  EXPECT_EQ(machine->io().Read(0xcf9, 2), 0x0202u);
  EXPECT_EQ(ConfigDword(*machine, kHostBridgeDevfn, 0x54), 0x80000000u);
  EXPECT_EQ(machine->io().MappingNameAt(0xcf8), "pci-config-address");
  EXPECT_EQ(machine->io().MappingNameAt(0xcfc), "pci-config-data");
}

TEST(MachineBuilderTest, MachineErrorsPassThrough) {
  MachineOptions options;
  options.name = "q35";
  absl::StatusOr<std::unique_ptr<Machine>> machine = BuildMachine(options);
  EXPECT_EQ(machine.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(machine.status().message()), HasSubstr("unknown machine 'q35'"));
}

// The NICs injected frames go to, by index: the profile's own NIC first, then each --nic.
TEST(MachineBuilderTest, NicsInIndexOrder) {
  const struct {
    const char* machine;
    std::vector<std::string> nics;
    std::vector<std::string> expected;
  } cases[] = {
      {"pc", {}, {}},
      {"pc",
       {"model=ne2k_pci", "model=ne2k_isa", "model=rtl8139"},
       {"ne2k_pci", "ne2k_isa", "rtl8139"}},
      {"xen-trad", {}, {"rtl8139"}},
      {"xen-upstream", {"model=ne2k_isa", "model=ne2k_pci"}, {"rtl8139", "ne2k_isa", "ne2k_pci"}},
  };
  for (const auto& c : cases) {
    MachineOptions options;
    options.name = c.machine;
    options.nics = c.nics;
    absl::StatusOr<std::unique_ptr<Machine>> machine = BuildMachine(options);
    ASSERT_TRUE(machine.ok()) << machine.status();
    std::vector<std::string> names;
    for (const Machine::Nic& nic : (*machine)->nics()) {
      names.push_back(nic.device);
      EXPECT_NE(nic.receiver, nullptr);
    }
    EXPECT_EQ(names, c.expected) << c.machine;
  }
}

}  // namespace
}  // namespace portrace::sim
