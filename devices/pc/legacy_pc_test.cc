#include "devices/pc/legacy_pc.h"

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
