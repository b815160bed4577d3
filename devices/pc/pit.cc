#include "devices/pc/pit.h"

#include <utility>

#include "base/status_macros.h"

namespace portrace::devices {
namespace {

constexpr uint64_t kNsPerSecond = 1000000000;
enum : uint8_t { kLsb = 1, kMsb = 2, kWord0 = 3, kWord1 = 4 };

// a * b / c without overflow for the ranges a virtual clock produces.
uint64_t MulDiv(uint64_t a, uint64_t b, uint64_t c) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(a) * b) / c);
}

}  // namespace

Pit::Pit(sim::Machine* machine) : machine_(machine) {
  for (int i = 0; i < 3; ++i) {
    channels_[i].gate = i != 2;
    channels_[i].load_time = machine->clock().now();
  }
}

Pit::~Pit() {
  if (timer_armed_) machine_->clock().Cancel(timer_);
}

absl::StatusOr<std::unique_ptr<Pit>> Pit::Create(sim::Machine* machine) {
  std::unique_ptr<Pit> pit(new Pit(machine));
  const sim::AccessRules bytes = sim::AccessRules::Ops(1, 4, false, 1, 1);
  PT_RETURN_IF_ERROR(machine->io().Map({"pit", 0x40, 4, &pit->ports_, bytes}).status());
  PT_RETURN_IF_ERROR(machine->io().Map({"pcspk", 0x61, 1, &pit->speaker_, bytes}).status());
  pit->UpdateIrq();
  return pit;
}

void Pit::Publish(absl::string_view kind, uint64_t value, std::string text) {
  machine_->events().Publish({"pit", std::string(kind), value, std::move(text)});
}

uint64_t Pit::Ticks(const Channel& c) const {
  const uint64_t now = machine_->clock().now();
  return MulDiv(now > c.load_time ? now - c.load_time : 0, kPitFrequencyHz, kNsPerSecond);
}

uint32_t Pit::CountOf(const Channel& c) const {
  const uint64_t d = Ticks(c);
  switch (c.mode) {
    case 0:
    case 1:
    case 4:
    case 5:
      return static_cast<uint32_t>((c.count - d) & 0xffff);
    case 3:
      return static_cast<uint32_t>(c.count - ((2 * d) % c.count));
    default:
      return static_cast<uint32_t>(c.count - (d % c.count));
  }
}

bool Pit::OutputOf(const Channel& c, uint64_t d) const {
  switch (c.mode) {
    case 1:
      return d < c.count;
    case 2:
      return (d % c.count) == 0 && d != 0;
    case 3:
      return (d % c.count) < ((c.count + 1) >> 1);
    case 4:
    case 5:
      return d == c.count;
    default:
      return d >= c.count;
  }
}

uint32_t Pit::Count(int channel) const { return CountOf(channels_[channel % 3]); }
bool Pit::Output(int channel) const {
  const Channel& c = channels_[channel % 3];
  return OutputOf(c, Ticks(c));
}

void Pit::Load(int channel, uint32_t value) {
  Channel& c = channels_[channel];
  Publish("load", uint64_t(channel) << 24 | uint64_t(c.mode) << 20 | value);
  c.count = value == 0 ? 0x10000 : value;
  c.load_time = machine_->clock().now();
  if (channel == 0) UpdateIrq();
}

void Pit::Latch(Channel& c) {
  if (c.count_latched) return;
  c.latched_count = static_cast<uint16_t>(CountOf(c));
  c.count_latched = c.rw_mode;
}

void Pit::SetGate(int channel, bool gate) {
  Channel& c = channels_[channel];
  if ((c.mode == 1 || c.mode == 2 || c.mode == 3 || c.mode == 5) && gate && !c.gate) {
    c.load_time = machine_->clock().now();
  }
  c.gate = gate;
  if (channel == 0) UpdateIrq();
}

void Pit::UpdateIrq() {
  sim::VirtualClock& clock = machine_->clock();
  if (timer_armed_) {
    clock.Cancel(timer_);
    timer_armed_ = false;
  }
  const Channel& c = channels_[0];
  const uint64_t now = clock.now();
  const uint64_t d = Ticks(c);
  machine_->irq().Set("pit", 0, OutputOf(c, d));
  // The next output transition, in ticks since the load (QEMU pit_get_next_transition_time).
  uint64_t next;
  switch (c.mode) {
    case 2:
    case 3: {
      const uint64_t base = (d / c.count) * c.count;
      if (c.mode == 2) {
        next = (d - base) == 0 && d != 0 ? base + c.count : base + c.count + 1;
      } else {
        const uint64_t half = (c.count + 1) >> 1;
        next = (d - base) < half ? base + half : base + c.count;
      }
      break;
    }
    case 4:
    case 5:
      if (d < c.count) {
        next = c.count;
      } else if (d == c.count) {
        next = c.count + 1;
      } else {
        return;
      }
      break;
    default:
      if (d >= c.count) return;
      next = c.count;
      break;
  }
  uint64_t deadline = c.load_time + MulDiv(next, kNsPerSecond, kPitFrequencyHz);
  if (deadline <= now) deadline = now + 1;
  timer_ = clock.Schedule(deadline, [this] {
    timer_armed_ = false;
    UpdateIrq();
  });
  timer_armed_ = true;
}

uint64_t Pit::Ports::Read(uint64_t offset, unsigned width) {
  const unsigned port = offset & 3;
  if (port == 3) return 0;
  Channel& c = pit_->channels_[port];
  if (c.status_latched) {
    c.status_latched = false;
    return c.status;
  }
  if (c.count_latched) {
    switch (c.count_latched) {
      case kMsb:
        c.count_latched = 0;
        return c.latched_count >> 8;
      case kWord0:
        c.count_latched = kMsb;
        return c.latched_count & 0xff;
      default:
        c.count_latched = 0;
        return c.latched_count & 0xff;
    }
  }
  const uint32_t count = pit_->CountOf(c);
  switch (c.read_state) {
    case kMsb:
      return (count >> 8) & 0xff;
    case kWord0:
      c.read_state = kWord1;
      return count & 0xff;
    case kWord1:
      c.read_state = kWord0;
      return (count >> 8) & 0xff;
    default:
      return count & 0xff;
  }
}

void Pit::Ports::Write(uint64_t offset, unsigned width, uint64_t value) {
  const unsigned port = offset & 3;
  const uint8_t val = static_cast<uint8_t>(value);
  if (port == 3) {
    pit_->Publish("control", val);
    const int channel = val >> 6;
    if (channel == 3) {  // read-back
      for (int i = 0; i < 3; ++i) {
        if ((val & (2 << i)) == 0) continue;
        Channel& c = pit_->channels_[i];
        if ((val & 0x20) == 0) pit_->Latch(c);
        if ((val & 0x10) == 0 && !c.status_latched) {
          c.status = static_cast<uint8_t>(pit_->OutputOf(c, pit_->Ticks(c)) << 7 |
                                          c.rw_mode << 4 | c.mode << 1 | c.bcd);
          c.status_latched = true;
        }
      }
      return;
    }
    Channel& c = pit_->channels_[channel];
    const uint8_t access = (val >> 4) & 3;
    if (access == 0) {
      pit_->Latch(c);
      return;
    }
    c.rw_mode = access;
    c.read_state = access;
    c.write_state = access;
    c.mode = (val >> 1) & 7;
    c.bcd = val & 1;
    return;
  }
  Channel& c = pit_->channels_[port];
  switch (c.write_state) {
    case kMsb:
      pit_->Load(port, uint32_t{val} << 8);
      break;
    case kWord0:
      pit_->Publish("load-low", uint64_t(port) << 8 | val);
      c.write_latch = val;
      c.write_state = kWord1;
      break;
    case kWord1:
      pit_->Load(port, c.write_latch | uint32_t{val} << 8);
      c.write_state = kWord0;
      break;
    default:
      pit_->Load(port, val);
      break;
  }
}

uint64_t Pit::SpeakerPort::Read(uint64_t offset, unsigned width) {
  refresh_ ^= 0x10;
  const Channel& c = pit_->channels_[2];
  return uint64_t{c.gate} | uint64_t{data_on_} << 1 | refresh_ |
         uint64_t{pit_->OutputOf(c, pit_->Ticks(c))} << 5;
}

void Pit::SpeakerPort::Write(uint64_t offset, unsigned width, uint64_t value) {
  pit_->Publish("gate", value & 0xff);
  data_on_ = (value >> 1) & 1;
  pit_->SetGate(2, value & 1);
}

}  // namespace portrace::devices
