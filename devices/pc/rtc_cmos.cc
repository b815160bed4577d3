#include "devices/pc/rtc_cmos.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "base/status_macros.h"

namespace portrace::devices {
namespace {

constexpr int64_t kNsPerSecond = 1000000000;
// QEMU's UIP_HOLD_LENGTH: 8 periods of the 32.768 kHz clock.
constexpr int64_t kUipHoldNs = 8 * kNsPerSecond / 32768;

enum : uint8_t {
  kSeconds = 0x00,
  kMinutes = 0x02,
  kHours = 0x04,
  kDayOfWeek = 0x06,
  kDayOfMonth = 0x07,
  kMonth = 0x08,
  kYear = 0x09,
  kRegA = 0x0a,
  kRegB = 0x0b,
  kRegC = 0x0c,
  kRegD = 0x0d,
  kCentury = 0x32,
  kPs2Century = 0x37,
};
constexpr uint8_t kRegAUip = 0x80, kRegBSet = 0x80, kRegBDm = 0x04, kRegB24h = 0x02;
constexpr uint8_t kRegBUie = 0x10;

bool IsClockRegister(uint8_t index) {
  return index == kSeconds || index == kMinutes || index == kHours || index == kDayOfWeek ||
         index == kDayOfMonth || index == kMonth || index == kYear || index == kCentury;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

absl::StatusOr<int64_t> ParseRtcBase(absl::string_view text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime("%Y-%m-%dT%H:%M:%S", text, absl::UTCTimeZone(), &time, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--rtc-base=", text, ": expected YYYY-MM-DDTHH:MM:SS (", error, ")"));
  }
  const int64_t seconds = absl::ToUnixSeconds(time);
  if (seconds < 0 || seconds > int64_t{253402300799}) {  // 1970 .. 9999-12-31
    return absl::InvalidArgumentError(
        absl::StrCat("--rtc-base=", text, ": outside the years 1970-9999"));
  }
  return seconds;
}

RtcCmos::RtcCmos(sim::Machine* machine, int64_t base_seconds)
    : machine_(machine), base_ns_(base_seconds * kNsPerSecond) {
  cmos_[kRegA] = 0x26;
  cmos_[kRegB] = kRegB24h;
  cmos_[kRegD] = 0x80;
  UpdateTimeRegisters();
}

absl::StatusOr<std::unique_ptr<RtcCmos>> RtcCmos::Create(sim::Machine* machine,
                                                         int64_t base_seconds) {
  std::unique_ptr<RtcCmos> rtc(new RtcCmos(machine, base_seconds));
  const sim::AccessRules bytes = sim::AccessRules::Ops(1, 4, false, 1, 1);
  PT_RETURN_IF_ERROR(
      machine->io().Map({"rtc-index", 0x70, 1, &rtc->index_port_, bytes}).status());
  PT_RETURN_IF_ERROR(machine->io().Map({"rtc", 0x71, 1, &rtc->data_port_, bytes}).status());
  return rtc;
}

void RtcCmos::Publish(absl::string_view kind, uint64_t value, std::string text) {
  machine_->events().Publish({"rtc", std::string(kind), value, std::move(text)});
}

int64_t RtcCmos::GuestTimeNs() const {
  // Wraps rather than overflows for a hostile clock (unsigned arithmetic is defined).
  return static_cast<int64_t>(static_cast<uint64_t>(base_ns_) + machine_->clock().now() +
                              static_cast<uint64_t>(adjust_ns_));
}

bool RtcCmos::Running() const {
  return (cmos_[kRegB] & kRegBSet) == 0 && (cmos_[kRegA] & 0x70) <= 0x20;
}

bool RtcCmos::UpdateInProgress() const {
  if (!Running()) return false;
  const int64_t ns = GuestTimeNs();
  const int64_t in_second = ns - FloorDiv(ns, kNsPerSecond) * kNsPerSecond;
  return in_second >= kNsPerSecond - kUipHoldNs;
}

uint8_t RtcCmos::Encode(int value) const {
  if (cmos_[kRegB] & kRegBDm) return static_cast<uint8_t>(value);
  return static_cast<uint8_t>(((value / 10) << 4) | (value % 10));
}

int RtcCmos::Decode(uint8_t value) const {
  if (cmos_[kRegB] & kRegBDm) return value;
  return ((value >> 4) & 0x0f) * 10 + (value & 0x0f);
}

void RtcCmos::UpdateTimeRegisters() {
  const int64_t seconds = FloorDiv(GuestTimeNs(), kNsPerSecond);
  const absl::CivilSecond t = absl::ToCivilSecond(absl::FromUnixSeconds(seconds), absl::UTCTimeZone());
  cmos_[kSeconds] = Encode(t.second());
  cmos_[kMinutes] = Encode(t.minute());
  if (cmos_[kRegB] & kRegB24h) {
    cmos_[kHours] = Encode(t.hour());
  } else {
    const int h = t.hour() % 12;
    cmos_[kHours] = Encode(h == 0 ? 12 : h) | (t.hour() >= 12 ? 0x80 : 0);
  }
  cmos_[kDayOfWeek] = Encode(static_cast<int>(absl::GetWeekday(absl::CivilDay(t))) == 6
                                 ? 1
                                 : static_cast<int>(absl::GetWeekday(absl::CivilDay(t))) + 2);
  cmos_[kDayOfMonth] = Encode(t.day());
  cmos_[kMonth] = Encode(t.month());
  cmos_[kYear] = Encode(static_cast<int>(t.year() % 100));
  cmos_[kCentury] = Encode(static_cast<int>((t.year() / 100) % 100));
}

void RtcCmos::SetTimeFromRegisters() {
  int hour;
  if (cmos_[kRegB] & kRegB24h) {
    hour = Decode(cmos_[kHours] & 0x7f);
  } else {
    hour = Decode(cmos_[kHours] & 0x7f) % 12;
    if (cmos_[kHours] & 0x80) hour += 12;
  }
  const int64_t year = int64_t{Decode(cmos_[kCentury])} * 100 + Decode(cmos_[kYear]);
  // Guest values are unchecked: CivilSecond normalises any field that is out of range.
  const absl::CivilSecond t(year, Decode(cmos_[kMonth]), Decode(cmos_[kDayOfMonth]), hour,
                            Decode(cmos_[kMinutes]), Decode(cmos_[kSeconds]));
  const int64_t seconds = absl::ToUnixSeconds(absl::FromCivil(t, absl::UTCTimeZone()));
  const uint64_t now = static_cast<uint64_t>(base_ns_) + machine_->clock().now();
  // Keep within what int64 nanoseconds hold (about 1678-2262).
  constexpr int64_t kLimit = int64_t{9000000000};
  const int64_t clamped = seconds > kLimit ? kLimit : seconds < -kLimit ? -kLimit : seconds;
  adjust_ns_ = static_cast<int64_t>(static_cast<uint64_t>(clamped * kNsPerSecond) - now);
  Publish("time-set", static_cast<uint64_t>(clamped));
}

uint8_t RtcCmos::ReadData() {
  uint8_t index = index_;
  std::string note;
  if (index == kPs2Century) index_ = index = kCentury;
  uint8_t value;
  if (IsClockRegister(index)) {
    if (Running()) {
      if (UpdateInProgress()) note = "update in progress";
      UpdateTimeRegisters();
    }
    value = cmos_[index];
  } else if (index == kRegA) {
    value = cmos_[kRegA];
    if (UpdateInProgress()) {
      value |= kRegAUip;
      note = "update in progress";
    }
  } else if (index == kRegC) {
    value = cmos_[kRegC];
    cmos_[kRegC] = 0;
    machine_->irq().Set("rtc", 8, false);
  } else {
    value = cmos_[index];
  }
  Publish("read", uint64_t{index} << 8 | value, note);
  return value;
}

void RtcCmos::WriteData(uint8_t value) {
  uint8_t index = index_;
  if (index == kPs2Century) index_ = index = kCentury;
  Publish("write", uint64_t{index} << 8 | value);
  if (IsClockRegister(index)) {
    cmos_[index] = value;
    if (Running()) SetTimeFromRegisters();
    return;
  }
  switch (index) {
    case kRegA:
      cmos_[kRegA] = (value & ~kRegAUip) | (cmos_[kRegA] & kRegAUip);
      break;
    case kRegB: {
      const bool was_set = cmos_[kRegB] & kRegBSet;
      if (value & kRegBSet) {
        if (!was_set && Running()) UpdateTimeRegisters();
        value &= ~kRegBUie;
      }
      const bool format_changed = ((cmos_[kRegB] ^ value) & (kRegBDm | kRegB24h)) != 0;
      cmos_[kRegB] = value;
      if (was_set && !(value & kRegBSet) && Running()) {
        SetTimeFromRegisters();
      } else if (format_changed && Running()) {
        UpdateTimeRegisters();
      }
      break;
    }
    case kRegC:
    case kRegD:
      break;
    default:
      cmos_[index] = value;
      break;
  }
}

uint64_t RtcCmos::Ports::Read(uint64_t offset, unsigned width) {
  if (((first_ + offset) & 1) == 0) return 0xff;
  return rtc_->ReadData();
}

bool RtcCmos::Ports::FollowsClock(uint64_t offset) const {
  if (((first_ + offset) & 1) == 0) return false;
  const uint8_t index = rtc_->index_;
  return IsClockRegister(index) || index == kRegA || index == kRegC;
}

void RtcCmos::Ports::Write(uint64_t offset, unsigned width, uint64_t value) {
  const uint8_t val = static_cast<uint8_t>(value);
  if (((first_ + offset) & 1) == 0) {
    rtc_->index_ = val & 0x7f;
    rtc_->Publish("index", val);
    return;
  }
  rtc_->WriteData(val);
}

}  // namespace portrace::devices
