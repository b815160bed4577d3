#include "sim/replay.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "trace/event.h"

namespace portrace::sim {
namespace {

using ::testing::ElementsAre;
using trace::BatchBuilder;
using trace::EventBatch;

// A latch at one port: reads return the last byte written; writing 0xff publishes an event.
class Latch : public IoRegion {
 public:
  explicit Latch(DeviceEventBus* bus) : bus_(bus) {}
  uint64_t Read(uint64_t, unsigned) override { return value_; }
  void Write(uint64_t, unsigned, uint64_t value) override {
    value_ = value;
    if (value == 0xff) bus_->Publish(DeviceEvent{"latch", "saturated", value, ""});
  }

 private:
  DeviceEventBus* bus_;
  uint64_t value_ = 0;
};

class Recorder : public ReplayObserver {
 public:
  void OnEvent(const ReplayedEvent& e) override {
    std::string line =
        absl::StrFormat("#%u t=%u %s", e.index, e.t_ns, trace::EventKindName(e.event.kind));
    if (e.event.kind == trace::PORT_READ || e.event.kind == trace::MMIO_READ) {
      absl::StrAppendFormat(&line, " model=0x%x", e.model_value);
    }
    if (e.diverged) line += " DIVERGED";
    for (const IoAnomaly& a : e.anomalies) {
      absl::StrAppend(&line, " [", IoAnomalyKindName(a.kind), "]");
    }
    for (const DeviceEvent& d : e.device_events) {
      absl::StrAppend(&line, " {", d.device, ".", d.kind, "}");
    }
    lines.push_back(line);
  }
  std::vector<std::string> lines;
};

std::unique_ptr<Machine> PcWithLatch(std::unique_ptr<Latch>* latch) {
  MachineOptions options;
  options.name = "pc";
  std::unique_ptr<Machine> machine = *Machine::Create(options);
  *latch = std::make_unique<Latch>(&machine->events());
  PortMapping mapping;
  mapping.name = "latch";
  mapping.base = 0x80;
  mapping.length = 1;
  mapping.region = latch->get();
  EXPECT_TRUE(machine->io().Map(mapping).ok());
  return machine;
}

TEST(ReplayTest, ObserverSeesModelValuesDivergenceAnomaliesAndDeviceEvents) {
  std::unique_ptr<Latch> latch;
  std::unique_ptr<Machine> machine = PcWithLatch(&latch);
  EventBatch batch;
  BatchBuilder b(&batch);
  b.PortWrite(0x80, 1, 0x12);
  b.TimeAdvance(1000);
  b.PortReadRecorded(0x80, 1, 0x12);
  b.PortReadRecorded(0x80, 1, 0x13);
  b.PortWrite(0x80, 1, 0xff);
  b.PortRead(0x1234, 2);
  b.MemoryWrite(0x2000, 4, "\x01\x02");
  b.MmioReadRecorded(0x2000, 4, 0x0201);
  b.TimeSet(500);  // never backwards
  b.Marker("resume");
  Replayer replayer(machine.get());
  Recorder recorder;
  replayer.set_observer(&recorder);
  replayer.RunBatch(batch);
  EXPECT_THAT(
      recorder.lines,
      ElementsAre("#0 t=0 port-write", "#1 t=0 time-advance", "#2 t=1000 port-read model=0x12",
                  "#3 t=1000 port-read model=0x12 DIVERGED",
                  "#4 t=1000 port-write {latch.saturated}",
                  "#5 t=1000 port-read model=0xffff [unclaimed]", "#6 t=1000 memory-write",
                  "#7 t=1000 mmio-read model=0x201", "#8 t=1000 time-set", "#9 t=1000 marker"));
  const ReplaySummary& s = replayer.summary();
  EXPECT_EQ(s.events, 10u);
  EXPECT_EQ(s.port_reads, 3u);
  EXPECT_EQ(s.port_writes, 2u);
  EXPECT_EQ(s.mmio_reads, 1u);
  EXPECT_EQ(s.recorded_reads, 3u);
  EXPECT_EQ(s.divergent_reads, 1u);
  EXPECT_EQ(s.unclaimed, 1u);
  EXPECT_EQ(s.end_ns, 1000u);
  EXPECT_EQ(s.markers, 1u);
  EXPECT_EQ((s.device_events.at({"latch", "saturated"})), 1u);
}

TEST(ReplayTest, FastPathCountsTheSameWithoutAnObserver) {
  std::unique_ptr<Latch> latch;
  std::unique_ptr<Machine> machine = PcWithLatch(&latch);
  EventBatch batch;
  BatchBuilder b(&batch);
  for (int i = 0; i < 100; ++i) {
    b.PortWrite(0x80, 1, i);
    b.PortReadRecorded(0x80, 1, i % 10 == 0 ? 0x99 : i);
    b.PortRead(0x3f8, 1);
  }
  Replayer replayer(machine.get());
  replayer.RunBatch(batch);
  const ReplaySummary& s = replayer.summary();
  EXPECT_EQ(s.events, 300u);
  EXPECT_EQ(s.port_writes, 100u);
  EXPECT_EQ(s.port_reads, 200u);
  EXPECT_EQ(s.recorded_reads, 100u);
  EXPECT_EQ(s.divergent_reads, 10u);
  EXPECT_EQ(s.unclaimed, 100u);
}

TEST(ReplayTest, MemoryReadComparesRecordedBytes) {
  MachineOptions options;
  options.name = "xen-upstream";
  std::unique_ptr<Machine> machine = *Machine::Create(options);
  EventBatch batch;
  BatchBuilder b(&batch);
  b.MemoryFill(0x100, 4, 0x41);
  b.MemoryReadRecorded(0x100, "AAAA");
  b.MemoryReadRecorded(0x100, "AAAB");
  b.TimeAdvanceToDeadline();  // no timers: time stays
  Replayer replayer(machine.get());
  Recorder recorder;
  replayer.set_observer(&recorder);
  replayer.RunBatch(batch);
  EXPECT_THAT(recorder.lines, ElementsAre("#0 t=0 memory-fill", "#1 t=0 memory-read",
                                          "#2 t=0 memory-read DIVERGED", "#3 t=0 time-advance"));
}

}  // namespace
}  // namespace portrace::sim
