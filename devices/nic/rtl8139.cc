#include "devices/nic/rtl8139.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "base/status_macros.h"

namespace portrace::devices {
namespace {

constexpr char kName[] = "rtl8139";

// Register offsets.
constexpr uint32_t kTsd0 = 0x10, kTsad0 = 0x20, kRbstart = 0x30, kCr = 0x37, kCapr = 0x38,
                   kCbr = 0x3a, kImr = 0x3c, kIsr = 0x3e, kTcr = 0x40, kRcr = 0x44, kTctr = 0x48,
                   kMpc = 0x4c, kCfg9346 = 0x50, kConfig0 = 0x51, kConfig1 = 0x52,
                   kTimerInt = 0x54, kMsr = 0x58, kConfig3 = 0x59, kConfig4 = 0x5a,
                   kHltClk = 0x5b, kMulInt = 0x5c, kRevision = 0x5e, kTsadSummary = 0x60,
                   kBmcr = 0x62, kBmsr = 0x64, kAnar = 0x66, kAnlpar = 0x68, kAner = 0x6a,
                   kCscr = 0x74, kConfig5 = 0xd8, kCpCmd = 0xe0, kIntrMitigate = 0xe2,
                   kRdsarLo = 0xe4, kRdsarHi = 0xe8, kTxThresh = 0xec;

// CR bits.
constexpr uint8_t kCrBufEmpty = 0x01, kCrTxEnable = 0x04, kCrRxEnable = 0x08, kCrReset = 0x10;
// ISR bits.
constexpr uint16_t kIsrRxOk = 0x0001, kIsrTxOk = 0x0004, kIsrRxOverflow = 0x0010,
                   kIsrTimeout = 0x4000;
// TSD bits.
constexpr uint32_t kTsdOwn = 0x2000, kTsdTok = 0x8000, kTsdUnderrun = 0x4000,
                   kTsdAborted = 0x40000000;
// RCR bits.
constexpr uint32_t kRcrAllPhys = 0x01, kRcrMyPhys = 0x02, kRcrMulticast = 0x04,
                   kRcrBroadcast = 0x08, kRcrWrap = 0x80;
// Receive header bits.
constexpr uint32_t kRxOk = 0x0001, kRxBroadcast = 0x2000, kRxPhysical = 0x4000,
                   kRxMulticast = 0x8000;
constexpr uint32_t kTcrLoopback = 0x00060000;
constexpr uint32_t kTcrHwVersion = 0x74800000;  // RTL8139C+ as QEMU reports it
constexpr uint64_t kPciHz = 33000000;
constexpr uint64_t kNsPerSecond = 1000000000;
constexpr size_t kMinFrame = 60;

uint32_t SetMasked(uint32_t input, uint32_t mask, uint32_t current) {
  return (input & ~mask) | (current & mask);
}

uint64_t MulDiv(uint64_t a, uint64_t b, uint64_t c) {
  return static_cast<uint64_t>(static_cast<unsigned __int128>(a) * b / c);
}

// The Ethernet CRC-32 (IEEE, reflected) the chip appends to received frames.
uint32_t Crc32(const uint8_t* p, size_t len) {
  uint32_t crc = 0xffffffff;
  for (size_t i = 0; i < len; ++i) {
    crc ^= p[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

// The multicast hash: the top 6 bits of the big-endian form of the CRC over the destination.
uint32_t MulticastIndex(const uint8_t* p) {
  uint32_t crc = 0xffffffff;
  for (int i = 0; i < 6; ++i) {
    uint8_t b = p[i];
    for (int j = 0; j < 8; ++j) {
      const uint32_t carry = ((crc >> 31) & 1) ^ (b & 1);
      crc <<= 1;
      b >>= 1;
      if (carry) crc = (crc ^ 0x04c11db6) | carry;
    }
  }
  return crc >> 26;
}

PciIdentity RtlIdentity() {
  PciIdentity id;
  id.vendor_id = 0x10ec;
  id.device_id = 0x8139;
  id.revision = 0x20;
  id.class_code = 0x020000;
  id.interrupt_pin = 1;
  return id;
}

std::array<uint16_t, Eeprom93c46::kWords> EepromContents(const std::array<uint8_t, 6>& mac) {
  std::array<uint16_t, Eeprom93c46::kWords> words{};
  words[0] = 0x8129;
  words[1] = 0x10ec;
  words[2] = 0x8139;
  for (int i = 0; i < 3; ++i) words[7 + i] = static_cast<uint16_t>(mac[2 * i] | mac[2 * i + 1] << 8);
  return words;
}

}  // namespace

Rtl8139::Rtl8139(const NicOptions& options, sim::Machine* machine, IntxRouter router)
    : PciFunction(kName, RtlIdentity()),
      options_(options),
      machine_(machine),
      router_(std::move(router)),
      eeprom_(EepromContents(options.mac)) {
  SetConfigByte(kPciCapabilityList, 0xdc);
  // The expansion ROM register of QEMU's efi-rtl8139.rom (256 KiB); the ROM is not mapped.
  const uint32_t rom_mask = ~((uint32_t{256} << 10) - 1) | 1u;
  for (int i = 0; i < 4; ++i) {
    SetWritableMask(kPciRomAddress + i, static_cast<uint8_t>(rom_mask >> (8 * i)));
  }
  Reset();
}

Rtl8139::~Rtl8139() {
  if (timer_armed_) machine_->clock().Cancel(timer_);
}

absl::StatusOr<std::unique_ptr<Rtl8139>> Rtl8139::Create(const NicOptions& options,
                                                         sim::Machine* machine,
                                                         IntxRouter router) {
  if (machine == nullptr) return absl::InvalidArgumentError("rtl8139: no machine");
  std::unique_ptr<Rtl8139> nic(new Rtl8139(options, machine, std::move(router)));
  // QEMU's rtl8139_io_ops / rtl8139_mmio_ops: 1-4 bytes, aligned, implemented as given.
  const sim::AccessRules rules = sim::AccessRules::Ops(1, 4, false, 1, 4, false);
  PciBar io;
  io.kind = PciBarKind::kIo;
  io.size = 256;
  io.region = &nic->registers_;
  io.rules = rules;
  io.name = "rtl8139-io";
  PT_RETURN_IF_ERROR(nic->SetBar(0, std::move(io)));
  PciBar mmio;
  mmio.kind = PciBarKind::kMem32;
  mmio.size = 256;
  mmio.region = &nic->registers_;
  mmio.rules = rules;
  mmio.name = "rtl8139-mmio";
  PT_RETURN_IF_ERROR(nic->SetBar(1, std::move(mmio)));
  return nic;
}

void Rtl8139::Reset() {
  phys_ = options_.mac;
  intr_status_ = 0;
  intr_mask_ = 0;
  UpdateIrq();
  tx_status_.fill(kTsdOwn);
  curr_tx_desc_ = 0;
  rx_ring_lo_ = 0;
  rx_ring_hi_ = 0;
  rx_buf_ = 0;
  ResetRxRing(8192);
  tx_config_ = kTcrHwVersion;
  clock_enabled_ = true;
  cmd_ = kCrReset;  // BUFE is computed on read
  config0_ = 0x00;
  config1_ = 0x0c;
  config3_ = 0x01;
  config5_ = 0x00;
  cscr_ = 0x0340;
  cp_cmd_ = 0;
  cplus_ = false;
  bmcr_ = 0x1000;
  bmsr_ = 0x782d;
  anar_ = 0x05e1;
  anlpar_ = 0x05e1;
  aner_ = 0x0001;
  tctr_base_ = 0;
  timer_int_ = 0;
  ScheduleTimer();
}

uint64_t Rtl8139::Registers::Read(uint64_t offset, unsigned width) {
  const uint32_t addr = static_cast<uint32_t>(offset) & 0xff;
  switch (width) {
    case 1: return nic_->ReadB(addr);
    case 2: return nic_->ReadW(addr);
    default: return nic_->ReadL(addr);
  }
}

void Rtl8139::Registers::Write(uint64_t offset, unsigned width, uint64_t value) {
  const uint32_t addr = static_cast<uint32_t>(offset) & 0xff;
  switch (width) {
    case 1: nic_->WriteB(addr, static_cast<uint8_t>(value)); break;
    case 2: nic_->WriteW(addr, static_cast<uint16_t>(value)); break;
    default: nic_->WriteL(addr, static_cast<uint32_t>(value)); break;
  }
}

uint8_t Rtl8139::ReadB(uint32_t addr) {
  if (addr < 6) return phys_[addr];
  if (addr >= 0x08 && addr < 0x10) return mult_[addr - 0x08];
  if (addr >= kTsd0 && addr < kTsad0) {
    return static_cast<uint8_t>(tx_status_[(addr - kTsd0) / 4] >> (8 * (addr & 3)));
  }
  switch (addr) {
    case kCr: return cmd_ | (RxBufferEmpty() ? kCrBufEmpty : 0);
    case kCfg9346: {
      uint8_t value = cfg9346_;
      if ((value & 0xc0) == 0x80) value = (value & ~1) | (eeprom_.data_out() ? 1 : 0);
      return value;
    }
    case kConfig0: return config0_;
    case kConfig1: return config1_;
    case kConfig3: return config3_;
    case kConfig4: return config4_;
    case kConfig5: return config5_;
    case kMsr: return 0xd0;
    case kHltClk: return clock_enabled_ ? 1 : 0;
    case kRevision: return 0x20;
    case kTxThresh: return tx_thresh_;
    case kTcr + 3: return static_cast<uint8_t>(tx_config_ >> 24);
    default: return 0;
  }
}

uint16_t Rtl8139::ReadW(uint32_t addr) {
  if (addr >= kTsd0 && addr < kRbstart) {
    const uint32_t index = (addr - kTsd0) / 4;
    const uint32_t reg = index < 4 ? tx_status_[index] : tx_addr_[index - 4];
    return static_cast<uint16_t>(reg >> (8 * (addr & 3)));
  }
  switch (addr) {
    case kImr: return intr_mask_;
    case kIsr: return intr_status_;
    case kMulInt: return multi_intr_;
    case kCapr: return static_cast<uint16_t>(rx_buf_ptr_ - 0x10);
    case kCbr: return static_cast<uint16_t>(rx_buf_addr_);
    case kBmcr: return bmcr_;
    case kBmsr: return bmsr_;
    case kAnar: return anar_;
    case kAnlpar: return anlpar_;
    case kAner: return aner_;
    case kCpCmd: return cp_cmd_;
    case kTsadSummary: return TxSummary();
    case kCscr: return cscr_;
    default: return static_cast<uint16_t>(ReadB(addr) | ReadB(addr + 1) << 8);
  }
}

uint32_t Rtl8139::ReadL(uint32_t addr) {
  if (addr >= kTsd0 && addr < kTsad0) return tx_status_[(addr - kTsd0) / 4];
  if (addr >= kTsad0 && addr < kRbstart) return tx_addr_[(addr - kTsad0) / 4];
  switch (addr) {
    case kMpc: return rx_missed_;
    case kTcr: return tx_config_;
    case kRcr: return rx_config_;
    case kRbstart: return rx_buf_;
    case kRdsarLo: return rx_ring_lo_;
    case kRdsarHi: return rx_ring_hi_;
    case kTctr: return Tctr();
    case kTimerInt: return timer_int_;
    default:
      return uint32_t{ReadB(addr)} | uint32_t{ReadB(addr + 1)} << 8 |
             uint32_t{ReadB(addr + 2)} << 16 | uint32_t{ReadB(addr + 3)} << 24;
  }
}

void Rtl8139::WriteB(uint32_t addr, uint8_t value) {
  if (addr < 6) {
    phys_[addr] = value;
    return;
  }
  if (addr >= 0x08 && addr < 0x10) {
    mult_[addr - 0x08] = value;
    return;
  }
  switch (addr) {
    case kCr: WriteCommand(value); break;
    case kCfg9346: WriteCfg9346(value); break;
    case kTcr: WriteTxConfig((tx_config_ & 0xffffff00) | value); break;
    case kConfig0: if (ConfigWritable()) config0_ = static_cast<uint8_t>(SetMasked(value, 0xf8, config0_)); break;
    case kConfig1: if (ConfigWritable()) config1_ = static_cast<uint8_t>(SetMasked(value, 0x0c, config1_)); break;
    case kConfig3: if (ConfigWritable()) config3_ = static_cast<uint8_t>(SetMasked(value, 0x8f, config3_)); break;
    case kConfig4: if (ConfigWritable()) config4_ = static_cast<uint8_t>(SetMasked(value, 0x0a, config4_)); break;
    case kConfig5: config5_ = static_cast<uint8_t>(SetMasked(value, 0x80, config5_)); break;
    case kHltClk:
      if (value == 'R') clock_enabled_ = true;
      if (value == 'H') clock_enabled_ = false;
      break;
    case kTxThresh: tx_thresh_ = value; break;
    default: break;  // read-only or not implemented: QEMU drops it
  }
}

void Rtl8139::WriteW(uint32_t addr, uint16_t value) {
  switch (addr) {
    case kImr:
      intr_mask_ = static_cast<uint16_t>(SetMasked(value, 0x1e00, intr_mask_));
      UpdateIrq();
      break;
    case kIsr: WriteIntrStatus(value); break;
    case kMulInt: multi_intr_ = value & 0x0fff; break;
    case kCapr:
      rx_buf_ptr_ = (uint32_t{value} + 0x10) & (rx_buffer_size_ - 1);
      receive_disabled_ = false;  // QEMU flushes its queue: frames are taken again
      break;
    case kBmcr: bmcr_ = static_cast<uint16_t>(SetMasked(value, 0xfdff, bmcr_)); break;
    case kBmsr: bmsr_ = static_cast<uint16_t>(SetMasked(value, 0xff3f, bmsr_)); break;
    case kAnar: anar_ = value; break;
    case kAnlpar: break;
    case kAner: aner_ = value; break;
    case kCpCmd:
      cplus_ = true;
      cp_cmd_ = static_cast<uint16_t>(SetMasked(value, 0xff84, cp_cmd_));
      break;
    case kIntrMitigate: intr_mitigate_ = value; break;
    default:
      WriteB(addr, static_cast<uint8_t>(value));
      WriteB(addr + 1, static_cast<uint8_t>(value >> 8));
      break;
  }
}

void Rtl8139::WriteL(uint32_t addr, uint32_t value) {
  if (addr >= kTsd0 && addr < kTsad0) {
    WriteTxStatus(static_cast<int>((addr - kTsd0) / 4), value);
    return;
  }
  if (addr >= kTsad0 && addr < kRbstart) {
    tx_addr_[(addr - kTsad0) / 4] = value;
    return;
  }
  switch (addr) {
    case kMpc: rx_missed_ = 0; break;
    case kTcr: WriteTxConfig(value); break;
    case kRcr:
      rx_config_ = SetMasked(value, 0xf0fc0040, rx_config_);
      ResetRxRing(8192u << ((rx_config_ >> 11) & 3));
      break;
    case kRbstart: rx_buf_ = value; break;
    case kRdsarLo: rx_ring_lo_ = value; break;
    case kRdsarHi: rx_ring_hi_ = value; break;
    case kTctr:
      tctr_base_ = machine_->clock().now();
      ScheduleTimer();
      break;
    case kTimerInt:
      timer_int_ = value;
      ScheduleTimer();
      break;
    default:
      for (int i = 0; i < 4; ++i) WriteB(addr + i, static_cast<uint8_t>(value >> (8 * i)));
      break;
  }
}

void Rtl8139::WriteCommand(uint8_t value) {
  if (value & kCrReset) Reset();
  const bool receiving = cmd_ & kCrRxEnable;
  uint8_t state = static_cast<uint8_t>(SetMasked(value, 0xe3, cmd_));
  cmd_ = state & ~kCrReset;
  if ((cmd_ & kCrRxEnable) && !receiving) Publish("rx-enable", rx_buf_, "");
}

void Rtl8139::WriteCfg9346(uint8_t value) {
  value = static_cast<uint8_t>(SetMasked(value, 0x31, cfg9346_));
  const uint8_t mode = value & 0xc0;
  if (mode == 0x80) {
    const Eeprom93c46::Signal signal =
        eeprom_.SetWires(value & 0x08, value & 0x04, value & 0x02);
    if (signal.kind == Eeprom93c46::Signal::kCommand) {
      Publish("eeprom-command", signal.value, Eeprom93c46::CommandName(signal.value));
    } else if (signal.kind == Eeprom93c46::Signal::kReadAborted) {
      Publish("eeprom-read-aborted", signal.value, "");
    }
  } else if (mode == 0x40) {
    value = 0;
    Reset();
  }
  cfg9346_ = value;
}

void Rtl8139::WriteTxConfig(uint32_t value) {
  if (!(cmd_ & kCrTxEnable)) return;
  tx_config_ = SetMasked(value, 0x7c800000 | 0x8070f80f, tx_config_);
}

void Rtl8139::WriteTxStatus(int descriptor, uint32_t value) {
  if (cplus_) {
    // C+ mode: TSD0-1 are DTCCR (tally counter dump address and command). The dump request
    // (TSD0 bit 3) is acknowledged without writing counters.
    tx_status_[descriptor] = value;
    if (descriptor == 0 && (value & 0x8)) {
      tx_status_[0] &= ~0x8u;
      Publish("tally-dump", value, "not modelled");
    }
    return;
  }
  if (!(tx_status_[descriptor] & kTsdOwn)) {
    Publish("tsd-pending", uint64_t(descriptor) << 16 | (tx_status_[descriptor] & 0x1fff), "");
  }
  value &= ~0xff00c000u;
  tx_status_[descriptor] = SetMasked(value, 0x00c00000, tx_status_[descriptor]);
  Transmit();
}

void Rtl8139::WriteIntrStatus(uint16_t value) {
  const uint16_t remaining =
      static_cast<uint16_t>(SetMasked(intr_status_ & ~value, 0x1e00, intr_status_));
  intr_status_ = remaining;
  ScheduleTimer();
  UpdateIrq();
}

void Rtl8139::ResetRxRing(uint32_t size) {
  rx_buffer_size_ = size;
  rx_buf_ptr_ = 0;
  rx_buf_addr_ = 0;
}

bool Rtl8139::RxBufferEmpty() const {
  return ((rx_buffer_size_ + rx_buf_addr_ - rx_buf_ptr_) & (rx_buffer_size_ - 1)) == 0;
}

uint16_t Rtl8139::TxSummary() const {
  uint16_t value = 0;
  for (int i = 0; i < 4; ++i) {
    if (tx_status_[i] & kTsdTok) value |= 1 << (12 + i);
    if (tx_status_[i] & kTsdUnderrun) value |= 1 << (8 + i);
    if (tx_status_[i] & kTsdAborted) value |= 1 << (4 + i);
    if (tx_status_[i] & kTsdOwn) value |= 1 << i;
  }
  return value;
}

uint32_t Rtl8139::Tctr() const {
  return static_cast<uint32_t>(MulDiv(machine_->clock().now() - tctr_base_, kPciHz, kNsPerSecond));
}

void Rtl8139::ScheduleTimer() {
  sim::VirtualClock& clock = machine_->clock();
  const uint64_t period = MulDiv(uint64_t{1} << 32, kNsPerSecond, kPciHz);
  const uint64_t now = clock.now();
  if (now >= tctr_base_ + period) tctr_base_ += (now - tctr_base_) / period * period;
  if (timer_armed_) {
    clock.Cancel(timer_);
    timer_armed_ = false;
  }
  if (timer_int_ == 0) return;
  uint64_t delta = MulDiv(timer_int_, kNsPerSecond, kPciHz);
  if (tctr_base_ + delta <= now) delta += period;
  timer_ = clock.Schedule(tctr_base_ + delta, [this] {
    timer_armed_ = false;
    intr_status_ |= kIsrTimeout;
    UpdateIrq();
    ScheduleTimer();
  });
  timer_armed_ = true;
}

void Rtl8139::Transmit() {
  const int descriptor = curr_tx_desc_;
  if (!(cmd_ & kCrTxEnable) || (tx_status_[descriptor] & kTsdOwn)) return;
  const uint32_t size = tx_status_[descriptor] & 0x1fff;
  std::vector<uint8_t> frame(size);  // without bus mastering the DMA reads nothing: zeros
  if (size > 0 && !BusMaster()) Publish("tx-no-bus-master", size, "");
  if (size > 0 && BusMaster()) {
    machine_->memory().ReadBytes(tx_addr_[descriptor], reinterpret_cast<char*>(frame.data()), size);
  }
  tx_status_[descriptor] |= kTsdOwn;
  if (size > 0) {  // QEMU drops empty frames
    const absl::string_view bytes(reinterpret_cast<const char*>(frame.data()), size);
    if ((tx_config_ & kTcrLoopback) == kTcrLoopback) {
      Publish("tx-loopback", size, absl::BytesToHexString(bytes));
      DoReceive(frame);
    } else {
      Publish("tx", size, absl::BytesToHexString(bytes));
    }
  }
  tx_status_[descriptor] |= kTsdTok;
  intr_status_ |= kIsrTxOk;
  UpdateIrq();
  curr_tx_desc_ = (curr_tx_desc_ + 1) % 4;
}

sim::RxResult Rtl8139::ReceiveFrame(absl::Span<const uint8_t> frame) {
  if (removed()) return sim::RxResult::Refused("unplugged");
  const sim::RxResult result = DoReceive(frame);
  UpdateIrq();
  return result;
}

sim::RxResult Rtl8139::DoReceive(absl::Span<const uint8_t> frame) {
  if (frame.size() > kMaxFrame) return sim::RxResult::Refused("frame longer than 65531 bytes");
  if (receive_disabled_) {
    return sim::RxResult::Refused("receive disabled after a ring overflow (until CAPR is written)");
  }
  if (!clock_enabled_) return sim::RxResult::Refused("clock stopped (HltClk)");
  if (!(cmd_ & kCrRxEnable)) return sim::RxResult::Refused("receiver off (CR RE clear)");
  if (cplus_) return sim::RxResult::Refused("C+ mode (descriptor receive not modelled)");
  static constexpr uint8_t kBroadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  uint8_t padded[kMinFrame] = {};
  if (frame.size() < kMinFrame) {
    if (!frame.empty()) std::memcpy(padded, frame.data(), frame.size());
    frame = absl::MakeConstSpan(padded, kMinFrame);
  }
  const uint8_t* buf = frame.data();
  // AAP takes every frame without a header flag; otherwise AB, AM (with its MAR bit) and APM
  // take their frames and flag them.
  uint32_t header = 0;
  if (!(rx_config_ & kRcrAllPhys)) {
    bool accept;
    if (std::memcmp(buf, kBroadcast, 6) == 0) {
      accept = rx_config_ & kRcrBroadcast;
      header |= kRxBroadcast;
    } else if (buf[0] & 1) {
      const uint32_t bit = MulticastIndex(buf);
      accept = (rx_config_ & kRcrMulticast) && (mult_[bit >> 3] & (1u << (bit & 7)));
      header |= kRxMulticast;
    } else {
      accept = (rx_config_ & kRcrMyPhys) && std::memcmp(buf, phys_.data(), 6) == 0;
      header |= kRxPhysical;
    }
    if (!accept) {
      Publish("rx-filtered", frame.size(), "");
      return sim::RxResult::Filtered();
    }
  }
  const uint32_t size = static_cast<uint32_t>(frame.size());
  const uint32_t avail = (rx_buffer_size_ + rx_buf_ptr_ - rx_buf_addr_) & (rx_buffer_size_ - 1);
  if (avail != 0 && ((size + 8 + 3) & ~3u) >= avail) {
    intr_status_ |= kIsrRxOverflow;
    ++rx_missed_;
    receive_disabled_ = true;
    Publish("rx-overflow", size, "");
    return sim::RxResult::Refused("receive ring full (ISR RxOverflow)");
  }
  header |= kRxOk | (size + 4) << 16;
  const uint8_t head[4] = {static_cast<uint8_t>(header), static_cast<uint8_t>(header >> 8),
                           static_cast<uint8_t>(header >> 16), static_cast<uint8_t>(header >> 24)};
  WriteRing(head, 4);
  WriteRing(buf, size);
  const uint32_t crc = Crc32(buf, size);
  const uint8_t tail[4] = {static_cast<uint8_t>(crc), static_cast<uint8_t>(crc >> 8),
                           static_cast<uint8_t>(crc >> 16), static_cast<uint8_t>(crc >> 24)};
  WriteRing(tail, 4);
  rx_buf_addr_ = ((rx_buf_addr_ + 3) & ~3u) & (rx_buffer_size_ - 1);
  intr_status_ |= kIsrRxOk;
  Publish("rx", size, "");
  return sim::RxResult::Stored();
}

void Rtl8139::WriteRing(const uint8_t* data, uint32_t size) {
  sim::MemorySpace& memory = machine_->memory();
  const bool bus_master = BusMaster();
  auto dma = [&](uint32_t offset, const uint8_t* bytes, uint32_t length) {
    if (!bus_master) return;  // QEMU drops DMA while the command register's bit 2 is clear
    memory.WriteBytes(uint64_t{rx_buf_} + offset,
                      absl::string_view(reinterpret_cast<const char*>(bytes), length));
  };
  if (rx_buf_addr_ + size > rx_buffer_size_) {
    // Below `size` whenever the ring address is inside the ring, which the receive path keeps;
    // clamped so that no sequence can index before `data`.
    const uint32_t wrapped = std::min((rx_buf_addr_ + size) & (rx_buffer_size_ - 1), size);
    if (wrapped != 0 && !(rx_buffer_size_ < 65536 && (rx_config_ & kRcrWrap))) {
      if (size > wrapped) dma(rx_buf_addr_, data, size - wrapped);
      dma(0, data + (size - wrapped), wrapped);
      rx_buf_addr_ = wrapped;
      return;
    }
  }
  dma(rx_buf_addr_, data, size);
  rx_buf_addr_ += size;
}

void Rtl8139::UpdateIrq() {
  irq_level_ = (intr_status_ & intr_mask_) != 0;
  SetIntx(irq_level_);
}

void Rtl8139::SetIntx(bool level) {
  if (machine_ == nullptr || !router_ || devfn() < 0) return;
  const int line = level ? router_(devfn(), 1) : -1;
  if (line == driven_line_) return;
  if (driven_line_ >= 0) machine_->irq().Set(kName, driven_line_, false);
  driven_line_ = line;
  if (line >= 0) machine_->irq().Set(kName, line, true);
}

void Rtl8139::Publish(const char* kind, uint64_t value, std::string text) {
  PciFunction::Publish(kind, value, std::move(text));
}

}  // namespace portrace::devices
