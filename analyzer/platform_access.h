// What an access to the Xen platform device's fixed ports (0x10-0x1f) means in the protocol
// (protocol.md §a.1): the port and width decide, as they do for the device. The value is the
// one the guest saw — the trace's recorded value when there is one, else the model's — so rules
// judge the driver by what it was told.
#ifndef PORTRACE_ANALYZER_PLATFORM_ACCESS_H_
#define PORTRACE_ANALYZER_PLATFORM_ACCESS_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"
#include "sim/replay.h"

namespace portrace::analyzer {

enum class PlatformOp {
  kMagicRead,        // inw 0x10
  kFlagsRead,        // inb 0x10 (platform flags, not the magic)
  kVersionRead,      // inb 0x12
  kWideVersionRead,  // inw/inl 0x12
  kOtherRead,        // any other read in 0x10-0x1f (inl 0x10 included)
  kMask,             // outw 0x10: unplug mask
  kBuild,            // outl 0x10: build number
  kProduct,          // outw 0x12: product number
  kLogByte,          // outb 0x12
  kFlagsWrite,       // outb 0x10: ROM lock
  kV2Type,           // outb 0x11 (XenServer v2 unplug type)
  kV2Port,           // outb 0x13 (XenServer v2 version request, then unplug index)
  kOtherWrite,       // any other write in 0x10-0x1f (outl 0x12, outw 0x11, ...)
};

struct PlatformAccess {
  PlatformOp op;
  uint32_t port;
  uint32_t width;
  bool write;
  uint64_t value;  // written, or seen by the guest
  bool string_io;  // one element of a REP INS/OUTS
};

// Null unless `event` is a port access starting in 0x10-0x1f.
std::optional<PlatformAccess> ClassifyPlatformAccess(const sim::ReplayedEvent& event);

// Whether a trace marker starts a new boot of the guest's drivers (resume from suspend or
// hibernation, restore, reboot), after which the handshake is expected again.
bool IsRestartMarker(const sim::ReplayedEvent& event);

// The value a read returned to the guest: recorded if the trace has it, else the model's.
uint64_t GuestSeenValue(const sim::ReplayedEvent& event);

}  // namespace portrace::analyzer

#endif  // PORTRACE_ANALYZER_PLATFORM_ACCESS_H_
