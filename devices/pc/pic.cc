#include "devices/pc/pic.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace portrace::devices {
namespace {

// Priority of the highest set bit of `mask` relative to priority_add; 8 when none.
int Priority(const uint8_t mask, uint8_t priority_add) {
  if (mask == 0) return 8;
  int priority = 0;
  while ((mask & (1 << ((priority + priority_add) & 7))) == 0) ++priority;
  return priority;
}

}  // namespace

Pic::Pic(sim::Machine* machine) : machine_(machine) {
  for (Chip& chip : chips_) InitReset(chip);
  chips_[0].elcr_mask = 0xf8;
  chips_[1].elcr_mask = 0xde;
}

Pic::~Pic() { machine_->irq().RemoveListener(this); }

absl::StatusOr<std::unique_ptr<Pic>> Pic::Create(sim::Machine* machine) {
  std::unique_ptr<Pic> pic(new Pic(machine));
  const sim::AccessRules byte = sim::AccessRules::Ops(1, 4, false, 1, 1);
  PT_RETURN_IF_ERROR(machine->io().Map({"pic-master", 0x20, 2, &pic->master_ports_, byte}).status());
  PT_RETURN_IF_ERROR(machine->io().Map({"pic-slave", 0xa0, 2, &pic->slave_ports_, byte}).status());
  PT_RETURN_IF_ERROR(machine->io().Map({"elcr", 0x4d0, 1, &pic->elcr_master_, byte}).status());
  PT_RETURN_IF_ERROR(machine->io().Map({"elcr", 0x4d1, 1, &pic->elcr_slave_, byte}).status());
  machine->irq().AddListener(pic.get());
  return pic;
}

void Pic::InitReset(Chip& chip) {
  chip.last_irr = 0;
  chip.irr &= chip.elcr;
  chip.imr = 0;
  chip.isr = 0;
  chip.priority_add = 0;
  chip.irq_base = 0;
  chip.read_isr = false;
  chip.poll = false;
  chip.special_mask = false;
  chip.init_state = 0;
  chip.auto_eoi = false;
  chip.rotate_on_auto_eoi = false;
  chip.special_fully_nested = false;
  chip.init4 = false;
  chip.single = false;
}

void Pic::Publish(absl::string_view kind, uint64_t value, std::string text) {
  machine_->events().Publish({"pic", std::string(kind), value, std::move(text)});
}

void Pic::OnIrq(int line, bool level) {
  if (line < 0 || line >= 16) return;
  SetInput(line >> 3, line & 7, level);
}

void Pic::SetInput(int c, int irq, bool level) {
  Chip& chip = chips_[c];
  const uint8_t mask = 1 << irq;
  if (chip.elcr & mask) {
    if (level) {
      chip.irr |= mask;
      chip.last_irr |= mask;
    } else {
      chip.irr &= ~mask;
      chip.last_irr &= ~mask;
    }
  } else if (level) {
    if ((chip.last_irr & mask) == 0) chip.irr |= mask;
    chip.last_irr |= mask;
  } else {
    chip.last_irr &= ~mask;
  }
  Update();
}

int Pic::GetIrq(int c) const {
  const Chip& chip = chips_[c];
  const uint8_t pending = chip.irr & ~chip.imr;
  const int priority = Priority(pending, chip.priority_add);
  if (priority == 8) return -1;
  uint8_t in_service = chip.isr;
  if (chip.special_mask) in_service &= ~chip.imr;
  if (chip.special_fully_nested && c == 0) in_service &= ~(1 << 2);
  const int current = Priority(in_service, chip.priority_add);
  return priority < current ? (priority + chip.priority_add) & 7 : -1;
}

void Pic::Update() {
  // The slave's output drives master input 2 (edge semantics apply as for any input).
  const bool slave_out = GetIrq(1) >= 0;
  Chip& master = chips_[0];
  const uint8_t mask = 1 << 2;
  if (master.elcr & mask) {
    if (slave_out) master.irr |= mask; else master.irr &= ~mask;
  } else if (slave_out) {
    if ((master.last_irr & mask) == 0) master.irr |= mask;
    master.last_irr |= mask;
  } else {
    master.last_irr &= ~mask;
  }
}

int Pic::PendingVector() const {
  const int irq = GetIrq(0);
  if (irq < 0) return -1;
  if (irq == 2) {
    const int slave = GetIrq(1);
    return chips_[1].irq_base + (slave < 0 ? 7 : slave);
  }
  return chips_[0].irq_base + irq;
}

void Pic::Intack(int c, int irq) {
  Chip& chip = chips_[c];
  if (chip.auto_eoi) {
    if (chip.rotate_on_auto_eoi) chip.priority_add = (irq + 1) & 7;
  } else {
    chip.isr |= 1 << irq;
  }
  if ((chip.elcr & (1 << irq)) == 0) chip.irr &= ~(1 << irq);
  Update();
}

uint8_t Pic::PollRead(int c) {
  const int irq = GetIrq(c);
  if (irq < 0) return 0;
  Intack(c, irq);
  return static_cast<uint8_t>(irq | 0x80);
}

uint64_t Pic::ChipPorts::Read(uint64_t offset, unsigned width) {
  Chip& chip = pic_->chips_[chip_];
  if (chip.poll) {
    chip.poll = false;
    return pic_->PollRead(chip_);
  }
  if (offset == 0) return chip.read_isr ? chip.isr : chip.irr;  // QEMU: other offsets are +1
  return chip.imr;
}

void Pic::ChipPorts::Write(uint64_t offset, unsigned width, uint64_t value) {
  Chip& chip = pic_->chips_[chip_];
  const uint8_t val = static_cast<uint8_t>(value);
  const uint64_t tag = uint64_t(chip_) << 8 | val;
  if (offset == 0) {
    if (val & 0x10) {  // ICW1
      pic_->InitReset(chip);
      chip.init_state = 1;
      chip.init4 = val & 1;
      chip.single = val & 2;
      pic_->Publish("icw1", tag);
    } else if (val & 0x08) {  // OCW3
      pic_->Publish("ocw", tag);
      if (val & 0x04) chip.poll = true;
      if (val & 0x02) chip.read_isr = val & 1;
      if (val & 0x40) chip.special_mask = (val >> 5) & 1;
    } else {  // OCW2
      const int cmd = val >> 5;
      std::string note;
      if (cmd == 1 || cmd == 5) {
        if (chip.isr == 0 && chip.irr == 0) note = "nothing in service";
      } else if (cmd == 3 || cmd == 7) {
        if (((chip.isr | chip.irr) & (1 << (val & 7))) == 0) {
          note = absl::StrCat("irq ", val & 7, " not in service");
        }
      }
      switch (cmd) {
        case 0:
        case 4:
          chip.rotate_on_auto_eoi = cmd >> 2;
          break;
        case 1:
        case 5: {
          const int priority = Priority(chip.isr, chip.priority_add);
          if (priority != 8) {
            const int irq = (priority + chip.priority_add) & 7;
            chip.isr &= ~(1 << irq);
            if (cmd == 5) chip.priority_add = (irq + 1) & 7;
          }
          break;
        }
        case 3:
          chip.isr &= ~(1 << (val & 7));
          break;
        case 6:
          chip.priority_add = (val + 1) & 7;
          break;
        case 7:
          chip.isr &= ~(1 << (val & 7));
          chip.priority_add = ((val & 7) + 1) & 7;
          break;
        default:
          break;
      }
      if (cmd == 1 || cmd == 3 || cmd == 5 || cmd == 7) {
        pic_->Publish("eoi", tag, note);
      } else {
        pic_->Publish("ocw", tag);
      }
      pic_->Update();
    }
    return;
  }
  switch (chip.init_state) {
    case 0:
      chip.imr = val;
      pic_->Publish("imr", tag);
      pic_->Update();
      break;
    case 1:
      pic_->Publish("icw", uint64_t(chip_) << 16 | 2 << 8 | val);
      chip.irq_base = val & 0xf8;
      chip.init_state = chip.single ? (chip.init4 ? 3 : 0) : 2;
      break;
    case 2:
      pic_->Publish("icw", uint64_t(chip_) << 16 | 3 << 8 | val);
      chip.init_state = chip.init4 ? 3 : 0;
      break;
    default:
      pic_->Publish("icw", uint64_t(chip_) << 16 | 4 << 8 | val);
      chip.special_fully_nested = (val >> 4) & 1;
      chip.auto_eoi = (val >> 1) & 1;
      chip.init_state = 0;
      break;
  }
}

uint64_t Pic::ElcrPorts::Read(uint64_t offset, unsigned width) {
  return pic_->chips_[chip_].elcr;
}

void Pic::ElcrPorts::Write(uint64_t offset, unsigned width, uint64_t value) {
  Chip& chip = pic_->chips_[chip_];
  chip.elcr = static_cast<uint8_t>(value) & chip.elcr_mask;
}

}  // namespace portrace::devices
