// How each device model implements the Xen platform device (protocol.md §a and §c), as data:
// the PlatformDevice consults these flags instead of branching on the flavour's name.
#ifndef PORTRACE_DEVICES_PLATFORM_PLATFORM_FLAVOUR_H_
#define PORTRACE_DEVICES_PLATFORM_PLATFORM_FLAVOUR_H_

#include "absl/strings/string_view.h"
#include "sim/access_rules.h"
#include "sim/machine.h"

namespace portrace::devices {

struct PlatformBehaviour {
  sim::PlatformFlavour flavour;
  absl::string_view name;  // "qemu-xen-traditional", ...

  // Blacklisting: a build write looks the driver up in xenstore; once blacklisted the magic
  // reads 0xd249. `blacklist_sticky`: never cleared (traditional); otherwise re-evaluated on each
  // build write (XenServer).
  bool blacklist = false;
  bool blacklist_sticky = false;
  // XenServer: the version-2 extension (0x11 type, 0x13 version/index), product and build
  // ignored while the version is 0, unplug refused while blacklisted, reading 0x12 sets version 1.
  bool version2 = false;
  // XenServer: every 4-byte write in 0x10-0x1f is a build number (the address is not decoded).
  bool build_at_any_port = false;
  // Traditional: a build number written before a product number is refused (logged).
  bool build_needs_product = false;
  // The log token bucket (traditional, XenServer).
  bool throttle = false;
  // XenServer's write_log: whitespace becomes ' ', other non-graphic bytes are dropped.
  bool sanitise_log = false;
  // Upstream: BAR0+4 value 1 unplugs everything (SUSE), BAR0+8 values 1/2 unplug disks/NICs.
  bool bar_legacy_unplug = false;
  // Upstream: mask bit 3 removes NVMe controllers; bit 2 ignored when bit 0 is set; SCSI
  // controllers go with bit 0.
  bool nvme_bit = false;
  // Upstream QEMU's BAR0 region implements byte accesses only and splits wider ones
  // (impl 1-1); the old qemu-dm ioport table has byte handlers only (portio: words split,
  // dwords all ones).
  sim::AccessRules bar0_rules;
};

// The behaviour of `flavour`; null for kNone.
const PlatformBehaviour* FindPlatformBehaviour(sim::PlatformFlavour flavour);

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_PLATFORM_PLATFORM_FLAVOUR_H_
