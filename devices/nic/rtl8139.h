// Rtl8139: QEMU's rtl8139 (RTL8139C+, 10ec:8139 rev 0x20, class 0200, INTA, capability pointer
// 0xdc without a list, subsystem 1af4:1100) with its register core behind BAR0 (I/O, 256 bytes)
// and BAR1 (MMIO, 256 bytes). Written from the RTL8139 datasheet and checked against QEMU 7.2
// through qtest (testdata/fidelity/nic-rtl8139.qtest). The expansion ROM register sizes as QEMU's
// 256 KiB efi-rtl8139.rom; the ROM itself is not mapped.
//
// Registers answer by access width as QEMU's handlers do (a width without its own handler is
// built from byte handlers; unknown bytes read 0 and drop writes):
//   IDR0-5 (0x00, any width; 0x06-0x07 read 0)    MAR0-7 (0x08, any width)
//   TSD0-3 (0x10) dword writes, reads any width; a write keeps bits 22-23, clears 14-15 and
//          24-31 and, when the transmitter is on and the *current* descriptor is not OWN,
//          sends TSD & 0x1fff bytes from TSAD by DMA (none for 0 bytes), then sets OWN, TOK and
//          ISR TOK and moves to the next descriptor
//   TSAD0-3 (0x20) dwords; word reads at 0x10-0x2f read through TSD0-3 then TSAD0-3 (QEMU's
//          word handler indexes past TxStatus[] into TxAddr[])
//   RBSTART (0x30) dword    CR (0x37) byte: RST (bit 4) resets, RE/TE (bits 3, 2) stored,
//          BUFE (bit 0) computed from CBR == CAPR + 16
//   CAPR (0x38) / CBR (0x3a) words (CAPR reads back the write, the ring keeps it + 16)
//   IMR (0x3c, bits 9-12 read-only 0) and ISR (0x3e, write 1 to clear) words
//   TCR (0x40) dword, writable only while TE is set (bits 4-7, 8-10, 16-19, 24-25); byte 0x40
//          writes its low byte, byte 0x43 reads the hardware version
//   RCR (0x44) dword (writable 0x0f03ffbf); a write resets the ring to 8 KiB << bits 11-12
//   TCTR (0x48) dword: 33 MHz ticks of virtual time since the last write; TimerInt (0x54)
//          dword: ISR PCSTimeout (0x4000) when TCTR passes it; MPC (0x4c) dword, write clears
//   9346CR (0x50) byte: EEM 10 bit-bangs the 93C46 (eeprom93c46.h, QEMU's contents: 0x8129,
//          10ec, 8139, MAC in words 7-9); EEM 01 resets the chip; 11 unlocks CONFIG0-4
//   CONFIG0/1/3/4 (0x51, 0x52, 0x59, 0x5a) bytes, writable while unlocked; CONFIG5 (0xd8) always
//   MSR (0x58) 0xd0; HltClk (0x5b) 'R'/'H' start/stop the clock (a stopped clock takes no
//   frames); MULINT (0x5c) word (12 bits); revision (0x5e) 0x20; TSAD summary (0x60) word;
//   BMCR (0x62, bit 9 writable) BMSR (0x64, bits 6-7 writable) ANAR (0x66) ANLPAR (0x68,
//   read-only) ANER (0x6a) words; CSCR (0x74) word 0x0340; C+ CpCmd (0xe0) word (writing it
//   enters C+ mode); IntrMitigate (0xe2) stored, reads 0; RDSAR (0xe4/0xe8) dwords; TxThresh
//   (0xec) byte.
// Reset (CR RST, 9346CR EEM 01, power-on) restores what QEMU's rtl8139_reset does and keeps
// RCR, MAR, TSAD, 9346CR, CONFIG4, MULINT, TxThresh.
//
// Transmit publishes device event "tx" (device "rtl8139", value = length, text = hex); with TCR
// loopback (bits 17-18) the frame is received instead ("tx-loopback"); before either, a
// transmit of a non-empty frame while bus mastering is off publishes "tx-no-bus-master" (value =
// length). A CR write that turns RE on publishes "rx-enable", value = RBSTART. A TSD write
// (outside C+ mode) to a descriptor whose OWN bit is clear, i.e. whose earlier frame is still
// queued and unsent (not the current descriptor, or TE off), publishes "tsd-pending", value =
// descriptor << 16 | the pending size; the write replaces the queued frame. ReceiveFrame(frame)
// (the FrameReceiver side: replay's injected frames, tests) and loopback are QEMU's ring receive:
// the RCR filter (AAP takes every frame without a header flag; otherwise AB, AM with the MAR hash
// and APM take theirs and set their flag), padding to 60 bytes, a 4-byte header (ROK, flags, length
// + 4), the data and the CRC-32 written by DMA at RBSTART + CBR (wrapping at the ring end unless
// RCR WRAP), CBR rounded up to 4. No room (fewer than 8 + length bytes between CBR and CAPR) sets
// ISR RxOverflow, counts MPC and refuses every frame, uncounted, until the next CAPR write (QEMU's
// receive_disabled). Frames are refused too while RE is off, the clock is stopped (HltClk), in C+
// mode, above kMaxFrame, and once the function is unplugged; each refusal gives its reason.
// Filtered frames publish "rx-filtered", stored ones "rx" (value = length). The 93C46 bit-banged
// through 9346CR publishes "eeprom-command" (value = the 8 command bits, text "READ 0x05", "EWEN",
// ...) and "eeprom-read-aborted" (value = data bits clocked out when CS dropped). INTA# is
// ISR & IMR != 0, routed as in ne2k_pci.h.
//
// DMA needs bus mastering (PCI command bit 2): without it the ring writes are dropped (as QEMU
// drops them) and transmit reads zeros (QEMU's value is not observable through qtest).
//
// Not modelled: C+ descriptor rings (RDSAR and TxPoll are stored; C+ receive refuses frames; a
// C+ mode tally dump request is acknowledged without writing counters), the PHY reset bit.
// Not thread-safe.
#ifndef PORTRACE_DEVICES_NIC_RTL8139_H_
#define PORTRACE_DEVICES_NIC_RTL8139_H_

#include <array>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "devices/nic/eeprom93c46.h"
#include "devices/nic/ne2k_pci.h"
#include "devices/nic/nic_options.h"
#include "devices/pci/pci_function.h"
#include "sim/frame_receiver.h"
#include "sim/io_region.h"
#include "sim/machine.h"
#include "sim/virtual_clock.h"

namespace portrace::devices {

class Rtl8139 : public PciFunction, public sim::FrameReceiver {
 public:
  static constexpr size_t kMaxFrame = 0xffff - 4;

  // `machine` gives DMA, the clock, events and IRQ lines; `router` may be null (no interrupts).
  static absl::StatusOr<std::unique_ptr<Rtl8139>> Create(const NicOptions& options,
                                                         sim::Machine* machine,
                                                         IntxRouter router = nullptr);
  ~Rtl8139() override;

  // A frame from the wire: stored, filtered, or refused now (receiver off, clock stopped, C+
  // mode, ring full or receive disabled after an overflow, longer than kMaxFrame, unplugged).
  sim::RxResult ReceiveFrame(absl::Span<const uint8_t> frame) override;
  // ReceiveFrame(frame).taken().
  bool Receive(absl::Span<const uint8_t> frame) { return ReceiveFrame(frame).taken(); }
  bool irq_level() const { return irq_level_; }

 private:
  class Registers : public sim::IoRegion {
   public:
    explicit Registers(Rtl8139* nic) : nic_(nic) {}
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;

   private:
    Rtl8139* nic_;
  };

  Rtl8139(const NicOptions& options, sim::Machine* machine, IntxRouter router);

  void Reset();
  uint8_t ReadB(uint32_t addr);
  uint16_t ReadW(uint32_t addr);
  uint32_t ReadL(uint32_t addr);
  void WriteB(uint32_t addr, uint8_t value);
  void WriteW(uint32_t addr, uint16_t value);
  void WriteL(uint32_t addr, uint32_t value);

  void WriteCommand(uint8_t value);
  void WriteCfg9346(uint8_t value);
  void WriteTxConfig(uint32_t value);
  void WriteTxStatus(int descriptor, uint32_t value);
  void WriteIntrStatus(uint16_t value);
  void ResetRxRing(uint32_t size);
  bool RxBufferEmpty() const;
  bool BusMaster() const { return config_byte(kPciCommand) & kPciCommandMaster; }
  bool ConfigWritable() const { return (cfg9346_ & 0xc0) == 0xc0; }
  uint16_t TxSummary() const;
  uint32_t Tctr() const;
  void ScheduleTimer();
  void Transmit();
  sim::RxResult DoReceive(absl::Span<const uint8_t> frame);
  void WriteRing(const uint8_t* data, uint32_t size);
  void UpdateIrq();
  void SetIntx(bool level);
  void Publish(const char* kind, uint64_t value, std::string text);

  NicOptions options_;
  sim::Machine* machine_;
  IntxRouter router_;
  Registers registers_{this};
  Eeprom93c46 eeprom_;
  int driven_line_ = -1;
  bool irq_level_ = false;
  sim::VirtualClock::TimerId timer_ = 0;
  bool timer_armed_ = false;

  std::array<uint8_t, 6> phys_{};
  std::array<uint8_t, 8> mult_{};
  std::array<uint32_t, 4> tx_status_{};
  std::array<uint32_t, 4> tx_addr_{};
  int curr_tx_desc_ = 0;
  uint32_t rx_buf_ = 0;
  uint32_t rx_buffer_size_ = 8192;
  uint32_t rx_buf_ptr_ = 0;
  uint32_t rx_buf_addr_ = 0;
  uint16_t intr_mask_ = 0;
  uint16_t intr_status_ = 0;
  uint32_t tx_config_ = 0;
  uint32_t rx_config_ = 0;
  uint32_t rx_missed_ = 0;
  uint8_t cmd_ = 0;
  uint8_t cfg9346_ = 0;
  uint8_t config0_ = 0, config1_ = 0, config3_ = 0, config4_ = 0, config5_ = 0;
  bool clock_enabled_ = true;
  uint16_t multi_intr_ = 0;
  uint16_t intr_mitigate_ = 0;
  uint16_t bmcr_ = 0, bmsr_ = 0, anar_ = 0, anlpar_ = 0, aner_ = 0;
  uint16_t cscr_ = 0;
  uint16_t cp_cmd_ = 0;
  bool cplus_ = false;
  // QEMU's receive_disabled: after an overflow the network layer offers no frame (none is
  // counted in MPC) until a CAPR write flushes the queue.
  bool receive_disabled_ = false;
  uint32_t rx_ring_lo_ = 0, rx_ring_hi_ = 0;
  uint8_t tx_thresh_ = 0;
  uint64_t tctr_base_ = 0;
  uint32_t timer_int_ = 0;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_NIC_RTL8139_H_
