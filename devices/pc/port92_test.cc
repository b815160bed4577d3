#include "devices/pc/port92.h"

#include "gtest/gtest.h"
#include "sim/machine.h"

namespace portrace::devices {
namespace {

TEST(Port92Test, A20BitReadsBack) {
  sim::MachineOptions options;
  options.name = "pc";
  std::unique_ptr<sim::Machine> machine = *sim::Machine::Create(options);
  machine->AddDevice(*Port92::Create(machine.get()));
  EXPECT_EQ(machine->io().Read(0x92, 1), 0u);
  machine->io().Write(0x92, 1, 0x02);
  EXPECT_EQ(machine->io().Read(0x92, 1), 0x02u);
  EXPECT_EQ(machine->io().Read(0x92, 2), 0x0202u);  // both bytes reach the one-byte port
}

}  // namespace
}  // namespace portrace::devices
