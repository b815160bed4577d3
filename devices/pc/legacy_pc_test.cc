#include "devices/pc/legacy_pc.h"

#include "devices/pc/i8257.h"
#include "gtest/gtest.h"
#include "sim/machine.h"

namespace portrace::devices {
namespace {

// The CMOS bytes QEMU 7.2 reports at 0x0e-0x3f (time registers aside) for `-M pc -nodefaults`,
// for `-M pc` (defaults: floppy drive) and with -boot order=c.
TEST(LegacyPcTest, CmosConfigurationAsQemu) {
  const struct {
    bool defaults;
    const char* boot;
    uint8_t b10, b14, b38, b3d;
  } cases[] = {{false, "cad", 0x00, 0x06, 0x30, 0x12},
               {true, "cad", 0x50, 0x07, 0x30, 0x12},
               {true, "c", 0x50, 0x07, 0x00, 0x02}};
  for (const auto& c : cases) {
    sim::MachineOptions options;
    options.name = "pc";
    options.qemu_defaults = c.defaults;
    options.boot_order = c.boot;
    std::unique_ptr<sim::Machine> machine = *sim::Machine::Create(options);
    absl::StatusOr<RtcCmos*> rtc = AddLegacyDevices(machine.get(), options);
    ASSERT_TRUE(rtc.ok()) << rtc.status();
    EXPECT_EQ((*rtc)->config_byte(0x10), c.b10);
    EXPECT_EQ((*rtc)->config_byte(0x14), c.b14);
    EXPECT_EQ((*rtc)->config_byte(0x38), c.b38);
    EXPECT_EQ((*rtc)->config_byte(0x3d), c.b3d);
    const uint8_t memory[][2] = {{0x15, 0x80}, {0x16, 0x02}, {0x17, 0xff}, {0x18, 0xff},
                                 {0x30, 0xff}, {0x31, 0xff}, {0x34, 0x00}, {0x35, 0x07}};
    for (const auto& m : memory) EXPECT_EQ((*rtc)->config_byte(m[0]), m[1]);
  }
}

// QEMU's pc creates both DMA controllers unconditionally; every profile carries them, mapped
// only where QEMU maps them (0x80 stays the POST port, the gaps between page registers free).
TEST(LegacyPcTest, DmaControllersOnEveryMachine) {
  const struct {
    uint32_t port;
    const char* mapping;
  } ports[] = {{0x00, "dma-chan"}, {0x0f, "dma-cont"}, {0x80, "ioport80"}, {0x81, "dma-page"},
               {0x83, "dma-page"}, {0x84, ""},         {0x86, ""},         {0x87, "dma-page"},
               {0x88, ""},         {0x89, "dma-page"}, {0x8c, ""},         {0x8f, "dma-page"},
               {0xc0, "dma-chan"}, {0xcf, "dma-chan"}, {0xd0, "dma-cont"}, {0xdf, "dma-cont"},
               {0xe0, ""},         {0x481, ""}};
  for (const sim::MachineProfile& profile : sim::MachineProfiles()) {
    SCOPED_TRACE(profile.name);
    sim::MachineOptions options;
    options.name = std::string(profile.name);
    std::unique_ptr<sim::Machine> machine = *sim::Machine::Create(options);
    ASSERT_TRUE(AddLegacyDevices(machine.get(), options).ok());
    for (const auto& p : ports) {
      EXPECT_EQ(machine->io().MappingNameAt(p.port), p.mapping) << p.port;
    }
    for (int channel = 0; channel < 8; ++channel) {
      ASSERT_NE(IsaDmaOf(*machine, channel), nullptr);
      EXPECT_EQ(IsaDmaOf(*machine, channel)->Channel(channel).channel, channel);
    }
  }
}

TEST(LegacyPcTest, BadOptionsNamed) {
  sim::MachineOptions options;
  options.name = "pc";
  options.boot_order = "xyz";
  std::unique_ptr<sim::Machine> machine = *sim::Machine::Create(options);
  absl::StatusOr<RtcCmos*> rtc = AddLegacyDevices(machine.get(), options);
  EXPECT_EQ(rtc.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(rtc.status().message().find("--boot=order=xyz"), absl::string_view::npos);
}

}  // namespace
}  // namespace portrace::devices
