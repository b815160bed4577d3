#include "sim/machine.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::sim {
namespace {

using ::testing::HasSubstr;

TEST(MachineTest, EveryProfileBuildsWithItsSemantics) {
  const struct {
    const char* name;
    SpaceSemantics semantics;
  } cases[] = {
      {"pc", SpaceSemantics::kQemu},
      {"xen-trad", SpaceSemantics::kXen},
      {"xen-xenserver", SpaceSemantics::kXen},
      {"xen-upstream", SpaceSemantics::kXen},
  };
  for (const auto& c : cases) {
    MachineOptions options;
    options.name = c.name;
    absl::StatusOr<std::unique_ptr<Machine>> machine = Machine::Create(options);
    ASSERT_TRUE(machine.ok()) << machine.status();
    EXPECT_EQ((*machine)->profile().name, c.name);
    EXPECT_EQ((*machine)->io().semantics(), c.semantics);
  }
  EXPECT_EQ(MachineProfiles().size(), 4u);
  EXPECT_EQ(MachineProfiles()[0].name, kDefaultMachine);
}

TEST(MachineTest, UnknownNameListsTheKnownOnes) {
  MachineOptions options;
  options.name = "q35";
  absl::StatusOr<std::unique_ptr<Machine>> machine = Machine::Create(options);
  EXPECT_EQ(machine.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(machine.status().message()), HasSubstr("unknown machine 'q35'"));
  EXPECT_THAT(std::string(machine.status().message()), HasSubstr("xen-upstream"));
}

TEST(MachineTest, RamSizeIsBounded) {
  MachineOptions options;
  options.ram_bytes = uint64_t{64} << 30;
  EXPECT_EQ(Machine::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(MachineTest, EmptyPcAnswersLikeQemuForUnclaimedPorts) {
  MachineOptions options;
  options.name = "pc";
  std::unique_ptr<Machine> machine = *Machine::Create(options);
  EXPECT_EQ(machine->io().Read(0x1234, 2), 0xffffu);
  EXPECT_EQ(machine->io().Read(0x5678, 4), 0xffffffffu);
  EXPECT_EQ(machine->memory().Read(0x1000, 4), 0u);
}

}  // namespace
}  // namespace portrace::sim
