#include "devices/nic/rtl8139.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/machine.h"
#include "sim/machine_builder.h"

namespace portrace::devices {
namespace {

constexpr uint32_t kIo = 0xc000;

class EventLog : public sim::DeviceEventSink {
 public:
  void OnDeviceEvent(const sim::DeviceEvent& event) override { events.push_back(event); }
  std::vector<sim::DeviceEvent> events;
};

// `-M pc -nic model=rtl8139`: the NIC at 00:02.0, BAR0 programmed to 0xc000, I/O and bus
// mastering on, PIRQB (the slot's INTA) routed to IRQ 11.
class Rtl8139Test : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::MachineOptions options;
    options.name = "pc";
    options.nics = {"user,model=rtl8139"};
    absl::StatusOr<std::unique_ptr<sim::Machine>> built = sim::BuildMachine(options);
    ASSERT_TRUE(built.ok()) << built.status();
    m_ = std::move(*built);
    m_->events().set_sink(&log_);
    io().Write(0xcf8, 4, 0x80000861);
    io().Write(0xcfd, 1, 11);
    io().Write(0xcf8, 4, 0x80001010);
    io().Write(0xcfc, 4, kIo);
    io().Write(0xcf8, 4, 0x80001004);
    io().Write(0xcfc, 2, 7);
  }
  sim::IoSpace& io() { return m_->io(); }
  uint64_t In(uint32_t reg, unsigned width) { return io().Read(kIo + reg, width); }
  void Out(uint32_t reg, unsigned width, uint64_t value) { io().Write(kIo + reg, width, value); }
  uint16_t EepromWord(int address) {
    auto wire = [this](int bits) { Out(0x50, 1, 0x80 | bits); };
    wire(0);
    wire(0x08);
    const int bits = 0x180 | address;  // start bit, READ, address
    for (int b = 8; b >= 0; --b) {
      const int di = (bits >> b) & 1 ? 0x02 : 0;
      wire(0x08 | di);
      wire(0x0c | di);
    }
    uint16_t word = 0;
    for (int i = 0; i < 16; ++i) {
      wire(0x08);
      wire(0x0c);
      word = static_cast<uint16_t>(word << 1 | (In(0x50, 1) & 1));
    }
    wire(0);
    return word;
  }
  std::string Ram(uint64_t address, size_t length) {
    std::string out(length, '\0');
    m_->memory().ReadBytes(address, out.data(), length);
    return out;
  }

  std::unique_ptr<sim::Machine> m_;
  EventLog log_;
};

// QEMU 7.2 `-M pc -nodefaults -nic none -device rtl8139,addr=04.0` (moved here from the
// placeholder the device replaced), with the 256 KiB ROM register of its default romfile; on the
// xen-* machines the same function sits at 00:04.0.
TEST(Rtl8139PciTest, IdentityMatchesQemu) {
  const struct {
    unsigned offset;
    uint32_t value;
    uint32_t after_all_ones;
  } cases[] = {
      {0x00, 0x813910ec, 0x813910ec}, {0x08, 0x02000020, 0x02000020},
      {0x0c, 0x00000000, 0x000000ff}, {0x10, 0x00000001, 0xffffff01},
      {0x14, 0x00000000, 0xffffff00}, {0x18, 0x00000000, 0x00000000},
      {0x2c, 0x11001af4, 0x11001af4}, {0x30, 0x00000000, 0xfffc0001},
      {0x34, 0x000000dc, 0x000000dc}, {0x3c, 0x00000100, 0x000001ff},
      {0x04, 0x00000000, 0x00000507},
  };
  for (const char* machine : {"pc", "xen-trad"}) {
    sim::MachineOptions options;
    options.name = machine;
    if (options.name == "pc") options.nics = {"model=rtl8139"};
    absl::StatusOr<std::unique_ptr<sim::Machine>> built = sim::BuildMachine(options);
    ASSERT_TRUE(built.ok()) << built.status();
    sim::IoSpace& io = (*built)->io();
    const uint32_t base = options.name == "pc" ? 0x80001000 : 0x80002000;
    for (const auto& c : cases) {
      io.Write(0xcf8, 4, base + c.offset);
      EXPECT_EQ(io.Read(0xcfc, 4), c.value) << machine << " " << std::hex << c.offset;
    }
    for (const auto& c : cases) {
      io.Write(0xcf8, 4, base + c.offset);
      io.Write(0xcfc, 4, 0xffffffff);
      EXPECT_EQ(io.Read(0xcfc, 4), c.after_all_ones) << machine << " " << std::hex << c.offset;
    }
  }
}

TEST_F(Rtl8139Test, ResetValuesByWidthAsQemu) {
  const struct {
    uint32_t reg;
    unsigned width;
    uint32_t want;
  } cases[] = {
      {0x00, 4, 0x12005452}, {0x04, 2, 0x5634}, {0x06, 1, 0x00},   {0x10, 4, 0x2000},
      {0x11, 1, 0x20},       {0x37, 1, 0x11},   {0x38, 2, 0xfff0}, {0x38, 4, 0x0},
      {0x40, 4, 0x74800000}, {0x42, 2, 0x7400}, {0x43, 1, 0x74},   {0x52, 1, 0x0c},
      {0x58, 2, 0x01d0},     {0x5b, 1, 0x01},   {0x5e, 1, 0x20},   {0x60, 2, 0x000f},
      {0x62, 2, 0x1000},     {0x64, 2, 0x782d}, {0x66, 2, 0x05e1}, {0x6a, 2, 0x0001},
      {0x74, 2, 0x0340},     {0x3c, 1, 0x00},   {0x62, 1, 0x00},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(In(c.reg, c.width), c.want) << std::hex << c.reg << " width " << c.width;
  }
}

TEST_F(Rtl8139Test, EepromHoldsQemuContents) {
  EXPECT_EQ(EepromWord(0), 0x8129);
  EXPECT_EQ(EepromWord(1), 0x10ec);
  EXPECT_EQ(EepromWord(2), 0x8139);
  EXPECT_EQ(EepromWord(7), 0x5452);
  EXPECT_EQ(EepromWord(8), 0x1200);
  EXPECT_EQ(EepromWord(9), 0x5634);
  EXPECT_EQ(EepromWord(10), 0x0000);
}

TEST_F(Rtl8139Test, MaskedWrites) {
  const struct {
    uint32_t reg;
    unsigned width;
    uint32_t value;
    uint32_t want;
  } cases[] = {
      {0x3c, 2, 0xffff, 0xe1ff},      // IMR: bits 9-12 read-only
      {0x44, 4, 0xffffffff, 0x0f03ffbf},  // RCR
      {0x40, 4, 0xffffffff, 0x74800000},  // TCR: transmitter off, ignored
      {0x62, 2, 0xffff, 0x1200},      // BMCR: bit 9 only
      {0x64, 2, 0xffff, 0x78ed},      // BMSR: bits 6-7
      {0x51, 1, 0xff, 0x00},          // CONFIG0: locked
      {0xd8, 1, 0xff, 0x7f},          // CONFIG5: not locked
      {0x50, 1, 0xff, 0xce},          // 9346CR
      {0x10, 4, 0xffffffff, 0x003f3fff},  // TSD: OWN stays set, no transmit
      {0x14, 2, 0x0000, 0x2000},      // TSD word writes dropped
      {0xe0, 2, 0xffff, 0x007b},      // CpCmd
  };
  for (const auto& c : cases) {
    Out(c.reg, c.width, c.value);
    EXPECT_EQ(In(c.reg, c.width), c.want) << std::hex << c.reg;
  }
}

TEST_F(Rtl8139Test, LoopbackTransmitReceivesIntoRing) {
  Out(0x37, 1, 0x0c);
  Out(0x30, 4, 0x100000);
  Out(0x44, 4, 0x0f);
  Out(0x40, 4, 0x60000);
  Out(0x3c, 2, 0xffff);
  const std::string frame = std::string("\x52\x54\x00\x12\x34\x56\x52\x54\x00\x12\x34\x99\x88\xb5", 14);
  m_->memory().WriteBytes(0x200000, frame);
  Out(0x20, 4, 0x200000);
  Out(0x10, 4, frame.size());
  EXPECT_EQ(In(0x10, 4), 0xa000u | frame.size());
  EXPECT_EQ(In(0x3e, 2), 0x0005u);
  EXPECT_EQ(In(0x3a, 2), 0x44u);  // 4 + 60 + 4
  EXPECT_EQ(In(0x60, 2), 0x100fu);
  EXPECT_EQ(Ram(0x100000, 4), std::string("\x01\x00\x40\x00", 4));  // AAP: no flag
  EXPECT_EQ(Ram(0x100004, 14), frame);
  EXPECT_TRUE(m_->irq().level(11));
  Out(0x3e, 2, 0xffff);
  EXPECT_FALSE(m_->irq().level(11));
  ASSERT_FALSE(log_.events.empty());
}

TEST_F(Rtl8139Test, TransmitPublishesFrameFromCurrentDescriptorOnly) {
  Out(0x37, 1, 0x04);
  m_->memory().WriteBytes(0x3000, std::string("\xaa\xbb\xcc", 3));
  Out(0x24, 4, 0x3000);
  Out(0x14, 4, 3);  // descriptor 1 while 0 is current: nothing
  EXPECT_EQ(In(0x14, 4), 3u);
  Out(0x20, 4, 0x3000);
  Out(0x10, 4, 3);
  EXPECT_EQ(In(0x10, 4), 0xa003u);
  int tx = 0;
  for (const sim::DeviceEvent& e : log_.events) {
    if (e.kind == "tx") {
      ++tx;
      EXPECT_EQ(e.text, "aabbcc");
    }
  }
  EXPECT_EQ(tx, 1);
}

// "rx-enable" (value RBSTART) when CR turns RE on, not while it stays on; "tx-no-bus-master"
// before a transmit that runs with PCI command bit 2 clear.
TEST_F(Rtl8139Test, RxEnableAndTxNoBusMasterEvents) {
  Out(0x37, 1, 0x08);
  Out(0x30, 4, 0x100000);
  Out(0x37, 1, 0x0c);
  Out(0x37, 1, 0x00);
  Out(0x37, 1, 0x0c);
  io().Write(0xcf8, 4, 0x80001004);
  io().Write(0xcfc, 2, 1);
  Out(0x20, 4, 0x3000);
  Out(0x10, 4, 64);
  std::vector<std::pair<std::string, uint64_t>> got;
  for (const sim::DeviceEvent& e : log_.events) {
    if (e.kind == "rx-enable" || e.kind == "tx-no-bus-master") got.emplace_back(e.kind, e.value);
  }
  EXPECT_EQ(got, (std::vector<std::pair<std::string, uint64_t>>{
                     {"rx-enable", 0}, {"rx-enable", 0x100000}, {"tx-no-bus-master", 64}}));
}

// "tsd-pending" for a TSD write over a queued frame (OWN clear), not over a sent one (OWN set).
TEST_F(Rtl8139Test, TsdPendingEvent) {
  Out(0x37, 1, 0x04);
  Out(0x14, 4, 0x40);  // TSD1 while TSD0 is current: queued
  Out(0x14, 4, 0x50);  // over the queued frame
  Out(0x10, 4, 0x40);  // TSD0 sends
  Out(0x10, 4, 0x40);  // TSD0 again: OWN was set by the send; queued TSD1 goes out, TSD0 waits
  Out(0x10, 4, 0x40);  // over the queued TSD0
  std::vector<uint64_t> got;
  for (const sim::DeviceEvent& e : log_.events) {
    if (e.kind == "tsd-pending") got.push_back(e.value);
  }
  EXPECT_EQ(got, (std::vector<uint64_t>{0x10040, 0x00040}));
}

TEST_F(Rtl8139Test, ReceiveOverflowAndFilter) {
  Rtl8139* nic = nullptr;
  for (const auto& d : m_->devices()) {
    if (auto* r = dynamic_cast<Rtl8139*>(d.get())) nic = r;
  }
  ASSERT_NE(nic, nullptr);
  std::vector<uint8_t> frame = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
  frame.resize(1500, 0x11);
  EXPECT_FALSE(nic->Receive(frame));  // receiver off
  Out(0x37, 1, 0x08);
  Out(0x30, 4, 0x100000);
  Out(0x44, 4, 0x02);  // APM, 8 KiB ring
  int taken = 0;
  while (taken < 20 && nic->Receive(frame)) ++taken;
  EXPECT_EQ(taken, 5);  // 5 x 1512 bytes fit before CAPR
  EXPECT_EQ(In(0x3e, 2) & 0x10, 0x10u);
  EXPECT_EQ(In(0x4c, 4), 1u);
  frame[5] = 0x57;  // another station: taken and dropped
  Out(0x38, 2, In(0x3a, 2) - 0x10);  // consume everything
  EXPECT_EQ(In(0x37, 1) & 1, 1u);
  EXPECT_TRUE(nic->Receive(frame));
  EXPECT_EQ(In(0x37, 1) & 1, 1u);
}

// ReceiveFrame's reasons for refusing, in the order the RTL8139 checks them.
TEST_F(Rtl8139Test, ReceiveFrameRefusalReasons) {
  Rtl8139* nic = nullptr;
  for (const auto& d : m_->devices()) {
    if (auto* r = dynamic_cast<Rtl8139*>(d.get())) nic = r;
  }
  ASSERT_NE(nic, nullptr);
  std::vector<uint8_t> frame = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
  frame.resize(1500, 0x22);
  using Outcome = sim::RxResult::Outcome;
  EXPECT_EQ(nic->ReceiveFrame(frame).reason, "receiver off (CR RE clear)");
  EXPECT_EQ(nic->ReceiveFrame(std::vector<uint8_t>(Rtl8139::kMaxFrame + 1, 0)).reason,
            "frame longer than 65531 bytes");
  Out(0x30, 4, 0x100000);
  Out(0x37, 1, 0x08);
  Out(0x44, 4, 0x02);  // APM, 8 KiB ring
  Out(0x5b, 1, 'H');   // HltClk: clock stopped
  EXPECT_EQ(nic->ReceiveFrame(frame).reason, "clock stopped (HltClk)");
  Out(0x5b, 1, 'R');
  EXPECT_EQ(nic->ReceiveFrame(frame).outcome, Outcome::kStored);
  std::vector<uint8_t> other = frame;
  other[5] = 0x57;
  EXPECT_EQ(nic->ReceiveFrame(other).outcome, Outcome::kFiltered);
  sim::RxResult result;
  while ((result = nic->ReceiveFrame(frame)).outcome == Outcome::kStored) {
  }
  EXPECT_EQ(result.reason, "receive ring full (ISR RxOverflow)");
  EXPECT_EQ(nic->ReceiveFrame(frame).reason,
            "receive disabled after a ring overflow (until CAPR is written)");
  Out(0x38, 2, In(0x3a, 2) - 0x10);  // the driver consumes the ring
  EXPECT_EQ(nic->ReceiveFrame(frame).outcome, Outcome::kStored);
  // The Xen platform device's unplug (here: the PCI function removed) ends reception.
  ASSERT_TRUE(sim::PciBusOf(*m_)->Remove(nic->devfn()).ok());
  EXPECT_EQ(nic->ReceiveFrame(frame).reason, "unplugged");
  EXPECT_FALSE(nic->Receive(frame));
}

TEST_F(Rtl8139Test, TimerCountsVirtualTimeAndInterrupts) {
  Out(0x48, 4, 0);
  m_->clock().Advance(1000000);  // 1 ms = 33000 ticks
  EXPECT_EQ(In(0x48, 4), 33000u);
  Out(0x54, 4, 66000);
  m_->clock().Advance(999999);
  EXPECT_EQ(In(0x3e, 2) & 0x4000, 0u);
  m_->clock().Advance(1);
  EXPECT_EQ(In(0x3e, 2) & 0x4000, 0x4000u);
}

// Hostile sequences: random widths, offsets and values on both BARs' region plus frames; must
// stay in bounds (ASan), bounded and terminate.
TEST_F(Rtl8139Test, GarbageSequence) {
  Rtl8139* nic = nullptr;
  for (const auto& d : m_->devices()) {
    if (auto* r = dynamic_cast<Rtl8139*>(d.get())) nic = r;
  }
  ASSERT_NE(nic, nullptr);
  uint32_t x = 777;
  auto next = [&x] {
    x = x * 1103515245u + 12345u;
    return x >> 4;
  };
  const unsigned widths[] = {1, 2, 4};
  for (int i = 0; i < 100000; ++i) {
    const unsigned width = widths[next() % 3];
    const uint32_t reg = (next() % 256) & ~(width - 1);
    uint32_t value = next();
    if (reg == 0x37 && (value & 0x10) == 0) value |= next() & 0x0c;
    if (next() & 1) {
      Out(reg, width, value);
    } else {
      In(reg, width);
    }
    if (i % 501 == 0) nic->Receive(std::vector<uint8_t>(next() % 20000, static_cast<uint8_t>(i)));
  }
  EXPECT_FALSE(nic->Receive(std::vector<uint8_t>(Rtl8139::kMaxFrame + 1, 0)));
}

}  // namespace
}  // namespace portrace::devices
