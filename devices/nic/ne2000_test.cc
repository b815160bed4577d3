#include "devices/nic/ne2000.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/device_event.h"

namespace portrace::devices {
namespace {

constexpr std::array<uint8_t, 6> kMac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

class EventLog : public sim::DeviceEventSink {
 public:
  void OnDeviceEvent(const sim::DeviceEvent& event) override { events.push_back(event); }
  std::vector<sim::DeviceEvent> events;
};

// A core on a bus with an event log and the IRQ level, driven through its ports.
class Ne2000Test : public ::testing::Test {
 protected:
  Ne2000Test() : core_("ne2k", kMac, &bus_, [this](bool level) { irq_ = level; }) {
    bus_.set_sink(&log_);
  }
  uint8_t In(unsigned reg) { return static_cast<uint8_t>(core_.Read(reg, 1)); }
  void Out(unsigned reg, uint8_t value) { core_.Write(reg, 1, value); }
  void RemoteDma(uint16_t addr, uint16_t count, uint8_t cmd) {
    Out(0x0a, count & 0xff);
    Out(0x0b, count >> 8);
    Out(0x08, addr & 0xff);
    Out(0x09, addr >> 8);
    Out(0x00, cmd);
  }
  void WriteBytes(uint16_t addr, const std::vector<uint8_t>& bytes) {
    RemoteDma(addr, static_cast<uint16_t>(bytes.size()), 0x12);
    for (uint8_t b : bytes) core_.Write(0x10, 1, b);
  }
  std::vector<uint8_t> ReadBytes(uint16_t addr, uint16_t count) {
    RemoteDma(addr, count, 0x0a);
    std::vector<uint8_t> out;
    for (int i = 0; i < count; ++i) out.push_back(static_cast<uint8_t>(core_.Read(0x10, 1)));
    return out;
  }
  // Ring at pages 0x46-0x80, BNRY 0x46, CURR 0x47, started, RCR as given.
  void StartRing(uint8_t rcr) {
    Out(0x00, 0x21);
    Out(0x0e, 0x48);
    Out(0x01, 0x46);
    Out(0x02, 0x80);
    Out(0x03, 0x46);
    Out(0x0c, rcr);
    Out(0x00, 0x61);
    Out(0x07, 0x47);
    Out(0x00, 0x22);
  }

  sim::DeviceEventBus bus_;
  EventLog log_;
  bool irq_ = false;
  Ne2000Core core_;
};

TEST_F(Ne2000Test, PromAsQemuBuildsIt) {
  std::vector<uint8_t> want = {0x52, 0x52, 0x54, 0x54, 0x00, 0x00, 0x12, 0x12,
                               0x34, 0x34, 0x56, 0x56};
  want.resize(28, 0);
  want.insert(want.end(), {0x57, 0x57, 0x57, 0x57});
  Out(0x0e, 0x48);
  EXPECT_EQ(ReadBytes(0, 32), want);
  // A second reset doubles bytes 6-13 of the current PROM (the doubled MAC tail).
  EXPECT_EQ(core_.Read(0x1f, 1), 0u);
  const std::vector<uint8_t> again = ReadBytes(12, 16);
  EXPECT_EQ(again, (std::vector<uint8_t>{0x12, 0x12, 0x12, 0x12, 0x34, 0x34, 0x34, 0x34, 0x56,
                                         0x56, 0x56, 0x56, 0x00, 0x00, 0x00, 0x00}));
}

// "start" (the ring) on the stopped-to-started CR write only; "data-idle" for data-port
// accesses while RBCR is 0 (before any remote DMA and past the end of one).
TEST_F(Ne2000Test, StartAndDataIdleEvents) {
  StartRing(0x04);
  Out(0x00, 0x22);  // already running: no event
  core_.Read(0x10, 1);
  WriteBytes(0x4000, {1, 2});
  core_.Write(0x10, 2, 0x0303);
  std::vector<std::string> got;
  for (const sim::DeviceEvent& e : log_.events) {
    if (e.kind == "start" || e.kind == "data-idle") {
      got.push_back(absl::StrCat(e.kind, " ", absl::Hex(e.value), " ", e.text));
    }
  }
  EXPECT_EQ(got, (std::vector<std::string>{"start 46804647 ", "data-idle 1 read",
                                           "data-idle 2 write"}));
}

TEST_F(Ne2000Test, RegisterReadsPerPage) {
  const struct {
    uint8_t cr;
    unsigned reg;
    uint8_t want;
  } cases[] = {
      {0x21, 0x07, 0x80},  // ISR RST after reset
      {0x21, 0x0a, 0x50},  // RTL8029 id
      {0x21, 0x0b, 0x43},
      {0x21, 0x0f, 0x00},  // IMR is write-only
      {0xe1, 0x03, 0x00},  // CONFIG0
      {0xe1, 0x05, 0x40},  // CONFIG2
      {0xe1, 0x06, 0x40},  // CONFIG3
      {0xe1, 0x00, 0xe1},  // CR on every page
  };
  for (const auto& c : cases) {
    Out(0x00, c.cr);
    EXPECT_EQ(In(c.reg), c.want) << "CR " << int{c.cr} << " reg " << c.reg;
  }
}

TEST_F(Ne2000Test, RemoteDmaRoundTripAndRdc) {
  Out(0x0e, 0x48);
  Out(0x07, 0xff);
  WriteBytes(0x4000, {1, 2, 3, 4});
  EXPECT_EQ(In(0x07) & 0x40, 0x40);
  EXPECT_EQ(ReadBytes(0x4000, 4), (std::vector<uint8_t>{1, 2, 3, 4}));
  // Word mode: a word transfer reads the even address.
  Out(0x0e, 0x49);
  RemoteDma(0x4001, 2, 0x0a);
  EXPECT_EQ(core_.Read(0x10, 2), 0x0201u);
}

TEST_F(Ne2000Test, TransmitPublishesFrameAndRaisesIrq) {
  Out(0x0e, 0x48);
  Out(0x0f, 0x02);  // IMR PTX
  WriteBytes(0x4000, {0xde, 0xad, 0xbe, 0xef});
  Out(0x07, 0xff);
  EXPECT_FALSE(irq_);
  Out(0x04, 0x40);
  Out(0x05, 4);
  Out(0x06, 0);
  Out(0x00, 0x26);
  EXPECT_EQ(In(0x00), 0x22);
  EXPECT_EQ(In(0x04), 0x01);
  EXPECT_EQ(In(0x07), 0x02);
  EXPECT_TRUE(irq_);
  ASSERT_FALSE(log_.events.empty());
  EXPECT_EQ(log_.events.back().kind, "tx");
  EXPECT_EQ(log_.events.back().value, 4u);
  EXPECT_EQ(log_.events.back().text, "deadbeef");
  Out(0x07, 0x02);
  EXPECT_FALSE(irq_);
}

TEST_F(Ne2000Test, ReceiveWritesHeaderAndAdvancesCurr) {
  StartRing(0x00);
  std::vector<uint8_t> frame(kMac.begin(), kMac.end());
  frame.resize(100, 0xab);
  ASSERT_TRUE(core_.Receive(frame));
  EXPECT_EQ(In(0x07) & 0x01, 0x01);
  // Header: RSR RXOK, next page 0x48, length 104.
  EXPECT_EQ(ReadBytes(0x4700, 6), (std::vector<uint8_t>{0x01, 0x48, 104, 0, 0x52, 0x54}));
  Out(0x00, 0x62);
  EXPECT_EQ(In(0x07), 0x48);
}

// A frame that runs past PSTOP continues at PSTART; CURR wraps the same way.
TEST_F(Ne2000Test, ReceiveWrapsAtPstop) {
  const struct {
    uint8_t curr;
    uint8_t want_next;
  } cases[] = {{0x7f, 0x49}, {0x7e, 0x48}, {0x50, 0x54}};  // 1008 bytes: 4 pages
  for (const auto& c : cases) {
    Ne2000Core core("ne2k", kMac, nullptr, nullptr);
    auto out = [&core](unsigned reg, uint8_t v) { core.Write(reg, 1, v); };
    out(0x00, 0x21);
    out(0x0e, 0x48);
    out(0x01, 0x46);
    out(0x02, 0x80);
    out(0x03, c.curr);  // BNRY = CURR: the ring is empty
    out(0x0c, 0x10);
    out(0x00, 0x61);
    out(0x07, c.curr);
    out(0x00, 0x22);
    std::vector<uint8_t> frame(1000);
    for (size_t i = 0; i < frame.size(); ++i) frame[i] = static_cast<uint8_t>(i);
    ASSERT_TRUE(core.Receive(frame));
    out(0x00, 0x62);
    EXPECT_EQ(core.Read(0x07, 1), c.want_next) << int{c.curr};
    // Read the frame back through remote DMA, wrapping at PSTOP like a driver does.
    out(0x00, 0x22);
    const uint32_t start = uint32_t{c.curr} << 8;
    out(0x0a, 0xe8);
    out(0x0b, 0x03);  // 1000 bytes + header
    out(0x08, start & 0xff);
    out(0x09, start >> 8);
    out(0x00, 0x0a);
    std::vector<uint8_t> got;
    for (int i = 0; i < 1004; ++i) got.push_back(static_cast<uint8_t>(core.Read(0x10, 1)));
    EXPECT_EQ(got[1], c.want_next);
    EXPECT_EQ(got[2] | got[3] << 8, 1004);
    EXPECT_EQ(std::vector<uint8_t>(got.begin() + 4, got.end()), frame) << int{c.curr};
  }
}

TEST_F(Ne2000Test, ReceiveFilterAndRefusal) {
  const struct {
    uint8_t rcr;
    std::vector<uint8_t> dst;
    bool stored;
  } cases[] = {
      {0x00, {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}, true},   // own address
      {0x00, {0x52, 0x54, 0x00, 0x12, 0x34, 0x57}, false},  // another station
      {0x10, {0x52, 0x54, 0x00, 0x12, 0x34, 0x57}, true},   // promiscuous
      {0x00, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, false},  // broadcast without AB
      {0x04, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, true},
      {0x08, {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}, false},  // multicast, MAR all zero
  };
  for (const auto& c : cases) {
    Ne2000Core core("ne2k", kMac, nullptr, nullptr);
    core.Write(0x00, 1, 0x21);
    core.Write(0x01, 1, 0x46);
    core.Write(0x02, 1, 0x80);
    core.Write(0x03, 1, 0x46);
    core.Write(0x0c, 1, c.rcr);
    core.Write(0x00, 1, 0x61);
    core.Write(0x07, 1, 0x47);
    core.Write(0x00, 1, 0x22);
    EXPECT_TRUE(core.Receive(c.dst));
    core.Write(0x00, 1, 0x62);
    EXPECT_EQ(core.Read(0x07, 1) == 0x48, c.stored) << "rcr " << int{c.rcr};
  }
  // Stopped: refused.
  Ne2000Core stopped("ne2k", kMac, nullptr, nullptr);
  stopped.Write(0x00, 1, 0x21);
  EXPECT_FALSE(stopped.Receive(std::vector<uint8_t>(60, 0xff)));
}

// What ReceiveFrame says to each kind of frame, and the events the core publishes.
TEST(Ne2000ReceiveTest, ReceiveFrameOutcomesAndReasons) {
  using Outcome = sim::RxResult::Outcome;
  // Ring at pages 0x46-0x80, BNRY 0x46, CURR 0x47, started, RCR as given.
  const auto start_ring = [](Ne2000Core& core, uint8_t rcr) {
    const uint8_t writes[][2] = {{0x00, 0x21}, {0x0e, 0x48}, {0x01, 0x46},
                                 {0x02, 0x80}, {0x03, 0x46}, {0x0c, rcr},
                                 {0x00, 0x61}, {0x07, 0x47}, {0x00, 0x22}};
    for (const auto& w : writes) core.Write(w[0], 1, w[1]);
  };
  std::vector<uint8_t> own(kMac.begin(), kMac.end());
  own.resize(60, 0);
  std::vector<uint8_t> other = own;
  other[5] = 0x57;
  const struct {
    const char* name;
    std::function<void(Ne2000Core&)> setup;
    std::vector<uint8_t> frame;
    Outcome outcome;
    std::string reason;
    std::string event;  // the core's event, "" for none
  } cases[] = {
      {"power-on: no ring", [](Ne2000Core&) {}, own, Outcome::kRefused,
       "no receive ring (PSTOP not above PSTART)", ""},
      {"stopped", [](Ne2000Core& core) { core.Write(0x00, 1, 0x21); }, own, Outcome::kRefused,
       "stopped (CR STP set)", ""},
      {"stored", [&](Ne2000Core& core) { start_ring(core, 0x00); }, own, Outcome::kStored, "",
       "rx"},
      {"filtered", [&](Ne2000Core& core) { start_ring(core, 0x00); }, other, Outcome::kFiltered, "",
       "rx-filtered"},
      {"too long", [&](Ne2000Core& core) { start_ring(core, 0x10); },
       std::vector<uint8_t>(Ne2000Core::kMaxFrame + 1, 0), Outcome::kRefused,
       "frame longer than 65531 bytes", ""},
      {"ring full",
       [&](Ne2000Core& core) {
         start_ring(core, 0x10);
         core.Write(0x00, 1, 0x21);
         core.Write(0x03, 1, 0x4a);  // BNRY three pages past CURR 0x47: 768 bytes free
         core.Write(0x00, 1, 0x22);
       },
       own, Outcome::kRefused, "receive ring full (less than 1518 bytes from CURR to BNRY)",
       "rx-overflow"},
  };
  for (const auto& c : cases) {
    sim::DeviceEventBus bus;
    EventLog log;
    Ne2000Core core("ne2k", kMac, &bus, nullptr);
    c.setup(core);
    bus.set_sink(&log);  // the events of the frame only
    const sim::RxResult result = core.ReceiveFrame(c.frame);
    EXPECT_EQ(result.outcome, c.outcome) << c.name;
    EXPECT_EQ(result.reason, c.reason) << c.name;
    EXPECT_EQ(result.taken(), c.outcome != Outcome::kRefused) << c.name;
    EXPECT_EQ(core.Receive(c.frame), result.taken()) << c.name;
    if (c.event.empty()) {
      EXPECT_TRUE(log.events.empty()) << c.name;
    } else {
      ASSERT_FALSE(log.events.empty()) << c.name;
      EXPECT_EQ(log.events[0].kind, c.event) << c.name;
      EXPECT_EQ(log.events[0].value, c.frame.size()) << c.name;
    }
  }
}

TEST_F(Ne2000Test, RingFillsThenRefusesAndWraps) {
  StartRing(0x10);
  int taken = 0;
  for (int i = 0; i < 100 && core_.Receive(std::vector<uint8_t>(1500, i)); ++i) ++taken;
  // 0x3a pages, 6 pages a frame; refused once less than 1518 bytes are free.
  EXPECT_GT(taken, 5);
  EXPECT_LT(taken, 10);
  Out(0x00, 0x62);
  const uint8_t curr = In(0x07);
  EXPECT_GE(curr, 0x46);
  EXPECT_LT(curr, 0x80);
}

// Hostile sequences: any register value, width and offset; must stay in bounds (ASan) and end.
TEST_F(Ne2000Test, GarbageSequenceStaysInBounds) {
  uint32_t x = 12345;
  auto next = [&x] {
    x = x * 1103515245u + 12345u;
    return x >> 8;
  };
  const unsigned widths[] = {1, 2, 4};
  for (int i = 0; i < 200000; ++i) {
    const unsigned offset = next() % 0x22;
    const unsigned width = widths[next() % 3];
    if (next() & 1) {
      core_.Write(offset, width, next());
    } else {
      core_.Read(offset, width);
    }
    if (i % 997 == 0) {
      std::vector<uint8_t> frame(next() % 3000, static_cast<uint8_t>(i));
      core_.Receive(frame);
    }
  }
  EXPECT_FALSE(core_.Receive(std::vector<uint8_t>(Ne2000Core::kMaxFrame + 1, 0)));
}

}  // namespace
}  // namespace portrace::devices
