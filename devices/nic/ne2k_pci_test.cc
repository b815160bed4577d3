#include "devices/nic/ne2k_pci.h"

#include "gtest/gtest.h"
#include "sim/machine.h"
#include "sim/machine_builder.h"

namespace portrace::devices {
namespace {

uint32_t Config(sim::Machine& m, uint32_t address) {
  m.io().Write(0xcf8, 4, address);
  return m.io().Read(0xcfc, 4);
}

// As QEMU 7.2 shows `-M pc -nodefaults -nic user,model=ne2k_pci` (00:02.0) and the default pc
// machine with std VGA (00:03.0).
TEST(Ne2kPciTest, IdentityAndSizingAsQemu) {
  const struct {
    bool defaults;
    uint32_t base;
  } cases[] = {{false, 0x80001000}, {true, 0x80001800}};
  for (const auto& c : cases) {
    sim::MachineOptions options;
    options.name = "pc";
    options.qemu_defaults = c.defaults;
    options.nics = {"user,model=ne2k_pci"};
    absl::StatusOr<std::unique_ptr<sim::Machine>> m = sim::BuildMachine(options);
    ASSERT_TRUE(m.ok()) << m.status();
    EXPECT_EQ(Config(**m, c.base), 0x802910ecu);
    EXPECT_EQ(Config(**m, c.base + 8), 0x02000000u);
    EXPECT_EQ(Config(**m, c.base + 0x10), 0x1u);
    EXPECT_EQ(Config(**m, c.base + 0x3c), 0x100u);
    for (uint32_t reg : {0x10u, 0x30u}) {
      (*m)->io().Write(0xcf8, 4, c.base + reg);
      (*m)->io().Write(0xcfc, 4, 0xffffffff);
    }
    EXPECT_EQ(Config(**m, c.base + 0x10), 0xffffff01u);
    EXPECT_EQ(Config(**m, c.base + 0x30), 0xfffc0001u);
  }
}

// INTA# of 00:02.0 reaches PIRQB (0x61) and the ISA IRQ it names; while the route is disabled
// (QEMU's reset value 0x80) no line moves. QEMU 7.2 with PIRQA-D = 8-11 and
// `irq_intercept_in ioapic` answers "IRQ raise 9" for an RDC with IMR RDC, "IRQ lower 9" when
// ISR RDC is cleared (the 0x09 case).
TEST(Ne2kPciTest, InterruptFollowsPirqRoute) {
  const struct {
    uint8_t route;
    int line;
  } cases[] = {{0x80, -1}, {0x09, 9}, {0x0b, 11}, {0x0a, 10}, {0x10, -1}};
  for (const auto& c : cases) {
    sim::MachineOptions options;
    options.name = "pc";
    options.nics = {"user,model=ne2k_pci"};
    absl::StatusOr<std::unique_ptr<sim::Machine>> built = sim::BuildMachine(options);
    ASSERT_TRUE(built.ok()) << built.status();
    sim::Machine& m = **built;
    m.io().Write(0xcf8, 4, 0x80000861);  // PIIX3 PIRQB
    m.io().Write(0xcfd, 1, c.route);
    m.io().Write(0xcf8, 4, 0x80001010);
    m.io().Write(0xcfc, 4, 0xc000);
    m.io().Write(0xcf8, 4, 0x80001004);
    m.io().Write(0xcfc, 2, 1);
    m.io().Write(0xc00f, 1, 0x40);  // IMR RDC
    m.io().Write(0xc000, 1, 0x0a);  // zero-length remote read: RDC
    // Line 0 is the PIT's, which a PIRQ byte of 0 would share; the cases avoid it.
    for (int line = 1; line < sim::IrqLines::kCount; ++line) {
      EXPECT_EQ(m.irq().level(line), line == c.line) << "route " << int{c.route} << " line " << line;
    }
    m.io().Write(0xc007, 1, 0x40);
    for (int line = 1; line < sim::IrqLines::kCount; ++line) EXPECT_FALSE(m.irq().level(line));
  }
}

}  // namespace
}  // namespace portrace::devices
