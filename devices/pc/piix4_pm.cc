#include "devices/pc/piix4_pm.h"

#include <string>

#include "absl/strings/str_format.h"
#include "base/status_macros.h"

namespace portrace::devices {
namespace {

constexpr uint64_t kNsPerSecond = 1000000000;
constexpr uint16_t kTimerStatus = 0x0001, kSleepEnable = 0x2000;

PciIdentity PmIdentity() {
  PciIdentity id;
  id.vendor_id = 0x8086;
  id.device_id = 0x7113;
  id.revision = 0x03;
  id.class_code = 0x068000;
  id.status = 0x0280;
  id.interrupt_pin = 1;
  return id;
}

struct Piece {
  uint32_t offset, length;
  const char* name;
  sim::AccessRules rules;
};

}  // namespace

Piix4Pm::Piix4Pm(sim::Machine* machine) : PciFunction("piix4-pm", PmIdentity()), machine_(machine) {
  // As QEMU's piix4_pm sets them (see PciPlaceholder kPiix4Pm).
  SetConfigByte(0x40, 0x01);
  SetConfigByte(0x5f, 0x10);
  SetConfigByte(0x63, 0x60);
  SetConfigByte(0x90, 0x01);
  SetConfigByte(0x91, 0xb1);
  SetConfigByte(0xd2, 0x09);
}

Piix4Pm::~Piix4Pm() {
  for (int& id : mappings_) {
    if (id >= 0) (void)machine_->io().Unmap(id);
  }
}

absl::StatusOr<std::unique_ptr<Piix4Pm>> Piix4Pm::Create(sim::Machine* machine) {
  std::unique_ptr<Piix4Pm> pm(new Piix4Pm(machine));
  PT_RETURN_IF_ERROR(
      machine->io()
          .Map({"apm-io", 0xb2, 2, &pm->apm_, sim::AccessRules::Ops(1, 4, false, 1, 1)})
          .status());
  return pm;
}

uint64_t Piix4Pm::Ticks() const {
  return static_cast<uint64_t>(static_cast<unsigned __int128>(machine_->clock().now()) *
                               kPmTimerFrequencyHz / kNsPerSecond);
}

uint32_t Piix4Pm::TimerValue() const { return Ticks() & 0xffffff; }

uint16_t Piix4Pm::Status() {
  if (Ticks() >= overflow_time_) status_ |= kTimerStatus;
  return status_;
}

void Piix4Pm::CalcOverflowTime() { overflow_time_ = (Ticks() + 0x800000) & ~uint64_t{0x7fffff}; }

void Piix4Pm::OnConfigWrite(unsigned offset, unsigned width, uint32_t value) {
  const unsigned end = offset + width;
  if ((offset < 0x44 && end > 0x40) || (offset <= 0x80 && end > 0x80)) UpdatePlacement();
}

void Piix4Pm::UpdatePlacement() {
  const uint32_t base = (config_byte(0x40) | config_byte(0x41) << 8) & 0xffc0;
  const bool enabled = (config_byte(0x80) & 1) && !removed();
  const bool mapped = mappings_[0] >= 0;
  if (mapped && enabled && base == placed_base_) return;
  if (!mapped && !enabled) return;
  for (int& id : mappings_) {
    if (id >= 0) (void)machine_->io().Unmap(id);
    id = -1;
  }
  Publish("pm-base", base, enabled ? "enabled" : "disabled");
  if (!enabled) return;
  const Piece pieces[3] = {
      {0, 4, "acpi-evt", sim::AccessRules::Ops(1, 2, false, 2, 2)},
      {4, 2, "acpi-cnt", sim::AccessRules::Ops(1, 2, false, 2, 2)},
      {8, 4, "acpi-tmr", sim::AccessRules::Ops(1, 4, false, 4, 4)},
  };
  sim::IoRegion* regions[3] = {&event_, &control_, &timer_};
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<sim::IoSpace::MappingId> id = machine_->io().Map(
        {pieces[i].name, base + pieces[i].offset, pieces[i].length, regions[i], pieces[i].rules});
    if (!id.ok()) {
      Publish("bar-conflict", base, std::string(id.status().message()));
      continue;
    }
    mappings_[i] = static_cast<int>(*id);
  }
  placed_base_ = base;
}

uint64_t Piix4Pm::Block::Read(uint64_t offset, unsigned width) {
  switch (kind_) {
    // As QEMU's handlers: exact offsets (a widened unaligned access arrives at an odd one).
    case kEvent:
      return offset == 0 ? pm_->Status() : offset == 2 ? pm_->enable_ : 0;
    case kControl:
      return offset < 2 ? pm_->control_value_ >> (8 * offset) : 0;
    case kTimer:
      return pm_->TimerValue();
    default:
      return offset == 0 ? pm_->apm_control_ : pm_->apm_status_;
  }
}

void Piix4Pm::Block::Write(uint64_t offset, unsigned width, uint64_t value) {
  switch (kind_) {
    case kEvent:
      if (offset != 0 && offset != 2) return;
      if (offset == 2) {
        pm_->enable_ = static_cast<uint16_t>(value);
        pm_->CalcOverflowTime();
      } else {
        const uint16_t status = pm_->Status();
        if (status & value & kTimerStatus) pm_->CalcOverflowTime();
        pm_->status_ &= ~static_cast<uint16_t>(value);
      }
      return;
    case kControl:
      pm_->control_value_ = static_cast<uint16_t>(value) & ~kSleepEnable;
      if (value & kSleepEnable) pm_->Publish("sleep", value & 0xffff);
      return;
    case kTimer:
      return;
    default:
      if (offset != 0) {
        pm_->apm_status_ = static_cast<uint8_t>(value);
      } else {
        pm_->apm_control_ = static_cast<uint8_t>(value);
        pm_->Publish("apm-command", value & 0xff);
      }
      return;
  }
}

}  // namespace portrace::devices
