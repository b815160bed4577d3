#include "devices/pci/i440fx.h"

#include <algorithm>

namespace portrace::devices {
namespace {

PciIdentity I440fxIdentity() {
  PciIdentity id;
  id.vendor_id = 0x8086;
  id.device_id = 0x1237;
  id.revision = 0x02;
  id.class_code = 0x060000;  // host bridge
  return id;
}

}  // namespace

I440fx::I440fx(uint64_t ram_bytes) : PciFunction("i440fx", I440fxIdentity()) {
  SetConfigByte(kI440fxRamSize, static_cast<uint8_t>(std::min<uint64_t>(ram_bytes >> 23, 255)));
  SetConfigByte(kI440fxSmram, 0x02);
}

void I440fx::OnConfigWrite(unsigned offset, unsigned width, uint32_t value) {
  const unsigned end = offset + width;
  const bool pam = offset < kI440fxPam + kI440fxPamSize && end > kI440fxPam;
  const bool smram = offset <= kI440fxSmram && end > kI440fxSmram;
  if (!pam && !smram) return;
  PciConfigAccess access;
  access.offset = static_cast<uint8_t>(offset);
  access.width = static_cast<uint8_t>(width);
  access.devfn = static_cast<uint8_t>(devfn());
  access.data = value;
  Publish("memory-map-write", PackPciConfigAccess(access),
          pam && smram ? "PAM and SMRAM (not modelled: guest memory unchanged)"
          : pam        ? "PAM (not modelled: guest memory at 0xc0000-0xfffff unchanged)"
                       : "SMRAM (not modelled: guest memory at 0xa0000-0xbffff unchanged)");
}

}  // namespace portrace::devices
