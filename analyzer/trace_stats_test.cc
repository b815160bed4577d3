#include "analyzer/trace_stats.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/machine_builder.h"
#include "sim/replay.h"
#include "trace/event.h"

namespace portrace::analyzer {
namespace {

using ::testing::HasSubstr;

TEST(TraceStatsTest, CountsByDevicePortWidthAndDirection) {
  sim::MachineOptions options;
  options.name = "xen-trad";
  std::unique_ptr<sim::Machine> machine = *sim::BuildMachine(options);
  trace::EventBatch batch;
  trace::BatchBuilder b(&batch);
  b.PortRead(0x10, 2);
  b.PortRead(0x10, 2);
  b.PortWrite(0x12, 1, 'a');
  b.TimeAdvance(500);
  b.PortWrite(0xcf8, 4, 0x80000000);
  b.PortRead(0xcfc, 4);
  b.PortRead(0x3f8, 1);
  b.MmioWrite(0x1000, 4, 1);
  b.MemoryWrite(0x2000, 16, "abc");
  TraceStats stats;
  sim::Replayer replayer(machine.get());
  replayer.set_observer(&stats);
  replayer.RunBatch(batch);
  EXPECT_EQ(stats.events(), 9u);
  const auto& fixed = stats.devices().at("xen-fixed");
  EXPECT_EQ(fixed.ports.reads, 2u);
  EXPECT_EQ(fixed.ports.writes, 1u);
  EXPECT_EQ(fixed.by_port.at(0x10)[0][1], 2u);  // two word reads of 0x10
  EXPECT_EQ(stats.devices().at("unclaimed").ports.reads, 1u);
  EXPECT_EQ(stats.devices().at("ram").mmio.writes, 1u);
  EXPECT_EQ(stats.devices().at("ram").memory.bytes, 16u);
  const std::string text = stats.Format("t", "xen-trad");
  EXPECT_THAT(text, HasSubstr("t on xen-trad: 9 events, 1 time events, 0 markers"));
  EXPECT_THAT(text, HasSubstr("time span   0 ns .. 500 ns (500 ns)"));
  EXPECT_THAT(text, HasSubstr("0x0010 xen-fixed            inw x2"));
  EXPECT_THAT(text, HasSubstr("0x0012 xen-fixed            outb x1"));
  EXPECT_THAT(text, HasSubstr("accesses    4 reads (50.0%), 4 writes (50.0%)"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("frames injected")));
}

// Frames injected into the machine's NICs are counted per NIC (the xen-* RTL8139 is NIC 0).
TEST(TraceStatsTest, CountsInjectedFramesPerNic) {
  sim::MachineOptions options;
  options.name = "xen-trad";
  options.nics = {"model=ne2k_isa"};
  std::unique_ptr<sim::Machine> machine = *sim::BuildMachine(options);
  trace::EventBatch batch;
  trace::BatchBuilder b(&batch);
  b.NicReceive(0, std::string(60, 'a'));
  b.NicReceive(1, std::string(64, 'b'));
  b.NicReceive(1, std::string(100, 'c'));
  TraceStats stats;
  sim::Replayer replayer(machine.get());
  replayer.set_observer(&stats);
  replayer.RunBatch(batch);
  EXPECT_EQ(stats.devices().at("rtl8139").frames, 1u);
  EXPECT_EQ(stats.devices().at("ne2k_isa").frames, 2u);
  EXPECT_EQ(stats.devices().at("ne2k_isa").frame_bytes, 164u);
  EXPECT_THAT(stats.Format("t", "xen-trad"),
              HasSubstr("frames injected (nic_rx):\n  ne2k_isa             2 frames, 164 bytes\n"
                        "  rtl8139              1 frames, 60 bytes\n"));
}

}  // namespace
}  // namespace portrace::analyzer
