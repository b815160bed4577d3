// I8257: one of the PC's two 8237A-compatible ISA DMA controllers, as QEMU 7.2's i8257 answers
// them through port I/O. QEMU's pc machine always has both (even with -nodefaults; its
// i8257_dma_init without high page registers):
//   controller 1 ("dma1", 8-bit channels 0-3): registers at 0x00-0x0f, page registers 0x81-0x83
//     and 0x87;
//   controller 2 ("dma2", 16-bit channels 4-7): registers at 0xc0-0xdf, one every two ports
//     (QEMU's dshift 1: the odd port between two registers is the same register), page registers
//     0x89-0x8b and 0x8f.
// Port 0x80 is the POST port (devices/pc/port80.h) and 0x84-0x86, 0x88, 0x8c-0x8e are unclaimed,
// exactly as in QEMU; QEMU's pc maps no high page registers (0x481...).
//
// Registers, at register index r of the channel block (base + (r << dshift)):
//   r 0-7   channel n = r / 2: even r the address, odd r the count. Each is 16 bits wide, loaded
//           and read a byte at a time through the controller's flip-flop (low byte first). A high
//           byte written reloads the channel's current registers (current address = base
//           address << dshift, position 0). Reads answer the current address (base address plus
//           the bytes transferred, minus in decrement mode) and the remaining count (base count
//           << dshift minus the bytes transferred), shifted back by dshift.
// and at index r of the control block (base + (8 << dshift) + (r << dshift)):
//   r 0  read: the status (bits 0-3 terminal count, 4-7 request), clearing bits 0-3;
//        write: the command; as in QEMU only 0x00 and 0x04 (controller disable) are accepted,
//        anything else is dropped, and nothing reads the command back or acts on it.
//   r 1  read: the mask register (QEMU's; real 8237s read it at r 7); write: the request register
//        (bit 2 sets, else clears, channel bits 0-1's software request; its terminal count clears).
//   r 2  write: single mask bit (bit 2 masks, else unmasks, channel bits 0-1).
//   r 3  write: the mode of channel bits 0-1 (transfer type bits 2-3: verify, write to memory,
//        read from memory, illegal; auto-initialisation bit 4; address decrement bit 5; bits 6-7
//        demand, single, block, cascade).
//   r 4  write: clear the flip-flop.   r 5  write: master clear (flip-flop, command, status clear;
//        every channel masked; addresses, counts, modes and pages stay).
//   r 6  write: clear every mask bit.  r 7  write: the mask register (all 8 bits are stored and
//        read back at r 1).
//   Other reads (the temporary register at r 5 among them) answer 0; writes to read-only
//   registers are ignored. Reset: mask 0xff, everything else 0.
// Page registers hold bits 16-23 of a channel's guest address (page << 16 | current address; on
// 16-bit channels, as in QEMU, ORed with the word address shifted left by one).
// Access rules as QEMU registers them: both register blocks implement bytes (a word or dword is
// split into byte accesses, unaligned accesses into aligned pieces first); the page registers are
// a portio list with byte handlers (a word is split, the byte past a run's end reads 0xff; a
// dword reads all ones and is dropped).
//
// A DMA-capable device (a floppy controller) uses the transfer API below, as QEMU's devices use
// IsaDmaClass: it registers a transfer handler for its channel and holds DREQ; Run() then calls
// the handler of every unmasked channel whose request is set with (position, length) and takes
// the position it returns, setting the channel's terminal count when it reaches the length. The
// handler moves data with ReadMemory/WriteMemory, which address guest memory (machine->memory())
// as QEMU's i8257 does. QEMU re-runs pending channels from an idle bottom half for as long as a
// request stays; portrace has no main loop, so Run() runs each pending channel once per call
// (writes to the request and mask registers and HoldDreq/ReleaseDreq call it, as in QEMU). A
// channel with no handler keeps its position (QEMU's "unregistered DMA channel" handler).
//
// Events (devices "dma1", "dma2"; channel numbers are ISA channel numbers 0-7):
//   mode          value = channel << 8 | the mode byte; text decodes it ("single write increment")
//   mask          value = the channels masked after a mask write or master clear, as ISA channel
//                 bits (controller 2's channels in bits 4-7)
//   ready         value = channel: a mask write unmasked it; text is the transfer the guest
//                 programmed ("channel 2: single write increment, 512 bytes at 0x001000"), noting
//                 when the range crosses a 64 KiB (16-bit channels: 128 KiB) boundary, which a
//                 real 8237 wraps within and QEMU does not
//   boundary-crossing  value = channel, text as ready's: published after "ready" for such a range
//   request       value = channel << 8 | 1 (set) or 0 (cleared) by the request register
//   command       value = the command byte; text "unsupported, ignored" when QEMU drops it
//   master-clear  value = the controller's first channel (0 or 4)
//   transfer      value = channel: a transfer handler ran; text "bytes A-B of N[, terminal count]"
// Not thread-safe.
#ifndef PORTRACE_DEVICES_PC_I8257_H_
#define PORTRACE_DEVICES_PC_I8257_H_

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "sim/device.h"
#include "sim/io_region.h"
#include "sim/machine.h"

namespace portrace::devices {

class I8257 : public sim::Device {
 public:
  // Where a controller sits and how wide its channels are (QEMU's base, page-base and dshift).
  struct Placement {
    absl::string_view name;  // device name, for events
    uint16_t base;           // channel registers; control registers at base + (8 << dshift)
    uint16_t page_base;      // page registers at page_base + 1..3 and + 7
    int dshift;              // 0: 8-bit channels, registers on consecutive ports; 1: 16-bit
    int first_channel;       // ISA channel number of channel 0: 0 or 4
  };
  static constexpr Placement kController1 = {"dma1", 0x00, 0x80, 0, 0};
  static constexpr Placement kController2 = {"dma2", 0xc0, 0x88, 1, 4};

  // Mode bits 2-3.
  enum class TransferType { kVerify, kWrite, kRead, kIllegal };  // write: device to memory

  // One channel's registers as a transfer sees them.
  struct ChannelState {
    int channel = 0;               // ISA channel number
    unsigned unit = 1;             // bytes per transfer unit: 1, or 2 on controller 2
    uint8_t mode = 0;              // the last mode byte written for the channel
    uint16_t base_address = 0;     // as programmed, in units
    uint16_t base_count = 0;       // as programmed: units - 1
    uint32_t current_address = 0;  // base address in bytes (QEMU's now[ADDR]), since the last
                                   // high byte written
    int32_t position = 0;          // bytes transferred since then (QEMU's now[COUNT])
    uint8_t page = 0;
    bool masked = true;
    bool request = false;  // software request or DREQ held
    bool terminal_count = false;

    TransferType type() const { return static_cast<TransferType>((mode >> 2) & 3); }
    bool auto_initialize() const { return mode & 0x10; }
    bool decrement() const { return mode & 0x20; }
    // Bytes the programmed count covers: (base count + 1) units.
    uint32_t length() const { return (uint32_t{base_count} + 1) * unit; }
    // Where the transfer starts in guest memory (QEMU: page << 16 | current address).
    uint64_t guest_address() const { return uint64_t{page} << 16 | current_address; }
  };

  // Moves data for `channel` from byte `position` of a `length`-byte transfer and returns the
  // new position (QEMU's IsaDmaTransferHandler).
  using TransferHandler = std::function<int(int channel, int position, int length)>;

  // Maps the channel block, the control block and the page registers of `placement`.
  // AlreadyExists if one of them overlaps a mapping already there.
  static absl::StatusOr<std::unique_ptr<I8257>> Create(sim::Machine* machine,
                                                       const Placement& placement);

  absl::string_view name() const override { return name_; }

  // The transfer API. `channel` is an ISA channel number; as in QEMU only its two low bits
  // select the register set, so callers pass one this controller serves (IsaDmaOf finds it).
  bool Serves(int channel) const {
    return channel >= first_channel_ && channel < first_channel_ + 4;
  }
  ChannelState Channel(int channel) const;
  // Replaces the channel's handler (an empty one unregisters it).
  void RegisterChannel(int channel, TransferHandler handler);
  // DREQ: sets or clears the channel's request bit, then runs pending channels.
  void HoldDreq(int channel);
  void ReleaseDreq(int channel);
  // Runs the handler of every unmasked channel with its request set, once.
  void Run();
  // Reads `out.size()` bytes of guest memory for the device, `position` bytes into the transfer
  // (QEMU i8257_dma_read_memory, its decrement-mode byte order included: the first half of
  // `out` mirrors the second). Verify transfers leave `out` as it is. Returns out.size().
  int ReadMemory(int channel, absl::Span<uint8_t> out, int position);
  // Writes `data` to guest memory `position` bytes into the transfer (QEMU
  // i8257_dma_write_memory; in decrement mode the bytes land below the address, in their order).
  // Verify transfers write nothing. Returns data.size().
  int WriteMemory(int channel, absl::Span<const uint8_t> data, int position);

 private:
  // Registers at base: addresses and counts.
  class ChannelPorts : public sim::IoRegion {
   public:
    explicit ChannelPorts(I8257* dma) : dma_(dma) {}
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;

   private:
    I8257* dma_;
  };
  // Registers at base + (8 << dshift): status, command, request, masks, mode, flip-flop, clear.
  class ControlPorts : public sim::IoRegion {
   public:
    explicit ControlPorts(I8257* dma) : dma_(dma) {}
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;

   private:
    I8257* dma_;
  };
  // A run of page registers starting at page_base + `first`.
  class PagePorts : public sim::IoRegion {
   public:
    PagePorts(I8257* dma, unsigned first) : dma_(dma), first_(first) {}
    uint64_t Read(uint64_t offset, unsigned width) override;
    void Write(uint64_t offset, unsigned width, uint64_t value) override;

   private:
    I8257* dma_;
    unsigned first_;
  };

  struct Registers {
    uint16_t base_address = 0, base_count = 0;
    int32_t current_address = 0, position = 0;
    uint8_t mode = 0, page = 0;
    TransferHandler handler;
  };

  I8257(sim::Machine* machine, const Placement& placement);
  bool ToggleFlipFlop();
  void WriteControl(unsigned reg, uint8_t value);
  void SetMask(uint8_t mask);
  std::string Describe(int index) const;
  // Whether channel `index`'s programmed range crosses its page (64 KiB; 128 KiB on controller 2).
  bool CrossesBoundary(int index) const;
  void Publish(absl::string_view kind, uint64_t value, std::string text = "");

  sim::Machine* machine_;
  std::string name_;
  int dshift_;
  int first_channel_;
  std::array<Registers, 4> channels_;
  uint8_t status_ = 0;
  uint8_t command_ = 0;
  uint8_t mask_ = 0xff;
  bool flip_flop_ = false;
  bool running_ = false;
  ChannelPorts channel_ports_{this};
  ControlPorts control_ports_{this};
  PagePorts page_low_{this, 1}, page_high_{this, 7};
};

// The controller of `machine` serving ISA DMA channel `channel` (0-7), or null (QEMU's
// isa_bus_get_dma).
I8257* IsaDmaOf(sim::Machine& machine, int channel);

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PC_I8257_H_
