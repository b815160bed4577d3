#include "devices/pc/i8257.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"

namespace portrace::devices {
namespace {

// Command bits QEMU refuses (memory-to-memory, fixed address, compressed timing, rotating
// priority, extended write, DREQ/DACK sense): a command with any of them is dropped.
constexpr uint8_t kCommandUnsupported = 0xfb;

// Page register slots (port - page_base) to channels, as the PC wires them; -1: no register.
constexpr int kPageChannel[8] = {-1, 2, 3, 1, -1, -1, -1, 0};

std::string ModeText(uint8_t mode) {
  static constexpr const char* kOperation[4] = {"demand", "single", "block", "cascade"};
  static constexpr const char* kType[4] = {"verify", "write", "read", "illegal"};
  const unsigned operation = mode >> 6;
  if (operation == 3) return kOperation[3];
  return absl::StrCat(kOperation[operation], " ", kType[(mode >> 2) & 3],
                      (mode & 0x20) ? " decrement" : " increment",
                      (mode & 0x10) ? " auto-init" : "");
}

}  // namespace

I8257::I8257(sim::Machine* machine, const Placement& placement)
    : machine_(machine),
      name_(placement.name),
      dshift_(placement.dshift),
      first_channel_(placement.first_channel) {}

absl::StatusOr<std::unique_ptr<I8257>> I8257::Create(sim::Machine* machine,
                                                     const Placement& placement) {
  std::unique_ptr<I8257> dma(new I8257(machine, placement));
  // QEMU's channel_io_ops and cont_io_ops: default validity (1-4 bytes, aligned), bytes
  // implemented; the page registers are portio lists of byte handlers.
  const sim::AccessRules bytes = sim::AccessRules::Ops(1, 4, false, 1, 1);
  const uint32_t block = 8u << placement.dshift;
  sim::IoSpace& io = machine->io();
  PT_RETURN_IF_ERROR(
      io.Map({"dma-chan", placement.base, block, &dma->channel_ports_, bytes}).status());
  PT_RETURN_IF_ERROR(
      io.Map({"dma-cont", placement.base + block, block, &dma->control_ports_, bytes}).status());
  const sim::AccessRules page = sim::AccessRules::Portio(sim::kWidths1);
  PT_RETURN_IF_ERROR(
      io.Map({"dma-page", placement.page_base + 1u, 3, &dma->page_low_, page}).status());
  PT_RETURN_IF_ERROR(
      io.Map({"dma-page", placement.page_base + 7u, 1, &dma->page_high_, page}).status());
  return dma;
}

void I8257::Publish(absl::string_view kind, uint64_t value, std::string text) {
  machine_->events().Publish({name_, std::string(kind), value, std::move(text)});
}

bool I8257::ToggleFlipFlop() {
  const bool high = flip_flop_;
  flip_flop_ = !flip_flop_;
  return high;
}

// --- Port I/O ----------------------------------------------------------------------------------

uint64_t I8257::ChannelPorts::Read(uint64_t offset, unsigned width) {
  I8257& d = *dma_;
  const unsigned reg = (offset >> d.dshift_) & 0x0f;
  const Registers& r = d.channels_[(reg >> 1) & 3];
  const bool high = d.ToggleFlipFlop();
  // In QEMU's int arithmetic: the remaining count goes negative past the end of a transfer.
  const int64_t value =
      (reg & 1) ? (int64_t{r.base_count} << d.dshift_) - r.position
                : int64_t{r.current_address} + int64_t{r.position} * ((r.mode & 0x20) ? -1 : 1);
  return static_cast<uint64_t>(value >> (d.dshift_ + (high ? 8 : 0))) & 0xff;
}

void I8257::ChannelPorts::Write(uint64_t offset, unsigned width, uint64_t value) {
  I8257& d = *dma_;
  const unsigned reg = (offset >> d.dshift_) & 0x0f;
  Registers& r = d.channels_[(reg >> 1) & 3];
  uint16_t& base = (reg & 1) ? r.base_count : r.base_address;
  if (d.ToggleFlipFlop()) {
    base = static_cast<uint16_t>((base & 0x00ff) | (value & 0xff) << 8);
    r.current_address = int32_t{r.base_address} << d.dshift_;
    r.position = 0;
  } else {
    base = static_cast<uint16_t>((base & 0xff00) | (value & 0xff));
  }
}

uint64_t I8257::ControlPorts::Read(uint64_t offset, unsigned width) {
  I8257& d = *dma_;
  switch ((offset >> d.dshift_) & 0x0f) {
    case 0: {
      const uint8_t status = d.status_;
      d.status_ &= 0xf0;  // terminal counts clear on read; requests stay
      return status;
    }
    case 1:
      return d.mask_;
    default:
      return 0;
  }
}

void I8257::ControlPorts::Write(uint64_t offset, unsigned width, uint64_t value) {
  dma_->WriteControl((offset >> dma_->dshift_) & 0x0f, static_cast<uint8_t>(value));
}

void I8257::WriteControl(unsigned reg, uint8_t value) {
  const int index = value & 3;
  const int channel = first_channel_ + index;
  switch (reg) {
    case 0:
      if (value != 0 && (value & kCommandUnsupported)) {
        Publish("command", value, "unsupported, ignored");
        return;
      }
      command_ = value;
      Publish("command", value);
      return;
    case 1:
      if (value & 4) {
        status_ |= 0x10 << index;
      } else {
        status_ &= ~(0x10 << index);
      }
      status_ &= ~(1 << index);
      Publish("request", uint64_t(channel) << 8 | ((value >> 2) & 1));
      Run();
      return;
    case 2:
      SetMask((value & 4) ? (mask_ | 1 << index) : (mask_ & ~(1 << index)));
      Run();
      return;
    case 3:
      channels_[index].mode = value;
      Publish("mode", uint64_t(channel) << 8 | value,
              absl::StrCat("channel ", channel, ": ", ModeText(value)));
      return;
    case 4:
      flip_flop_ = false;
      return;
    case 5:
      flip_flop_ = false;
      status_ = 0;
      command_ = 0;
      Publish("master-clear", first_channel_);
      SetMask(0xff);
      return;
    case 6:
      SetMask(0);
      Run();
      return;
    case 7:
      SetMask(value);
      Run();
      return;
    default:
      return;
  }
}

void I8257::SetMask(uint8_t mask) {
  const uint8_t unmasked = mask_ & ~mask & 0x0f;
  mask_ = mask;
  Publish("mask", uint64_t(mask_ & 0x0f) << first_channel_);
  for (int i = 0; i < 4; ++i) {
    if (!(unmasked & (1 << i))) continue;
    const std::string text = Describe(i);
    Publish("ready", first_channel_ + i, text);
    if (CrossesBoundary(i)) Publish("boundary-crossing", first_channel_ + i, text);
  }
}

bool I8257::CrossesBoundary(int index) const {
  const ChannelState c = Channel(first_channel_ + index);
  if ((c.mode >> 6) == 3) return false;  // cascade: another controller's channel, no transfer
  const int64_t start = static_cast<int64_t>(c.guest_address());
  const int64_t last = c.decrement() ? start - c.length() + 1 : start + c.length() - 1;
  // A real 8237 counts within its page (64 KiB; 128 KiB of words on 16-bit channels).
  const int boundary = 16 + dshift_;
  return last < 0 || (start >> boundary) != (last >> boundary);
}

std::string I8257::Describe(int index) const {
  const ChannelState c = Channel(first_channel_ + index);
  std::string text = absl::StrCat("channel ", c.channel, ": ", ModeText(c.mode));
  if ((c.mode >> 6) == 3) return text;  // cascade: another controller's channel, no transfer
  absl::StrAppendFormat(&text, ", %u bytes at 0x%06x", c.length(), c.guest_address());
  if (CrossesBoundary(index)) {
    absl::StrAppend(&text, ", crosses a ", 64 << dshift_, " KiB boundary");
  }
  return text;
}

uint64_t I8257::PagePorts::Read(uint64_t offset, unsigned width) {
  const int index = kPageChannel[(first_ + offset) & 7];
  return index < 0 ? 0 : dma_->channels_[index].page;
}

void I8257::PagePorts::Write(uint64_t offset, unsigned width, uint64_t value) {
  const int index = kPageChannel[(first_ + offset) & 7];
  if (index >= 0) dma_->channels_[index].page = static_cast<uint8_t>(value);
}

// --- Transfer API ------------------------------------------------------------------------------

I8257::ChannelState I8257::Channel(int channel) const {
  const int index = channel & 3;
  const Registers& r = channels_[index];
  ChannelState c;
  c.channel = first_channel_ + index;
  c.unit = 1u << dshift_;
  c.mode = r.mode;
  c.base_address = r.base_address;
  c.base_count = r.base_count;
  c.current_address = static_cast<uint32_t>(r.current_address);
  c.position = r.position;
  c.page = r.page;
  c.masked = mask_ & (1 << index);
  c.request = status_ & (0x10 << index);
  c.terminal_count = status_ & (1 << index);
  return c;
}

void I8257::RegisterChannel(int channel, TransferHandler handler) {
  channels_[channel & 3].handler = std::move(handler);
}

void I8257::HoldDreq(int channel) {
  status_ |= 0x10 << (channel & 3);
  Run();
}

void I8257::ReleaseDreq(int channel) {
  status_ &= ~(0x10 << (channel & 3));
  Run();
}

void I8257::Run() {
  // A handler that holds or releases DREQ runs this again; QEMU defers that run to its bottom
  // half, portrace folds it into the one in progress.
  if (running_) return;
  running_ = true;
  for (int i = 0; i < 4; ++i) {
    if ((mask_ & (1 << i)) || !(status_ & (0x10 << i))) continue;
    // A copy: the handler may replace itself.
    const TransferHandler handler = channels_[i].handler;
    if (!handler) continue;  // QEMU's "unregistered DMA channel": the position stays
    const int length = (channels_[i].base_count + 1) << dshift_;
    const int from = channels_[i].position;
    const int to = handler(first_channel_ + i, from, length);
    channels_[i].position = to;
    const bool terminal = to == length;
    if (terminal) status_ |= 1 << i;
    Publish("transfer", first_channel_ + i,
            absl::StrFormat("bytes %d-%d of %d%s", from, to, length,
                            terminal ? ", terminal count" : ""));
  }
  running_ = false;
}

int I8257::ReadMemory(int channel, absl::Span<uint8_t> out, int position) {
  const Registers& r = channels_[channel & 3];
  const int length = static_cast<int>(out.size());
  if ((r.mode & 0x0c) == 0) return length;  // verify: no data moves
  const uint64_t address = uint64_t{r.page} << 16 | static_cast<uint32_t>(r.current_address);
  // Guest-physical arithmetic wraps as QEMU's hwaddr does.
  const uint64_t pos = static_cast<uint64_t>(int64_t{position});
  char* bytes = reinterpret_cast<char*>(out.data());
  if (r.mode & 0x20) {
    machine_->memory().ReadBytes(address - pos - out.size(), bytes, out.size());
    for (int i = 0; i < length / 2; ++i) out[i] = out[length - i - 1];
  } else {
    machine_->memory().ReadBytes(address + pos, bytes, out.size());
  }
  return length;
}

int I8257::WriteMemory(int channel, absl::Span<const uint8_t> data, int position) {
  const Registers& r = channels_[channel & 3];
  const int length = static_cast<int>(data.size());
  if ((r.mode & 0x0c) == 0) return length;
  const uint64_t address = uint64_t{r.page} << 16 | static_cast<uint32_t>(r.current_address);
  const uint64_t pos = static_cast<uint64_t>(int64_t{position});
  const absl::string_view bytes(reinterpret_cast<const char*>(data.data()), data.size());
  machine_->memory().WriteBytes((r.mode & 0x20) ? address - pos - data.size() : address + pos,
                                bytes);
  return length;
}

I8257* IsaDmaOf(sim::Machine& machine, int channel) {
  for (const std::unique_ptr<sim::Device>& device : machine.devices()) {
    auto* dma = dynamic_cast<I8257*>(device.get());
    if (dma != nullptr && dma->Serves(channel)) return dma;
  }
  return nullptr;
}

}  // namespace portrace::devices
