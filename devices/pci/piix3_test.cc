#include "devices/pci/piix3.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "devices/pci/pci_bus.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/machine.h"

namespace portrace::devices {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class Events : public sim::DeviceEventSink {
 public:
  void OnDeviceEvent(const sim::DeviceEvent& e) override {
    if (e.kind == "config-read" || e.kind == "config-write") return;
    seen.push_back(absl::StrFormat("%s %s %x %s", e.device, e.kind, e.value, e.text));
  }
  std::vector<std::string> seen;
};

constexpr uint32_t kPiix3Address = 0x80000000 | PciDevfn(1, 0) << 8;

struct Rig {
  Rig() {
    sim::MachineOptions options;
    options.name = "pc";
    machine = *sim::Machine::Create(options);
    machine->events().set_sink(&events);
    bus = *PciBus::Create(machine.get());
    EXPECT_TRUE(bus->Attach(PciDevfn(1, 0), &piix3).ok());
    bus->set_reset_control(piix3.reset_control(), Piix3::reset_control_rules());
  }
  uint32_t Config(unsigned offset, unsigned width = 4) {
    machine->io().Write(0xcf8, 4, kPiix3Address | (offset & 0xfc));
    return machine->io().Read(0xcfc + (offset & 3), width);
  }
  void SetConfig(unsigned offset, unsigned width, uint32_t value) {
    machine->io().Write(0xcf8, 4, kPiix3Address | (offset & 0xfc));
    machine->io().Write(0xcfc + (offset & 3), width, value);
  }

  Piix3 piix3;
  Events events;
  std::unique_ptr<sim::Machine> machine;
  std::unique_ptr<PciBus> bus;
};

// QEMU 7.2, `qemu-system-x86_64 -M pc -nodefaults`: `outl 0xcf8 0x800008NN; inl 0xcfc` for
// every dword; the dwords not listed read 0.
TEST(Piix3Test, ConfigSpaceMatchesQemu) {
  const struct {
    unsigned offset;
    uint32_t value;
  } nonzero[] = {
      {0x00, 0x70008086}, {0x04, 0x02000000}, {0x08, 0x06010000}, {0x0c, 0x00800000},
      {0x2c, 0x11001af4}, {0x4c, 0x0003004d}, {0x60, 0x80808080}, {0x68, 0x00000200},
      {0x70, 0x00000080}, {0x74, 0x0c0c0000}, {0x78, 0x00000002}, {0xa0, 0x00000008},
      {0xa8, 0x0000000f},
  };
  Rig rig;
  for (unsigned offset = 0; offset < kPciConfigSize; offset += 4) {
    uint32_t want = 0;
    for (const auto& n : nonzero) {
      if (n.offset == offset) want = n.value;
    }
    EXPECT_EQ(rig.Config(offset), want) << absl::StrFormat("dword 0x%02x", offset);
  }
}

TEST(Piix3Test, PirqRoutingSticksAndIsPublished) {
  Rig rig;
  rig.SetConfig(0x60, 4, 0x0a0b800b);
  rig.SetConfig(0x61, 1, 0x05);
  rig.SetConfig(0x64, 4, 0x12345678);  // past the routing registers: no event
  EXPECT_EQ(rig.Config(0x60), 0x0a0b050bu);
  EXPECT_THAT(rig.events.seen,
              ElementsAre("piix3 pirq-route a0b800b PIRQA irq 11, PIRQB off, PIRQC irq 11, "
                          "PIRQD irq 10",
                          "piix3 pirq-route a0b050b PIRQA irq 11, PIRQB irq 5, PIRQC irq 11, "
                          "PIRQD irq 10"));
}

TEST(Piix3Test, ResetControlKeepsBitOneAndPublishesResetRequests) {
  const struct {
    uint32_t write;
    uint8_t after;
    bool reset_request;
  } cases[] = {
      {0x02, 0x02, false}, {0xfb, 0x02, false}, {0x00, 0x00, false},
      {0x06, 0x00, true},  {0x0e, 0x00, true},  {0x01, 0x00, false},
  };
  for (const auto& c : cases) {
    Rig rig;
    rig.machine->io().Write(0xcf9, 1, c.write);
    EXPECT_EQ(rig.machine->io().Read(0xcf9, 1), c.after) << absl::StrFormat("0x%x", c.write);
    if (c.reset_request) {
      EXPECT_THAT(rig.events.seen,
                  ElementsAre(absl::StrFormat("piix3 reset-request %x system reset requested "
                                              "(portrace does not reset)",
                                              c.write)));
    } else {
      EXPECT_THAT(rig.events.seen, IsEmpty()) << absl::StrFormat("0x%x", c.write);
    }
  }
}

}  // namespace
}  // namespace portrace::devices
