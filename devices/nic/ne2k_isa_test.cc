#include "devices/nic/ne2k_isa.h"

#include "gtest/gtest.h"
#include "sim/machine.h"
#include "sim/machine_builder.h"

namespace portrace::devices {
namespace {

TEST(Ne2kIsaTest, CoreAt0x300DrivesIrq9) {
  sim::MachineOptions options;
  options.name = "pc";
  options.nics = {"user,model=ne2k_isa"};
  absl::StatusOr<std::unique_ptr<sim::Machine>> built = sim::BuildMachine(options);
  ASSERT_TRUE(built.ok()) << built.status();
  sim::Machine& m = **built;
  EXPECT_EQ(m.io().Read(0x307, 1), 0x80u);  // ISR RST
  EXPECT_EQ(m.io().Read(0x30a, 1), 0x50u);
  EXPECT_EQ(m.io().Read(0x320, 1), 0xffu);  // past the 32 ports: unclaimed
  EXPECT_FALSE(m.irq().level(Ne2kIsa::kIrq));
  m.io().Write(0x30f, 1, 0x40);  // IMR RDC
  m.io().Write(0x300, 1, 0x0a);  // remote read of 0 bytes: RDC at once
  EXPECT_TRUE(m.irq().level(Ne2kIsa::kIrq));
  m.io().Write(0x307, 1, 0x40);
  EXPECT_FALSE(m.irq().level(Ne2kIsa::kIrq));
}

}  // namespace
}  // namespace portrace::devices
