#include "sim/replay.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/machine_builder.h"
#include "trace/event.h"

namespace portrace::sim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
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

std::unique_ptr<Machine> Build(const std::string& name, std::vector<std::string> nics) {
  MachineOptions options;
  options.name = name;
  options.nics = std::move(nics);
  absl::StatusOr<std::unique_ptr<Machine>> machine = BuildMachine(options);
  EXPECT_TRUE(machine.ok()) << machine.status();
  return machine.ok() ? std::move(*machine) : nullptr;
}

// A broadcast frame of `length` bytes: ff..ff, the source 52:54:00:aa:bb:cc, then 0x00, 0x01, ...
std::string BroadcastFrame(size_t length) {
  std::string frame("\xff\xff\xff\xff\xff\xff\x52\x54\x00\xaa\xbb\xcc", 12);
  for (size_t i = frame.size(); i < length; ++i) frame.push_back(static_cast<char>(i));
  return frame;
}

// The NE2000 (ne2k_isa at 0x300, NIC 0 of a pc) set up by its driver: a ring at pages
// 0x46-0x80, BNRY 0x46, CURR 0x47, byte-wide DMA, broadcasts accepted, started.
void StartNe2kIsaReceiver(BatchBuilder& b) {
  b.PortWrite(0x300, 1, 0x21);  // stop, page 0
  b.PortWrite(0x30e, 1, 0x48);  // DCR: byte transfers
  b.PortWrite(0x301, 1, 0x46);  // PSTART
  b.PortWrite(0x302, 1, 0x80);  // PSTOP
  b.PortWrite(0x303, 1, 0x46);  // BNRY
  b.PortWrite(0x30c, 1, 0x04);  // RCR AB
  b.PortWrite(0x300, 1, 0x61);  // page 1
  b.PortWrite(0x307, 1, 0x47);  // CURR
  b.PortWrite(0x300, 1, 0x22);  // start, page 0
}

// An injected frame lands in the NE2000's ring; the guest's driver then reads it back through
// remote DMA, and every value it reads is the one the trace recorded.
TEST(ReplayNicTest, InjectedFrameIsReadBackFromTheNe2000Ring) {
  std::unique_ptr<Machine> machine = Build("pc", {"model=ne2k_isa"});
  const std::string frame = BroadcastFrame(64);
  EventBatch batch;
  BatchBuilder b(&batch);
  StartNe2kIsaReceiver(b);
  b.NicReceive(0, frame);
  b.PortReadRecorded(0x307, 1, 0x01);  // ISR PRX
  b.PortWrite(0x300, 1, 0x62);
  b.PortReadRecorded(0x307, 1, 0x48);  // CURR past the 72-byte packet: one page
  b.PortWrite(0x300, 1, 0x22);
  // Remote read of header + frame from page 0x47.
  b.PortWrite(0x30a, 1, 68);
  b.PortWrite(0x30b, 1, 0);
  b.PortWrite(0x308, 1, 0x00);
  b.PortWrite(0x309, 1, 0x47);
  b.PortWrite(0x300, 1, 0x0a);
  const std::string header = {0x21, 0x48, 68, 0};  // RSR RXOK | broadcast, next page, length
  for (char c : header + frame) b.PortReadRecorded(0x310, 1, static_cast<uint8_t>(c));
  Replayer replayer(machine.get());
  Recorder recorder;
  replayer.set_observer(&recorder);
  replayer.RunBatch(batch);
  ASSERT_TRUE(replayer.status().ok()) << replayer.status();
  const ReplaySummary& s = replayer.summary();
  EXPECT_EQ(s.recorded_reads, 2u + 68u);
  EXPECT_EQ(s.divergent_reads, 0u);
  EXPECT_EQ(s.frames_injected, 1u);
  EXPECT_EQ(s.frames_stored, 1u);
  EXPECT_EQ((s.device_events.at({"ne2k_isa", "rx-injected"})), 1u);
  EXPECT_EQ((s.device_events.at({"ne2k_isa", "rx"})), 1u);
  EXPECT_EQ(recorder.lines[9], "#9 t=0 nic-receive {ne2k_isa.rx} {ne2k_isa.rx-injected}");
  EXPECT_EQ(replayer.last_delivery().device, "ne2k_isa");
}

// The xen-* machines' own RTL8139 is NIC 0 and a --nic is NIC 1. The injected frame appears in
// the RTL8139's receive ring in guest memory (header, frame, CRC), as the guest reads it there.
TEST(ReplayNicTest, InjectedFrameAppearsInTheRtl8139RingInGuestMemory) {
  std::unique_ptr<Machine> machine = Build("xen-upstream", {"model=ne2k_isa"});
  ASSERT_EQ(machine->nics().size(), 2u);
  std::string frame("\x52\x54\x00\x12\x34\x56\x52\x54\x00\xaa\xbb\xcc\x08\x00", 14);
  frame.resize(100, '\x5a');
  EventBatch batch;
  BatchBuilder b(&batch);
  b.PortWrite(0xcf8, 4, 0x80002010);  // 00:04.0 BAR0
  b.PortWrite(0xcfc, 4, 0xc000);
  b.PortWrite(0xcf8, 4, 0x80002004);
  b.PortWrite(0xcfc, 2, 0x5);        // I/O and bus mastering
  b.PortWrite(0xc030, 4, 0x100000);  // RBSTART
  b.PortWrite(0xc044, 4, 0x0a);      // RCR APM | AB, 8 KiB ring
  b.PortWrite(0xc037, 1, 0x08);      // CR RE
  b.NicReceive(0, frame);
  b.PortReadRecorded(0xc03e, 2, 0x0001);  // ISR ROK
  b.MemoryReadRecorded(0x100004, frame);  // the frame after its 4-byte header
  b.NicReceive(1, frame);                 // the NE2000 has no ring yet: refused
  Replayer replayer(machine.get());
  replayer.RunBatch(batch);
  ASSERT_TRUE(replayer.status().ok()) << replayer.status();
  EXPECT_EQ(replayer.summary().divergent_reads, 0u);
  EXPECT_EQ(replayer.summary().recorded_reads, 2u);
  std::string header(4, '\0');
  machine->memory().ReadBytes(0x100000, header.data(), 4);
  EXPECT_EQ(header, std::string("\x01\x40\x68\x00", 4));  // ROK, PAM; length 100 + 4
  EXPECT_EQ(replayer.summary().frames_stored, 1u);
  EXPECT_EQ(replayer.summary().frames_refused, 1u);
  EXPECT_EQ((replayer.summary().device_events.at({"rtl8139", "rx-injected"})), 1u);
  EXPECT_EQ((replayer.summary().device_events.at({"ne2k_isa", "rx-refused"})), 1u);
}

// A frame the NIC cannot take is refused with its reason as the event's text.
TEST(ReplayNicTest, RefusedFramesCarryTheReason) {
  class Texts : public ReplayObserver {
   public:
    void OnEvent(const ReplayedEvent& e) override {
      for (const DeviceEvent& d : e.device_events) {
        if (d.kind.rfind("rx", 0) != 0) continue;  // receive events only
        lines.push_back(absl::StrFormat("%s %s %u %s", d.device, d.kind, d.value, d.text));
      }
    }
    std::vector<std::string> lines;
  };
  std::unique_ptr<Machine> machine = Build("pc", {"model=ne2k_isa", "model=rtl8139"});
  EventBatch batch;
  BatchBuilder b(&batch);
  b.NicReceive(0, BroadcastFrame(60));  // no ring programmed
  b.NicReceive(1, BroadcastFrame(60));  // receiver off
  StartNe2kIsaReceiver(b);
  b.PortWrite(0x300, 1, 0x21);  // stopped again
  b.NicReceive(0, BroadcastFrame(60));
  b.PortWrite(0x300, 1, 0x22);
  b.PortWrite(0x30c, 1, 0x00);  // broadcasts no longer accepted
  b.NicReceive(0, BroadcastFrame(60));
  Replayer replayer(machine.get());
  Texts texts;
  replayer.set_observer(&texts);
  replayer.RunBatch(batch);
  ASSERT_TRUE(replayer.status().ok()) << replayer.status();
  EXPECT_THAT(texts.lines,
              ElementsAre("ne2k_isa rx-refused 60 no receive ring (PSTOP not above PSTART)",
                          "rtl8139 rx-refused 60 receiver off (CR RE clear)",
                          "ne2k_isa rx-refused 60 stopped (CR STP set)", "ne2k_isa rx-filtered 60 ",
                          "ne2k_isa rx-injected 60 filtered"));
  EXPECT_EQ(replayer.summary().frames_injected, 4u);
  EXPECT_EQ(replayer.summary().frames_refused, 3u);
  EXPECT_EQ(replayer.summary().frames_filtered, 1u);
}

// A frame for a NIC the machine does not have stops the replay with the event's index; nothing
// after it runs, and later batches are not replayed either.
TEST(ReplayNicTest, AbsentNicIsAnErrorNamingTheEvent) {
  std::unique_ptr<Machine> machine = Build("pc", {"model=ne2k_isa"});
  EventBatch batch;
  BatchBuilder b(&batch);
  b.PortWrite(0x80, 1, 1);
  b.NicReceive(0, BroadcastFrame(60));
  b.NicReceive(3, BroadcastFrame(60));
  b.PortWrite(0x80, 1, 2);
  Replayer replayer(machine.get());
  replayer.RunBatch(batch);
  EXPECT_EQ(replayer.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(replayer.status().message(),
            "event 2 (nic-receive): the machine has no NIC 3 (it has 1: #0 ne2k_isa); NIC "
            "indices count the machine's own NIC first, then each --nic in order");
  EXPECT_EQ(replayer.summary().events, 2u);
  replayer.RunBatch(batch);
  EXPECT_EQ(replayer.summary().events, 2u);

  std::unique_ptr<Machine> bare = Build("pc", {});
  Replayer bare_replayer(bare.get());
  bare_replayer.RunBatch(batch);
  EXPECT_THAT(bare_replayer.status().message(), HasSubstr("event 1 (nic-receive): the machine "
                                                          "has no NIC 0 (it has none)"));
}

}  // namespace
}  // namespace portrace::sim
