// Ne2000Core: the register core of QEMU's NE2000 (hw/net/ne2000.c, a DP8390 behind the NE2000
// ASIC), shared by ne2k_pci (BAR0, 256 bytes) and ne2k_isa (0x300, 32 ports). Written from the
// DP8390 / NE2000 datasheets and checked against QEMU 7.2 through qtest
// (testdata/fidelity/nic-ne2k.qtest).
//
// Offsets (relative to the region):
//   0x00-0x0f  DP8390 registers, byte accesses only (other widths read all ones, writes drop).
//              0x00 is CR on every page; the others are selected by CR bits 7-6 (PS):
//              page 0 read:  BNRY(3) TSR(4) ISR(7) RSAR lo/hi (8/9, QEMU answers RSAR rather
//                            than CRDA) RTL8029 id 0x50 0x43 (a/b) RSR(c), all else 0
//              page 0 write: PSTART(1) PSTOP(2) BNRY(3) TPSR(4) TBCR(5/6) ISR(7, write 1 to
//                            clear bits 0-6; RST stays) RSAR(8/9) RBCR(a/b) RCR(c) DCR(e)
//                            IMR(f); TCR(d) is accepted and not stored (QEMU has no TCR)
//              page 1:       PAR0-5(1-6) CURR(7) MAR0-7(8-f), read and write
//              page 2 read:  PSTART(1) PSTOP(2), all else 0; page 3 read: CONFIG0 0,
//                            CONFIG2 0x40, CONFIG3 0x40, all else 0; pages 2-3 writes dropped
//              PSTART/PSTOP writes above page 0xc0, BNRY/CURR writes at or above it are dropped.
//   0x10       data port: remote DMA at RSAR. DCR bit 0 (WTS) picks byte or word transfers for
//              1- and 2-byte accesses; 4-byte accesses move a dword. Each transfer advances RSAR
//              (wrapping to PSTART when it lands exactly on PSTOP) and counts RBCR down; when
//              RBCR runs out ISR RDC (0x40) is set. Writes are dropped while RBCR is 0; reads
//              always transfer. Word and dword transfers clear RSAR bit 0 for the address.
//   0x1f       reset port: a byte read resets (ISR = RST, PROM rebuilt) and answers 0.
//   other      read all ones, writes dropped.
//
// Buffer: QEMU's 48 KiB array of which the guest reaches bytes 0-31 (the PROM) and
// 0x4000-0xbfff (the 32 KiB packet memory); other addresses read all ones and drop writes. The
// PROM is rebuilt on reset as QEMU does: MAC into bytes 0-5, 0x57 0x57 into 14-15, then bytes
// 0-15 doubled into 0-31 — bytes 6-13 keep whatever the buffer held (zero at power-on, the
// doubled MAC after an earlier reset).
//
// CR: a write stores the value; without STP (bit 0) it clears ISR RST, sets ISR RDC for a remote
// read/write command while RBCR is 0, and with TXP (bit 2) transmits TBCR bytes from page TPSR
// (pages >= 0xc0 fold down by 0x80; frames reaching past 0xc000 are not sent) and then sets TSR
// PTX, ISR PTX and clears TXP. Transmission publishes a device event (device = the owner's
// name): kind "tx", value = length, text = the frame in lowercase hex. A CR write that sets STA
// without STP while the NIC was not running (STA clear or STP set before; CR is 0 at power-on)
// publishes "start", value = PSTART page << 24 | PSTOP page << 16 | BNRY << 8 | CURR (the ring
// the receiver starts with). A data-port access while RBCR is 0 (no remote DMA programmed, or
// the count already used up) publishes "data-idle", value = width, text "read" (the read still
// transfers) or "write" (dropped).
//
// ReceiveFrame(frame) is the wire side (replay's injected frames, tests): as QEMU's
// ne2000_receive — refused while CR STP is set, while PSTOP is not above PSTART, or while the
// ring (PSTART..PSTOP, CURR vs BNRY) has room for less than 1518 bytes; frames failing the
// address filter (RCR PRO/AB/AM, MAR hash, unicast against PROM bytes 0,2,..,10) are taken and
// dropped (event "rx-filtered", value = padded length); short frames are padded to 60; a 4-byte
// header (RSR, next page, length incl. header) precedes the data at CURR, the data wraps from
// PSTOP to PSTART, CURR moves past it (rounded up to a page, with 4 bytes for the CRC QEMU never
// writes) and ISR PRX is set. Event "rx", value = length. Like QEMU no ISR OVW is ever raised: a
// full ring refuses the frame, publishing "rx-overflow" (value = length) so that rules see the
// lost frame (QEMU's network layer would queue it; a replayed capture has no queue).
//
// The interrupt output is (ISR & IMR & 0x7f) != 0, reported through the callback on every
// update. Not thread-safe.
#ifndef PORTRACE_DEVICES_NIC_NE2000_H_
#define PORTRACE_DEVICES_NIC_NE2000_H_

#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/types/span.h"
#include "sim/access_rules.h"
#include "sim/device_event.h"
#include "sim/frame_receiver.h"
#include "sim/io_region.h"

namespace portrace::devices {

class Ne2000Core : public sim::IoRegion {
 public:
  static constexpr uint32_t kMemSize = 0xc000;  // QEMU's array; 0x4000-0xbfff is packet memory
  static constexpr uint32_t kPmemStart = 0x4000;
  static constexpr uint32_t kPmemEnd = 0xc000;
  static constexpr size_t kMaxFrame = 0xffff - 4;  // the header's length field

  // `name` names the device in events; `events` may be null (no events); `set_irq` receives the
  // interrupt output level after every update and may be empty.
  Ne2000Core(std::string name, const std::array<uint8_t, 6>& mac, sim::DeviceEventBus* events,
             std::function<void(bool)> set_irq);

  // QEMU's ne2000_ops: any width 1-4, aligned, implemented as given.
  static sim::AccessRules rules() { return sim::AccessRules::Ops(1, 4, false, 1, 4, false); }

  uint64_t Read(uint64_t offset, unsigned width) override;
  void Write(uint64_t offset, unsigned width, uint64_t value) override;

  // QEMU's ne2000_reset (also what the reset port does).
  void Reset();
  // Delivers a frame from the wire: stored, filtered, or refused now (stopped, no ring, ring
  // full, a frame longer than kMaxFrame) with the reason.
  sim::RxResult ReceiveFrame(absl::Span<const uint8_t> frame);
  // ReceiveFrame(frame).taken(): true when stored or dropped by the filter.
  bool Receive(absl::Span<const uint8_t> frame) { return ReceiveFrame(frame).taken(); }

  bool irq_level() const { return irq_level_; }

 private:
  uint8_t ReadRegister(unsigned reg);
  void WriteRegister(unsigned reg, uint8_t value);
  uint32_t DataRead(unsigned width);
  void DataWrite(unsigned width, uint32_t value);
  void DmaAdvance(unsigned len);
  void Transmit();
  bool RingFull() const;
  bool InGuestRange(uint32_t addr) const { return addr < 32 || (addr >= kPmemStart && addr < kMemSize); }
  void UpdateIrq();
  void Publish(const char* kind, uint64_t value, std::string text);

  std::string name_;
  std::array<uint8_t, 6> mac_;
  sim::DeviceEventBus* events_;
  std::function<void(bool)> set_irq_;
  bool irq_level_ = false;

  uint8_t cmd_ = 0;
  uint32_t start_ = 0;
  uint32_t stop_ = 0;
  uint8_t boundary_ = 0;
  uint8_t tsr_ = 0;
  uint8_t tpsr_ = 0;
  uint16_t tcnt_ = 0;
  uint16_t rcnt_ = 0;
  uint32_t rsar_ = 0;
  uint8_t rsr_ = 0;
  uint8_t rxcr_ = 0;
  uint8_t isr_ = 0;
  uint8_t dcfg_ = 0;
  uint8_t imr_ = 0;
  std::array<uint8_t, 6> phys_{};
  uint8_t curpag_ = 0;
  std::array<uint8_t, 8> mult_{};
  // +3: a dword transfer at 0xbffe touches bytes past the array in QEMU; here they are slack.
  std::array<uint8_t, kMemSize + 3> mem_{};
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_NIC_NE2000_H_
