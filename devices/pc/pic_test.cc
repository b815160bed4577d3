#include "devices/pc/pic.h"

#include <cstdio>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/machine.h"

namespace portrace::devices {
namespace {

// Records "kind value[ text]" for the events of the device under test (not the IRQ lines').
class EventLog : public sim::DeviceEventSink {
 public:
  void OnDeviceEvent(const sim::DeviceEvent& e) override {
    if (e.kind.rfind("irq-", 0) == 0) return;
    char value[32];
    std::snprintf(value, sizeof value, "%llx", static_cast<unsigned long long>(e.value));
    events.push_back(e.kind + " " + value + (e.text.empty() ? "" : " " + e.text));
  }
  std::vector<std::string> events;
};

class PicTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::MachineOptions options;
    options.name = "pc";
    machine_ = *sim::Machine::Create(options);
    pic_ = machine_->AddDevice(*Pic::Create(machine_.get()));
  }
  void Init() {  // SeaBIOS's sequence: vectors 0x08 and 0x70, cascade on 2
    const struct { uint32_t port; uint8_t value; } writes[] = {
        {0x20, 0x11}, {0xa0, 0x11}, {0x21, 0x08}, {0xa1, 0x70}, {0x21, 0x04},
        {0xa1, 0x02}, {0x21, 0x01}, {0xa1, 0x01}, {0x21, 0x00}, {0xa1, 0x00}};
    for (const auto& w : writes) machine_->io().Write(w.port, 1, w.value);
  }
  std::unique_ptr<sim::Machine> machine_;
  Pic* pic_;
};

TEST_F(PicTest, ImrReadsBackAndResetsToZero) {
  EXPECT_EQ(machine_->io().Read(0x21, 1), 0u);
  machine_->io().Write(0x21, 1, 0xfb);
  machine_->io().Write(0xa1, 1, 0xdf);
  EXPECT_EQ(machine_->io().Read(0x21, 1), 0xfbu);
  EXPECT_EQ(machine_->io().Read(0xa1, 1), 0xdfu);
  // A word at 0x20 is two byte accesses to the chip: IRR, then IMR.
  EXPECT_EQ(machine_->io().Read(0x20, 2), 0xfb00u);
}

TEST_F(PicTest, EdgeIrqLatchesIrrAndPollAcknowledges) {
  Init();
  machine_->irq().Set("test", 1, true);
  EXPECT_EQ(machine_->io().Read(0x20, 1), 0x02u);  // IRR
  EXPECT_EQ(pic_->PendingVector(), 0x09);
  machine_->io().Write(0x20, 1, 0x0c);             // OCW3 poll
  EXPECT_EQ(machine_->io().Read(0x20, 1), 0x81u);  // irq 1 acknowledged
  machine_->io().Write(0x20, 1, 0x0b);             // read ISR
  EXPECT_EQ(machine_->io().Read(0x20, 1), 0x02u);
  machine_->io().Write(0x20, 1, 0x20);  // non-specific EOI
  EXPECT_EQ(machine_->io().Read(0x20, 1), 0x00u);
}

TEST_F(PicTest, SlaveCascadesThroughMasterInputTwo) {
  Init();
  machine_->irq().Set("test", 14, true);
  EXPECT_EQ(pic_->PendingVector(), 0x76);
  machine_->io().Write(0xa1, 1, 0x40);  // mask irq 14
  // The master latched the cascade edge: the CPU would see the slave's spurious vector.
  EXPECT_EQ(pic_->PendingVector(), 0x77);
}

TEST_F(PicTest, ElcrMasksReservedBits) {
  machine_->io().Write(0x4d0, 1, 0xff);
  machine_->io().Write(0x4d1, 1, 0xff);
  EXPECT_EQ(machine_->io().Read(0x4d0, 1), 0xf8u);
  EXPECT_EQ(machine_->io().Read(0x4d1, 1), 0xdeu);
}

TEST_F(PicTest, GarbageNeverCrashes) {
  uint32_t x = 12345;
  for (int i = 0; i < 20000; ++i) {
    x = x * 1103515245 + 12345;
    const uint32_t ports[] = {0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1};
    const uint32_t port = ports[(x >> 8) % 6];
    if (x & 1) machine_->io().Write(port, 1, x >> 16); else machine_->io().Read(port, 1);
    machine_->irq().Set("test", (x >> 20) % 16, (x >> 4) & 1);
  }
  (void)pic_->PendingVector();
}

TEST_F(PicTest, PublishesInitialisationCommandsAndEoiNotes) {
  EventLog log;
  machine_->events().set_sink(&log);
  Init();
  machine_->io().Write(0x20, 1, 0x0b);  // OCW3: read ISR
  machine_->io().Write(0x20, 1, 0x20);  // non-specific EOI, nothing in service
  machine_->io().Write(0x20, 1, 0x61);  // specific EOI for irq 1, not in service
  machine_->irq().Set("test", 1, true);
  machine_->io().Write(0x20, 1, 0x61);  // irq 1 requested: the CPU may have taken it
  EXPECT_THAT(log.events,
              ::testing::ElementsAre("icw1 11", "icw1 111", "icw 208", "icw 10270", "icw 304",
                                     "icw 10302", "icw 401", "icw 10401", "imr 0", "imr 100",
                                     "ocw b", "eoi 20 nothing in service",
                                     "eoi 61 irq 1 not in service", "eoi 61"));
}

}  // namespace
}  // namespace portrace::devices
