#include "devices/nic/ne2000.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"

namespace portrace::devices {
namespace {

// CR bits.
constexpr uint8_t kCrStop = 0x01;
constexpr uint8_t kCrStart = 0x02;
constexpr uint8_t kCrTransmit = 0x04;
constexpr uint8_t kCrRemoteRead = 0x08;
constexpr uint8_t kCrRemoteWrite = 0x10;
// ISR bits.
constexpr uint8_t kIsrRx = 0x01;
constexpr uint8_t kIsrTx = 0x02;
constexpr uint8_t kIsrRemoteDone = 0x40;
constexpr uint8_t kIsrReset = 0x80;
constexpr uint8_t kTsrPtx = 0x01;
constexpr uint8_t kRsrRxOk = 0x01;
constexpr uint8_t kRsrPhysical = 0x20;  // multicast/broadcast destination
// RCR bits.
constexpr uint8_t kRcrBroadcast = 0x04;
constexpr uint8_t kRcrMulticast = 0x08;
constexpr uint8_t kRcrPromiscuous = 0x10;

constexpr uint32_t kDataPort = 0x10;
constexpr uint32_t kResetPort = 0x1f;
constexpr size_t kMinFrame = 60;
constexpr uint32_t kMaxEthFrame = 1514;

uint64_t AllOnes(unsigned width) {
  return width >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * width)) - 1;
}

// The Ethernet CRC-32 (big-endian form, bits LSB first) that picks a MAR bit: its top 6 bits.
uint32_t MulticastCrc(const uint8_t* p, size_t len) {
  uint32_t crc = 0xffffffff;
  for (size_t i = 0; i < len; ++i) {
    uint8_t b = p[i];
    for (int j = 0; j < 8; ++j) {
      const uint32_t carry = ((crc >> 31) & 1) ^ (b & 1);
      crc <<= 1;
      b >>= 1;
      if (carry) crc = (crc ^ 0x04c11db6) | carry;
    }
  }
  return crc;
}

}  // namespace

Ne2000Core::Ne2000Core(std::string name, const std::array<uint8_t, 6>& mac,
                       sim::DeviceEventBus* events, std::function<void(bool)> set_irq)
    : name_(std::move(name)), mac_(mac), events_(events), set_irq_(std::move(set_irq)) {
  Reset();
}

void Ne2000Core::Reset() {
  isr_ = kIsrReset;
  std::copy(mac_.begin(), mac_.end(), mem_.begin());
  mem_[14] = 0x57;
  mem_[15] = 0x57;
  for (int i = 15; i >= 0; --i) {
    mem_[2 * i] = mem_[i];
    mem_[2 * i + 1] = mem_[i];
  }
}

uint64_t Ne2000Core::Read(uint64_t offset, unsigned width) {
  if (offset < 0x10 && width == 1) return ReadRegister(static_cast<unsigned>(offset));
  if (offset == kDataPort) return DataRead(width) & AllOnes(width);
  if (offset == kResetPort && width == 1) {
    Reset();
    return 0;
  }
  return AllOnes(width);
}

void Ne2000Core::Write(uint64_t offset, unsigned width, uint64_t value) {
  if (offset < 0x10 && width == 1) {
    WriteRegister(static_cast<unsigned>(offset), static_cast<uint8_t>(value));
  } else if (offset == kDataPort) {
    DataWrite(width, static_cast<uint32_t>(value));
  }
  // The reset port ignores writes (the end of the reset pulse); other offsets drop them.
}

uint8_t Ne2000Core::ReadRegister(unsigned reg) {
  if (reg == 0) return cmd_;
  const unsigned offset = reg | (cmd_ >> 6) << 4;
  switch (offset) {
    case 0x03: return boundary_;
    case 0x04: return tsr_;
    case 0x07: return isr_;
    case 0x08: return static_cast<uint8_t>(rsar_);
    case 0x09: return static_cast<uint8_t>(rsar_ >> 8);
    case 0x0a: return 0x50;  // RTL8029 id
    case 0x0b: return 0x43;
    case 0x0c: return rsr_;
    case 0x11: case 0x12: case 0x13: case 0x14: case 0x15: case 0x16:
      return phys_[offset - 0x11];
    case 0x17: return curpag_;
    case 0x18: case 0x19: case 0x1a: case 0x1b: case 0x1c: case 0x1d: case 0x1e: case 0x1f:
      return mult_[offset - 0x18];
    case 0x21: return static_cast<uint8_t>(start_ >> 8);
    case 0x22: return static_cast<uint8_t>(stop_ >> 8);
    case 0x33: return 0x00;  // CONFIG0: 10BaseT
    case 0x35: return 0x40;  // CONFIG2: 10BaseT active
    case 0x36: return 0x40;  // CONFIG3: full duplex
    default: return 0x00;
  }
}

void Ne2000Core::WriteRegister(unsigned reg, uint8_t value) {
  if (reg == 0) {
    const bool was_running = (cmd_ & kCrStart) && !(cmd_ & kCrStop);
    cmd_ = value;
    if (value & kCrStop) return;
    if ((value & kCrStart) && !was_running) {
      Publish("start",
              uint64_t{start_ >> 8} << 24 | uint64_t{stop_ >> 8} << 16 |
                  uint64_t{boundary_} << 8 | curpag_,
              "");
    }
    isr_ &= ~kIsrReset;
    if ((value & (kCrRemoteRead | kCrRemoteWrite)) && rcnt_ == 0) {
      isr_ |= kIsrRemoteDone;
      UpdateIrq();
    }
    if (value & kCrTransmit) Transmit();
    return;
  }
  const unsigned offset = reg | (cmd_ >> 6) << 4;
  const uint32_t page = uint32_t{value} << 8;
  switch (offset) {
    case 0x01: if (page <= kPmemEnd) start_ = page; break;
    case 0x02: if (page <= kPmemEnd) stop_ = page; break;
    case 0x03: if (page < kPmemEnd) boundary_ = value; break;
    case 0x04: tpsr_ = value; break;
    case 0x05: tcnt_ = (tcnt_ & 0xff00) | value; break;
    case 0x06: tcnt_ = (tcnt_ & 0x00ff) | value << 8; break;
    case 0x07: isr_ &= ~(value & 0x7f); UpdateIrq(); break;
    case 0x08: rsar_ = (rsar_ & 0xff00) | value; break;
    case 0x09: rsar_ = (rsar_ & 0x00ff) | value << 8; break;
    case 0x0a: rcnt_ = (rcnt_ & 0xff00) | value; break;
    case 0x0b: rcnt_ = (rcnt_ & 0x00ff) | value << 8; break;
    case 0x0c: rxcr_ = value; break;
    case 0x0e: dcfg_ = value; break;
    case 0x0f: imr_ = value; UpdateIrq(); break;
    case 0x11: case 0x12: case 0x13: case 0x14: case 0x15: case 0x16:
      phys_[offset - 0x11] = value;
      break;
    case 0x17: if (page < kPmemEnd) curpag_ = value; break;
    case 0x18: case 0x19: case 0x1a: case 0x1b: case 0x1c: case 0x1d: case 0x1e: case 0x1f:
      mult_[offset - 0x18] = value;
      break;
    default: break;  // TCR and pages 2-3: not stored
  }
}

uint32_t Ne2000Core::DataRead(unsigned width) {
  if (rcnt_ == 0) Publish("data-idle", width, "read");
  uint32_t value;
  if (width == 4) {
    const uint32_t addr = rsar_ & ~1u;
    value = InGuestRange(addr) ? uint32_t{mem_[addr]} | uint32_t{mem_[addr + 1]} << 8 |
                                     uint32_t{mem_[addr + 2]} << 16 | uint32_t{mem_[addr + 3]} << 24
                               : 0xffffffff;
    DmaAdvance(4);
  } else if (dcfg_ & 1) {
    const uint32_t addr = rsar_ & ~1u;
    value = InGuestRange(addr) ? uint32_t{mem_[addr]} | uint32_t{mem_[addr + 1]} << 8 : 0xffff;
    DmaAdvance(2);
  } else {
    value = InGuestRange(rsar_) ? mem_[rsar_] : 0xff;
    DmaAdvance(1);
  }
  return value;
}

void Ne2000Core::DataWrite(unsigned width, uint32_t value) {
  if (rcnt_ == 0) {
    Publish("data-idle", width, "write");
    return;
  }
  if (width == 4) {
    const uint32_t addr = rsar_ & ~1u;
    if (InGuestRange(addr)) {
      for (int i = 0; i < 4; ++i) mem_[addr + i] = static_cast<uint8_t>(value >> (8 * i));
    }
    DmaAdvance(4);
  } else if (dcfg_ & 1) {
    const uint32_t addr = rsar_ & ~1u;
    if (InGuestRange(addr)) {
      mem_[addr] = static_cast<uint8_t>(value);
      mem_[addr + 1] = static_cast<uint8_t>(value >> 8);
    }
    DmaAdvance(2);
  } else {
    if (InGuestRange(rsar_)) mem_[rsar_] = static_cast<uint8_t>(value);
    DmaAdvance(1);
  }
}

void Ne2000Core::DmaAdvance(unsigned len) {
  // RSAR is wider than 16 bits in QEMU: it only wraps when it lands exactly on PSTOP, and RSAR
  // writes clear what lies above bit 15. Bounded by 2^32 / 4 transfers; no memory follows it.
  rsar_ += len;
  if (rsar_ == stop_) rsar_ = start_;
  if (rcnt_ <= len) {
    rcnt_ = 0;
    isr_ |= kIsrRemoteDone;
    UpdateIrq();
  } else {
    rcnt_ -= len;
  }
}

void Ne2000Core::Transmit() {
  uint32_t index = uint32_t{tpsr_} << 8;
  if (index >= kPmemEnd) index -= kPmemEnd - kPmemStart;
  if (index + tcnt_ <= kPmemEnd) {
    absl::string_view frame(reinterpret_cast<const char*>(mem_.data() + index), tcnt_);
    Publish("tx", tcnt_, absl::BytesToHexString(frame));
  }
  tsr_ = kTsrPtx;
  isr_ |= kIsrTx;
  cmd_ &= ~kCrTransmit;
  UpdateIrq();
}

bool Ne2000Core::RingFull() const {
  if (stop_ <= start_) return true;
  const int index = curpag_ << 8;
  const int boundary = boundary_ << 8;
  const int avail = index < boundary ? boundary - index
                                     : static_cast<int>(stop_ - start_) - (index - boundary);
  return avail < static_cast<int>(kMaxEthFrame + 4);
}

sim::RxResult Ne2000Core::ReceiveFrame(absl::Span<const uint8_t> frame) {
  if (frame.size() > kMaxFrame) return sim::RxResult::Refused("frame longer than 65531 bytes");
  if (cmd_ & kCrStop) return sim::RxResult::Refused("stopped (CR STP set)");
  if (stop_ <= start_) return sim::RxResult::Refused("no receive ring (PSTOP not above PSTART)");
  if (RingFull()) {
    Publish("rx-overflow", frame.size(), "");
    return sim::RxResult::Refused("receive ring full (less than 1518 bytes from CURR to BNRY)");
  }
  static constexpr uint8_t kBroadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  uint8_t padded[kMinFrame] = {};
  if (frame.size() < kMinFrame) {
    if (!frame.empty()) std::memcpy(padded, frame.data(), frame.size());
    frame = absl::MakeConstSpan(padded, kMinFrame);
  }
  const uint8_t* buf = frame.data();
  if (!(rxcr_ & kRcrPromiscuous)) {
    bool accept;
    if (std::memcmp(buf, kBroadcast, 6) == 0) {
      accept = rxcr_ & kRcrBroadcast;
    } else if (buf[0] & 1) {
      const uint32_t bit = MulticastCrc(buf, 6) >> 26;
      accept = (rxcr_ & kRcrMulticast) && (mult_[bit >> 3] & (1u << (bit & 7)));
    } else {
      accept = mem_[0] == buf[0] && mem_[2] == buf[1] && mem_[4] == buf[2] &&
               mem_[6] == buf[3] && mem_[8] == buf[4] && mem_[10] == buf[5];
    }
    if (!accept) {
      Publish("rx-filtered", frame.size(), "");
      return sim::RxResult::Filtered();
    }
  }
  uint32_t size = static_cast<uint32_t>(frame.size());
  uint32_t index = uint32_t{curpag_} << 8;
  if (index >= kPmemEnd) index = start_;
  const uint32_t total_len = size + 4;
  uint32_t next = index + ((total_len + 4 + 255) & ~0xffu);
  if (next >= stop_) next -= stop_ - start_;
  rsr_ = kRsrRxOk;
  if (buf[0] & 1) rsr_ |= kRsrPhysical;
  // index <= 0xbf00 (CURR < 0xc0, PSTART < PSTOP <= 0xc000): the header is in the array.
  mem_[index] = rsr_;
  mem_[index + 1] = static_cast<uint8_t>(next >> 8);
  mem_[index + 2] = static_cast<uint8_t>(total_len);
  mem_[index + 3] = static_cast<uint8_t>(total_len >> 8);
  index += 4;
  while (size > 0) {
    if (index > stop_) break;
    const uint32_t len = std::min(size, stop_ - index);
    std::memcpy(mem_.data() + index, buf, len);
    buf += len;
    index += len;
    if (index == stop_) index = start_;
    size -= len;
  }
  curpag_ = static_cast<uint8_t>(next >> 8);
  isr_ |= kIsrRx;
  UpdateIrq();
  Publish("rx", frame.size(), "");
  return sim::RxResult::Stored();
}

void Ne2000Core::UpdateIrq() {
  irq_level_ = (isr_ & imr_ & 0x7f) != 0;
  if (set_irq_) set_irq_(irq_level_);
}

void Ne2000Core::Publish(const char* kind, uint64_t value, std::string text) {
  if (events_ == nullptr) return;
  sim::DeviceEvent event;
  event.device = name_;
  event.kind = kind;
  event.value = value;
  event.text = std::move(text);
  events_->Publish(event);
}

}  // namespace portrace::devices
