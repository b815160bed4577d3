#include "devices/pci/i440fx.h"

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

class Events : public sim::DeviceEventSink {
 public:
  void OnDeviceEvent(const sim::DeviceEvent& e) override {
    if (e.kind == "config-read" || e.kind == "config-write") return;
    seen.push_back(absl::StrFormat("%s %s %x %s", e.device, e.kind, e.value, e.text));
  }
  std::vector<std::string> seen;
};

struct Rig {
  explicit Rig(uint64_t ram_bytes = uint64_t{128} << 20) : host(ram_bytes) {
    sim::MachineOptions options;
    options.name = "pc";
    options.ram_bytes = ram_bytes;
    machine = *sim::Machine::Create(options);
    machine->events().set_sink(&events);
    bus = *PciBus::Create(machine.get());
    EXPECT_TRUE(bus->Attach(0, &host).ok());
  }
  uint32_t Config(unsigned offset, unsigned width = 4) {
    machine->io().Write(0xcf8, 4, 0x80000000 | (offset & 0xfc));
    return machine->io().Read(0xcfc + (offset & 3), width);
  }
  void SetConfig(unsigned offset, unsigned width, uint32_t value) {
    machine->io().Write(0xcf8, 4, 0x80000000 | (offset & 0xfc));
    machine->io().Write(0xcfc + (offset & 3), width, value);
  }

  I440fx host;
  Events events;
  std::unique_ptr<sim::Machine> machine;
  std::unique_ptr<PciBus> bus;
};

// QEMU 7.2, `qemu-system-x86_64 -M pc -nodefaults` (128 MiB): `outl 0xcf8 0x800000NN; inl
// 0xcfc` for every dword; the dwords not listed read 0.
TEST(I440fxTest, ConfigSpaceMatchesQemu) {
  const struct {
    unsigned offset;
    uint32_t value;
  } nonzero[] = {
      {0x00, 0x12378086}, {0x08, 0x06000002}, {0x2c, 0x11001af4},
      {0x54, 0x10000000}, {0x70, 0x00020000},
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

TEST(I440fxTest, RamSizeRegisterCountsEightMebibytes) {
  const struct {
    uint64_t ram_bytes;
    uint32_t value;  // byte 0x57; QEMU: -m 128M 0x10, -m 1G 0x80, -m 3G 0xff
  } cases[] = {
      {uint64_t{128} << 20, 0x10}, {uint64_t{1} << 30, 0x80}, {uint64_t{3} << 30, 0xff},
      {uint64_t{4} << 20, 0x00},   {uint64_t{8} << 20, 0x01}, {uint64_t{2040} << 20, 0xff},
  };
  for (const auto& c : cases) {
    Rig rig(c.ram_bytes);
    EXPECT_EQ(rig.Config(0x57, 1), c.value) << c.ram_bytes;
  }
}

TEST(I440fxTest, PamAndSmramWritesStickAndArePublished) {
  Rig rig;
  rig.SetConfig(0x59, 1, 0x30);
  rig.SetConfig(0x5c, 4, 0x33333333);
  rig.SetConfig(0x72, 1, 0x4a);
  rig.SetConfig(0x70, 4, 0x00000000);
  rig.SetConfig(0x40, 4, 0xffffffff);  // neither: no event
  EXPECT_EQ(rig.Config(0x58), 0x00003000u);
  EXPECT_EQ(rig.Config(0x54), 0x10000000u);
  EXPECT_EQ(rig.Config(0x5c), 0x33333333u);
  EXPECT_EQ(rig.Config(0x70), 0x00000000u);
  EXPECT_EQ(rig.Config(0x40), 0xffffffffu);
  EXPECT_THAT(
      rig.events.seen,
      ElementsAre(
          "i440fx memory-map-write 3000000159 PAM (not modelled: guest memory at "
          "0xc0000-0xfffff unchanged)",
          "i440fx memory-map-write 333333330000045c PAM (not modelled: guest memory at "
          "0xc0000-0xfffff unchanged)",
          "i440fx memory-map-write 4a00000172 SMRAM (not modelled: guest memory at "
          "0xa0000-0xbffff unchanged)",
          "i440fx memory-map-write 470 SMRAM (not modelled: guest memory at 0xa0000-0xbffff "
          "unchanged)"));
}

TEST(I440fxTest, IdentityIsReadOnly) {
  Rig rig;
  for (unsigned offset : {0x00u, 0x08u, 0x2cu}) rig.SetConfig(offset, 4, 0);
  rig.SetConfig(0x04, 4, 0xffffffff);
  EXPECT_EQ(rig.Config(0x00), 0x12378086u);
  EXPECT_EQ(rig.Config(0x04), 0x00000507u);
  EXPECT_EQ(rig.Config(0x08), 0x06000002u);
  EXPECT_EQ(rig.Config(0x2c), 0x11001af4u);
}

}  // namespace
}  // namespace portrace::devices
