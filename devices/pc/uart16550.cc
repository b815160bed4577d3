#include "devices/pc/uart16550.h"

#include "base/status_macros.h"

namespace portrace::devices {
namespace {

enum : uint8_t {
  kIerRdi = 0x01,
  kIerThri = 0x02,
  kIerRlsi = 0x04,
  kIerMsi = 0x08,
  kIirNoInt = 0x01,
  kIirThri = 0x02,
  kIirRdi = 0x04,
  kIirRlsi = 0x06,
  kIirMsi = 0x00,
  kLsrDr = 0x01,
  kLsrOe = 0x02,
  kLsrBi = 0x10,
  kLsrIntAny = 0x1e,
  kLsrThre = 0x20,
  kLsrTemt = 0x40,
  kMcrLoop = 0x10,
  kLcrDlab = 0x80,
};

}  // namespace

absl::StatusOr<std::unique_ptr<Uart16550>> Uart16550::Create(sim::Machine* machine, uint16_t base,
                                                             int irq) {
  std::unique_ptr<Uart16550> uart(new Uart16550(machine, irq));
  PT_RETURN_IF_ERROR(machine->io()
                         .Map({"serial", base, 8, uart.get(), sim::AccessRules::Ops(1, 4, false, 1, 1)})
                         .status());
  return uart;
}

void Uart16550::UpdateIrq() {
  uint8_t iir = kIirNoInt;
  if ((ier_ & kIerRlsi) && (lsr_ & kLsrIntAny)) {
    iir = kIirRlsi;
  } else if ((ier_ & kIerRdi) && (lsr_ & kLsrDr)) {
    iir = kIirRdi;
  } else if ((ier_ & kIerThri) && thr_pending_) {
    iir = kIirThri;
  } else if ((ier_ & kIerMsi) && (msr_ & 0x0f)) {
    iir = kIirMsi;
  }
  iir_ = iir | (iir_ & 0xf0);
  machine_->irq().Set("uart", irq_, iir != kIirNoInt);
}

uint64_t Uart16550::Read(uint64_t offset, unsigned width) {
  switch (offset & 7) {
    case 0:
      if (lcr_ & kLcrDlab) return divider_ & 0xff;
      lsr_ &= ~(kLsrDr | kLsrBi);
      UpdateIrq();
      return rbr_;
    case 1:
      if (lcr_ & kLcrDlab) return divider_ >> 8;
      return ier_;
    case 2: {
      const uint8_t value = iir_;
      if ((value & 0x07) == kIirThri) {
        thr_pending_ = false;
        UpdateIrq();
      }
      return value;
    }
    case 3:
      return lcr_;
    case 4:
      return mcr_;
    case 5: {
      const uint8_t value = lsr_;
      if (lsr_ & (kLsrBi | kLsrOe)) {
        lsr_ &= ~(kLsrBi | kLsrOe);
        UpdateIrq();
      }
      return value;
    }
    case 6:
      if (mcr_ & kMcrLoop) {
        return ((mcr_ & 0x0c) << 4) | ((mcr_ & 0x02) << 3) | ((mcr_ & 0x01) << 5);
      } else {
        const uint8_t value = msr_;
        msr_ &= 0xf0;
        UpdateIrq();
        return value;
      }
    default:
      return scr_;
  }
}

void Uart16550::Write(uint64_t offset, unsigned width, uint64_t value) {
  const uint8_t val = static_cast<uint8_t>(value);
  switch (offset & 7) {
    case 0:
      if (lcr_ & kLcrDlab) {
        divider_ = (divider_ & 0xff00) | val;
        machine_->events().Publish({"uart", "divisor", divider_, ""});
        return;
      }
      if (mcr_ & kMcrLoop) {
        rbr_ = val;
        lsr_ |= kLsrDr;
      } else {
        const bool printable = (val >= 0x20 && val < 0x7f) || val == '\n';
        machine_->events().Publish(
            {"uart", "tx", val, printable ? std::string(1, static_cast<char>(val)) : "", true});
      }
      thr_pending_ = true;
      lsr_ |= kLsrThre | kLsrTemt;
      UpdateIrq();
      return;
    case 1:
      if (lcr_ & kLcrDlab) {
        divider_ = static_cast<uint16_t>((divider_ & 0x00ff) | val << 8);
        machine_->events().Publish({"uart", "divisor", divider_, ""});
        return;
      } else {
        const uint8_t changed = (ier_ ^ val) & 0x0f;
        ier_ = val & 0x0f;
        if (changed & kIerThri) thr_pending_ = (ier_ & kIerThri) && (lsr_ & kLsrThre);
        UpdateIrq();
      }
      return;
    case 2:
      fcr_ = val & 0xc9;
      if (val & 0x01) {
        iir_ |= 0xc0;
      } else {
        iir_ &= ~0xc0;
      }
      return;
    case 3:
      lcr_ = val;
      machine_->events().Publish({"uart", "lcr", val, ""});
      return;
    case 4:
      mcr_ = val & 0x1f;
      return;
    case 5:
      return;
    case 6:
      return;
    default:
      scr_ = val;
      return;
  }
}

}  // namespace portrace::devices
