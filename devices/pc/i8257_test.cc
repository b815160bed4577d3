#include "devices/pc/i8257.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/machine.h"

namespace portrace::devices {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Records "device kind value[ text]" for every event.
class EventLog : public sim::DeviceEventSink {
 public:
  void OnDeviceEvent(const sim::DeviceEvent& e) override {
    events.push_back(absl::StrFormat("%s %s %x%s", e.device, e.kind, e.value,
                                     e.text.empty() ? "" : " " + e.text));
  }
  std::vector<std::string> events;
};

class I8257Test : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::MachineOptions options;
    options.name = "pc";
    options.ram_bytes = 4 << 20;
    machine_ = *sim::Machine::Create(options);
    dma1_ = machine_->AddDevice(*I8257::Create(machine_.get(), I8257::kController1));
    dma2_ = machine_->AddDevice(*I8257::Create(machine_.get(), I8257::kController2));
  }
  sim::IoSpace& io() { return machine_->io(); }
  // Programs `channel` as a driver does: mask, clear flip-flop, mode, address, count, page.
  void Program(int channel, uint8_t mode, uint16_t address, uint16_t count, uint8_t page) {
    const bool second = channel >= 4;
    const uint32_t base = second ? 0xc0 : 0x00, step = second ? 2 : 1;
    const uint32_t control = base + 8 * step;
    const int index = channel & 3;
    static constexpr uint16_t kPagePort[8] = {0x87, 0x83, 0x81, 0x82, 0x8f, 0x8b, 0x89, 0x8a};
    io().Write(control + 2 * step, 1, 4 | index);  // mask
    io().Write(control + 4 * step, 1, 0);          // clear flip-flop
    io().Write(control + 3 * step, 1, mode | index);
    io().Write(base + 2 * index * step, 1, address & 0xff);
    io().Write(base + 2 * index * step, 1, address >> 8);
    io().Write(base + (2 * index + 1) * step, 1, count & 0xff);
    io().Write(base + (2 * index + 1) * step, 1, count >> 8);
    io().Write(kPagePort[channel], 1, page);
  }
  void Unmask(int channel) { io().Write(channel >= 4 ? 0xd4 : 0x0a, 1, channel & 3); }
  // Reads a 16-bit channel register through the flip-flop, low byte first.
  uint32_t Read16(uint32_t port) {
    const uint32_t low = io().Read(port, 1);
    return low | io().Read(port, 1) << 8;
  }

  std::unique_ptr<sim::Machine> machine_;
  I8257* dma1_;
  I8257* dma2_;
};

// Everything reads 0 after reset but the mask register (0xff), which QEMU reads at control
// register 1 (0x09; 0xd2 and 0xd3 on controller 2). Ports between the page registers and around
// the blocks are not the controllers' (unclaimed here; 0x80 is port80's on a machine).
TEST_F(I8257Test, ResetStateAsQemu) {
  const struct {
    uint32_t port;
    uint32_t value;
  } cases[] = {
      {0x00, 0x00}, {0x01, 0x00}, {0x07, 0x00}, {0x08, 0x00},  {0x09, 0xff}, {0x0a, 0x00},
      {0x0b, 0x00}, {0x0c, 0x00}, {0x0d, 0x00}, {0x0e, 0x00},  {0x0f, 0x00}, {0xc0, 0x00},
      {0xcf, 0x00}, {0xd0, 0x00}, {0xd1, 0x00}, {0xd2, 0xff},  {0xd3, 0xff}, {0xde, 0x00},
      {0xdf, 0x00}, {0x81, 0x00}, {0x83, 0x00}, {0x87, 0x00},  {0x89, 0x00}, {0x8f, 0x00},
      {0x80, 0xff}, {0x84, 0xff}, {0x86, 0xff}, {0x88, 0xff},  {0x8c, 0xff}, {0x8e, 0xff},
      {0x10, 0xff}, {0xbf, 0xff}, {0xe0, 0xff}, {0x481, 0xff},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(io().Read(c.port, 1), c.value) << absl::StrFormat("port 0x%x", c.port);
  }
  for (int channel = 0; channel < 8; ++channel) {
    const I8257::ChannelState s = IsaDmaOf(*machine_, channel)->Channel(channel);
    EXPECT_EQ(s.channel, channel);
    EXPECT_TRUE(s.masked);
    EXPECT_FALSE(s.request);
    EXPECT_EQ(s.unit, channel < 4 ? 1u : 2u);
  }
}

// Every channel's address and count, written and read back through the flip-flop; on
// controller 2 the registers count words and the port between two registers is the same one.
TEST_F(I8257Test, AddressAndCountThroughTheFlipFlop) {
  const struct {
    int channel;
    uint32_t address_port, count_port, alias_port;
  } cases[] = {
      {0, 0x00, 0x01, 0},    {1, 0x02, 0x03, 0},    {2, 0x04, 0x05, 0},    {3, 0x06, 0x07, 0},
      {4, 0xc0, 0xc2, 0xc1}, {5, 0xc4, 0xc6, 0xc5}, {6, 0xc8, 0xca, 0xcb}, {7, 0xcc, 0xce, 0xcf},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.channel);
    const uint32_t clear = c.channel < 4 ? 0x0c : 0xd8;
    io().Write(clear, 1, 0);
    const uint16_t address = static_cast<uint16_t>(0x1234 + c.channel);
    const uint16_t count = static_cast<uint16_t>(0xabc0 + c.channel);
    io().Write(c.address_port, 1, address & 0xff);
    io().Write(c.address_port, 1, address >> 8);
    io().Write(c.count_port, 1, count & 0xff);
    io().Write(c.count_port, 1, count >> 8);
    EXPECT_EQ(Read16(c.address_port), address);
    EXPECT_EQ(Read16(c.count_port), count);
    if (c.alias_port != 0) {
      EXPECT_EQ(Read16(c.alias_port), c.alias_port & 2 ? count : address);
    }
    const I8257::ChannelState s = IsaDmaOf(*machine_, c.channel)->Channel(c.channel);
    EXPECT_EQ(s.base_address, address);
    EXPECT_EQ(s.base_count, count);
    EXPECT_EQ(s.current_address, uint32_t{address} << (c.channel < 4 ? 0 : 1));
    EXPECT_EQ(s.position, 0);
  }
}

TEST_F(I8257Test, FlipFlopIsSharedAndCleared) {
  io().Write(0x02, 1, 0x11);  // channel 1 address low
  io().Write(0x04, 1, 0x22);  // the high byte, of channel 2's address: one flip-flop
  EXPECT_EQ(dma1_->Channel(1).base_address, 0x0011);
  EXPECT_EQ(dma1_->Channel(2).base_address, 0x2200);
  // Reads answer the current address, which only a high byte reloads.
  io().Write(0x02, 1, 0x33);
  io().Write(0x02, 1, 0x44);
  io().Write(0x02, 1, 0x55);  // low byte: base 0x4455, current still 0x4433
  EXPECT_EQ(dma1_->Channel(1).base_address, 0x4455);
  EXPECT_EQ(io().Read(0x02, 1), 0x44u);  // the flip-flop was high: the high byte
  io().Write(0x0c, 1, 0xff);             // clear flip-flop (any value)
  EXPECT_EQ(io().Read(0x02, 1), 0x33u);
  // The controllers' flip-flops are independent.
  EXPECT_EQ(io().Read(0xc0, 1), 0x00u);
  EXPECT_EQ(io().Read(0x02, 1), 0x44u);
  // A word read of 0xc0 is two byte reads: low then high of channel 4's address.
  io().Write(0xd8, 1, 0);
  io().Write(0xc0, 1, 0x78);
  io().Write(0xc0, 1, 0x56);
  EXPECT_EQ(io().Read(0xc0, 2), 0x5678u);
  // A dword write at 0x00 is four byte writes: channel 0 address low, channel 0 count high,
  // channel 1 address low, channel 1 count high.
  io().Write(0x0c, 1, 0);
  io().Write(0x00, 4, 0x44332211);
  EXPECT_EQ(dma1_->Channel(0).base_address, 0x0011);
  EXPECT_EQ(dma1_->Channel(0).base_count, 0x2200);
  EXPECT_EQ(dma1_->Channel(1).base_address, 0x4433);
  EXPECT_EQ(dma1_->Channel(1).base_count, 0x4400);
}

TEST_F(I8257Test, StatusRequestAndMasterClear) {
  io().Write(0x09, 1, 0x06);  // request channel 2
  io().Write(0xd2, 1, 0x05);  // request channel 5
  EXPECT_EQ(io().Read(0x08, 1), 0x40u);
  EXPECT_EQ(io().Read(0x08, 1), 0x40u);  // requests stay
  EXPECT_EQ(io().Read(0xd0, 1), 0x20u);
  io().Write(0x09, 1, 0x02);  // clear it
  EXPECT_EQ(io().Read(0x08, 1), 0x00u);
  // Master clear: masks all, clears status, flip-flop and command; leaves the registers.
  io().Write(0x0e, 1, 0);
  EXPECT_EQ(io().Read(0x09, 1), 0x00u);
  io().Write(0x09, 1, 0x07);
  io().Write(0x06, 1, 0x34);  // flip-flop now high
  io().Write(0x0b, 1, 0x4b);  // channel 3's mode
  io().Write(0x0d, 1, 0);
  EXPECT_EQ(io().Read(0x08, 1), 0x00u);
  EXPECT_EQ(io().Read(0x09, 1), 0xffu);
  io().Write(0x06, 1, 0x12);  // low byte again
  EXPECT_EQ(dma1_->Channel(3).base_address, 0x0012);
  EXPECT_EQ(dma1_->Channel(3).mode, 0x4b);
  EXPECT_EQ(io().Read(0xd0, 1), 0x20u);  // controller 2 untouched
}

TEST_F(I8257Test, MaskRegisters) {
  const struct {
    uint32_t port;
    uint8_t value;
    uint32_t mask;  // read back at control register 1
  } cases[] = {
      {0x0a, 0x00, 0xfe}, {0x0a, 0x01, 0xfc}, {0x0a, 0x05, 0xfe},
      {0x0a, 0xfa, 0xfa}, {0x0e, 0x00, 0x00}, {0x0f, 0xa5, 0xa5},  // all eight bits stored
      {0x0f, 0x00, 0x00}, {0x0a, 0x07, 0x08}, {0x0d, 0x00, 0xff},
  };
  for (const auto& c : cases) {
    io().Write(c.port, 1, c.value);
    EXPECT_EQ(io().Read(0x09, 1), c.mask) << absl::StrFormat("after 0x%x <- 0x%x", c.port, c.value);
  }
  io().Write(0xde, 1, 0x3c);
  EXPECT_EQ(io().Read(0xd2, 1), 0x3cu);
  EXPECT_TRUE(dma2_->Channel(6).masked);
  EXPECT_FALSE(dma2_->Channel(4).masked);
}

TEST_F(I8257Test, CommandAcceptsOnlyWhatQemuSupports) {
  EventLog log;
  machine_->events().set_sink(&log);
  io().Write(0x08, 1, 0x04);
  io().Write(0x08, 1, 0x10);
  io().Write(0xd0, 1, 0x00);
  EXPECT_THAT(log.events, ElementsAre("dma1 command 4", "dma1 command 10 unsupported, ignored",
                                      "dma2 command 0"));
  EXPECT_EQ(io().Read(0x08, 1), 0x00u);  // the status, not the command
}

TEST_F(I8257Test, PageRegistersAndTheirWidths) {
  const struct {
    uint32_t port;
    int channel;
  } pages[] = {{0x87, 0}, {0x83, 1}, {0x81, 2}, {0x82, 3},
               {0x8f, 4}, {0x8b, 5}, {0x89, 6}, {0x8a, 7}};
  for (const auto& p : pages) io().Write(p.port, 1, 0x10 + p.channel);
  for (const auto& p : pages) {
    EXPECT_EQ(io().Read(p.port, 1), 0x10u + p.channel);
    EXPECT_EQ(IsaDmaOf(*machine_, p.channel)->Channel(p.channel).page, 0x10 + p.channel);
  }
  const struct {
    uint32_t port;
    unsigned width;
    uint32_t value;
  } reads[] = {
      {0x81, 2, 0x1312},      // two bytes: channels 2 and 3
      {0x82, 2, 0x1113},      // channels 3 and 1
      {0x83, 2, 0xff11},      // the byte past the run reads 0xff
      {0x87, 2, 0xff10},      //
      {0x81, 4, 0xffffffff},  // no dword handler
      {0x8f, 2, 0xff14},
  };
  for (const auto& r : reads) {
    EXPECT_EQ(io().Read(r.port, r.width), r.value) << absl::StrFormat("port 0x%x", r.port);
  }
  io().Write(0x82, 2, 0xaabb);  // channels 3 and 1
  EXPECT_EQ(dma1_->Channel(3).page, 0xbb);
  EXPECT_EQ(dma1_->Channel(1).page, 0xaa);
  io().Write(0x89, 4, 0);  // dropped
  EXPECT_EQ(dma2_->Channel(6).page, 0x16);
}

TEST_F(I8257Test, UnimplementedRegistersReadZero) {
  for (uint32_t port : {0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0xd4, 0xd6, 0xd8, 0xda, 0xdc, 0xdf}) {
    EXPECT_EQ(io().Read(port, 1), 0u) << absl::StrFormat("port 0x%x", port);
  }
  // Unaligned: split into bytes, the last one unclaimed.
  EXPECT_EQ(io().Read(0x0f, 2), 0xff00u);
  EXPECT_EQ(io().Read(0xdf, 4), 0xffffff00u);
  EXPECT_EQ(io().Read(0x08, 4), 0x0000ff00u);  // status, mask, then two zero registers
}

TEST_F(I8257Test, DwordWriteReachesFourRegisters) {
  io().Write(0x0e, 1, 0);           // unmask all
  io().Write(0x0c, 4, 0x5a000000);  // clear ff, master clear, clear mask, write mask 0x5a
  EXPECT_EQ(io().Read(0x09, 1), 0x5au);
}

TEST_F(I8257Test, EventsDescribeTheProgrammedChannel) {
  EventLog log;
  machine_->events().set_sink(&log);
  Program(2, 0x46, 0x1000, 0x01ff, 0x00);  // single write increment, 512 bytes at 0x1000
  Unmask(2);
  Program(1, 0x58, 0xff00, 0x01ff, 0x03);  // single read increment auto-init, crosses 64 KiB
  Unmask(1);
  io().Write(0xd6, 1, 0xc0);  // SeaBIOS: channel 4 cascade, unmasked
  io().Write(0xd4, 1, 0x00);
  Program(5, 0x64, 0x0010, 0x0010, 0x00);  // 16-bit decrement from 0x20: wraps below 0
  Unmask(5);
  io().Write(0x0d, 1, 0);
  EXPECT_THAT(
      log.events,
      ElementsAre(
          "dma1 mask f", "dma1 mode 246 channel 2: single write increment", "dma1 mask b",
          "dma1 ready 2 channel 2: single write increment, 512 bytes at 0x001000", "dma1 mask b",
          "dma1 mode 159 channel 1: single read increment auto-init", "dma1 mask 9",
          "dma1 ready 1 channel 1: single read increment auto-init, 512 bytes at "
          "0x03ff00, crosses a 64 KiB boundary",
          "dma1 boundary-crossing 1 channel 1: single read increment auto-init, 512 bytes at "
          "0x03ff00, crosses a 64 KiB boundary",
          "dma2 mode 4c0 channel 4: cascade", "dma2 mask e0", "dma2 ready 4 channel 4: cascade",
          "dma2 mask e0", "dma2 mode 565 channel 5: single write decrement", "dma2 mask c0",
          "dma2 ready 5 channel 5: single write decrement, 34 bytes at 0x000020, "
          "crosses a 128 KiB boundary",
          "dma2 boundary-crossing 5 channel 5: single write decrement, 34 bytes at 0x000020, "
          "crosses a 128 KiB boundary",
          "dma1 master-clear 0", "dma1 mask f"));
}

// A device's transfer into guest memory through the API a floppy controller would use.
TEST_F(I8257Test, TransferWritesGuestMemoryAndReachesTerminalCount) {
  Program(2, 0x46, 0x1000, 0x000f, 0x02);  // 16 bytes at 0x21000, device to memory
  std::vector<std::string> calls;
  I8257* dma = IsaDmaOf(*machine_, 2);
  ASSERT_EQ(dma, dma1_);
  dma->RegisterChannel(2, [&](int channel, int position, int length) {
    calls.push_back(absl::StrFormat("%d %d %d", channel, position, length));
    const uint8_t data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    position += dma->WriteMemory(channel, data, position);
    if (position == length) dma->ReleaseDreq(channel);  // re-entrant: folded into this run
    return position;
  });
  dma->HoldDreq(2);  // masked: nothing runs
  EXPECT_TRUE(calls.empty());
  EXPECT_EQ(io().Read(0x08, 1), 0x40u);
  Unmask(2);   // runs once: 8 bytes
  dma->Run();  // and again: the rest
  EXPECT_THAT(calls, ElementsAre("2 0 16", "2 8 16"));
  char memory[18];
  machine_->ram().Read(0x20fff, memory, sizeof memory);
  EXPECT_EQ(std::string(memory, sizeof memory),
            std::string("\0\1\2\3\4\5\6\7\10\1\2\3\4\5\6\7\10\0", 18));
  const I8257::ChannelState s = dma->Channel(2);
  EXPECT_EQ(s.type(), I8257::TransferType::kWrite);
  EXPECT_FALSE(s.auto_initialize());
  EXPECT_FALSE(s.decrement());
  EXPECT_EQ(s.guest_address(), 0x21000u);
  EXPECT_EQ(s.length(), 16u);
  EXPECT_EQ(s.position, 16);
  EXPECT_TRUE(s.terminal_count);
  EXPECT_FALSE(s.request);
  // The registers the guest reads: address advanced, count past its end (QEMU: 0xffff).
  io().Write(0x0c, 1, 0);
  EXPECT_EQ(Read16(0x04), 0x1010u);
  EXPECT_EQ(Read16(0x05), 0xffffu);
  EXPECT_EQ(io().Read(0x08, 1), 0x04u);  // terminal count, cleared by the read
  EXPECT_EQ(io().Read(0x08, 1), 0x00u);
  // A new high byte reloads the current registers.
  io().Write(0x05, 1, 0x0f);
  io().Write(0x05, 1, 0x00);
  EXPECT_EQ(dma->Channel(2).position, 0);
}

TEST_F(I8257Test, ReadMemoryModes) {
  const char pattern[] = "ABCDEFGH";
  machine_->ram().Write(0x3000, pattern, 8);
  const struct {
    int channel;
    uint8_t mode;
    uint16_t address;
    int position;
    std::string want;
  } cases[] = {
      {1, 0x48, 0x3000, 0, "ABCD"},  // read, increment
      {1, 0x48, 0x3000, 2, "CDEF"},  // from the position
      {1, 0x68, 0x3008, 0, "HGGH"},  // decrement: QEMU mirrors the second half only
      {1, 0x68, 0x3008, 4, "DCCD"},  //
      {1, 0x40, 0x3000, 0, "...."},  // verify: nothing read
      {5, 0x48, 0x1800, 0, "ABCD"},  // 16-bit: word address 0x1800 is byte 0x3000
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.channel);
    Program(c.channel, c.mode, c.address, 3, 0);
    uint8_t out[4] = {'.', '.', '.', '.'};
    I8257* dma = IsaDmaOf(*machine_, c.channel);
    EXPECT_EQ(dma->ReadMemory(c.channel, absl::MakeSpan(out), c.position), 4);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(out), 4), c.want);
  }
}

TEST_F(I8257Test, WriteMemoryModes) {
  const struct {
    uint8_t mode;
    uint8_t page;
    uint16_t address;
    uint64_t at;  // where the bytes land, or 0 for nowhere
  } cases[] = {
      {0x44, 0x00, 0x5000, 0x5002},   // increment, position 2
      {0x64, 0x00, 0x5000, 0x4ffa},   // decrement: below the address, in order
      {0x40, 0x00, 0x6000, 0},        // verify
      {0x44, 0x01, 0x0000, 0x10002},  // the page selects bits 16-23
  };
  for (const auto& c : cases) {
    Program(3, c.mode, c.address, 0xff, c.page);
    const uint8_t data[4] = {0xde, 0xad, 0xbe, 0xef};
    EXPECT_EQ(dma1_->WriteMemory(3, data, 2), 4);
    if (c.at == 0) continue;
    char got[4];
    machine_->ram().Read(c.at, got, 4);
    EXPECT_EQ(std::string(got, 4), "\xde\xad\xbe\xef") << absl::StrFormat("0x%x", c.at);
  }
  EXPECT_EQ(machine_->ram().pages_allocated(), 3u);  // nothing from the verify transfer
}

// Odd values a guest or a device may produce: nothing crashes, every value answers as QEMU's
// int arithmetic does, and memory outside RAM is dropped.
TEST_F(I8257Test, EdgeValues) {
  Program(0, 0x44, 0xffff, 0xffff, 0xff);  // 65536 bytes from 0xffffff, past 4 MiB of RAM
  I8257::ChannelState s = dma1_->Channel(0);
  EXPECT_EQ(s.length(), 0x10000u);
  EXPECT_EQ(s.guest_address(), 0xffffffu);
  const uint8_t data[2] = {1, 2};
  EXPECT_EQ(dma1_->WriteMemory(0, data, 0x7fffffff), 2);
  EXPECT_EQ(dma1_->WriteMemory(0, data, -0x7fffffff), 2);
  uint8_t out[2];
  EXPECT_EQ(dma1_->ReadMemory(0, absl::MakeSpan(out), -1), 2);
  EXPECT_EQ(machine_->ram().pages_allocated(), 0u);
  // A handler returning nonsense: stored, read back through QEMU's arithmetic.
  dma1_->RegisterChannel(0, [](int, int, int) { return -5; });
  Unmask(0);
  dma1_->HoldDreq(0);
  EXPECT_EQ(dma1_->Channel(0).position, -5);
  io().Write(0x0c, 1, 0);
  EXPECT_EQ(Read16(0x00), 0xffffu - 5);             // address + position
  EXPECT_EQ(Read16(0x01), (0xffffu + 5) & 0xffff);  // count - position
  dma1_->RegisterChannel(0, nullptr);               // unregistered: the position stays
  dma1_->Run();
  EXPECT_EQ(dma1_->Channel(0).position, -5);
  // Channels outside 0-7 have no controller; the API uses a channel's two low bits.
  EXPECT_EQ(IsaDmaOf(*machine_, -1), nullptr);
  EXPECT_EQ(IsaDmaOf(*machine_, 8), nullptr);
  EXPECT_EQ(IsaDmaOf(*machine_, 7), dma2_);
  EXPECT_EQ(dma1_->Channel(12).channel, 0);
  EXPECT_FALSE(dma1_->Serves(4));
}

TEST_F(I8257Test, OverlappingPlacementRefused) {
  absl::StatusOr<std::unique_ptr<I8257>> again = I8257::Create(machine_.get(), I8257::kController1);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(again.status().message()), HasSubstr("dma-chan"));
}

}  // namespace
}  // namespace portrace::devices
