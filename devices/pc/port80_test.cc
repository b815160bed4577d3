#include "devices/pc/port80.h"

#include "gtest/gtest.h"
#include "sim/machine.h"

namespace portrace::devices {
namespace {

class Codes : public sim::DeviceEventSink {
 public:
  void OnDeviceEvent(const sim::DeviceEvent& e) override {
    if (e.kind == "post-code") last = e.value;
  }
  uint64_t last = 0;
};

TEST(Port80Test, ReadsAllOnesPublishesPostCodes) {
  sim::MachineOptions options;
  options.name = "pc";
  std::unique_ptr<sim::Machine> machine = *sim::Machine::Create(options);
  Codes codes;
  machine->events().set_sink(&codes);
  machine->AddDevice(*Port80::Create(machine.get()));
  EXPECT_EQ(machine->io().Read(0x80, 1), 0xffu);
  EXPECT_EQ(machine->io().Read(0x80, 4), 0xffffffffu);
  machine->io().Write(0x80, 1, 0x42);
  EXPECT_EQ(codes.last, 0x42u);
}

}  // namespace
}  // namespace portrace::devices
