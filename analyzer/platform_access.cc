#include "analyzer/platform_access.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace portrace::analyzer {

uint64_t GuestSeenValue(const sim::ReplayedEvent& event) {
  return event.event.recorded() ? event.event.value : event.model_value;
}

std::optional<PlatformAccess> ClassifyPlatformAccess(const sim::ReplayedEvent& event) {
  const trace::EventView& e = event.event;
  if (e.kind != trace::PORT_READ && e.kind != trace::PORT_WRITE) return std::nullopt;
  if (e.address < 0x10 || e.address > 0x1f) return std::nullopt;
  PlatformAccess access;
  access.port = static_cast<uint32_t>(e.address);
  access.width = e.width;
  access.write = e.kind == trace::PORT_WRITE;
  access.value = access.write ? e.value : GuestSeenValue(event);
  access.string_io = (e.flags & trace::FLAG_STRING_IO) != 0;
  const uint32_t p = access.port;
  const uint32_t w = access.width;
  if (!access.write) {
    if (p == 0x10 && w == 2) {
      access.op = PlatformOp::kMagicRead;
    } else if (p == 0x10 && w == 1) {
      access.op = PlatformOp::kFlagsRead;
    } else if (p == 0x12 && w == 1) {
      access.op = PlatformOp::kVersionRead;
    } else if (p == 0x12) {
      access.op = PlatformOp::kWideVersionRead;
    } else {
      access.op = PlatformOp::kOtherRead;
    }
    return access;
  }
  if (p == 0x10 && w == 2) {
    access.op = PlatformOp::kMask;
  } else if (p == 0x10 && w == 4) {
    access.op = PlatformOp::kBuild;
  } else if (p == 0x12 && w == 2) {
    access.op = PlatformOp::kProduct;
  } else if (p == 0x12 && w == 1) {
    access.op = PlatformOp::kLogByte;
  } else if (p == 0x10 && w == 1) {
    access.op = PlatformOp::kFlagsWrite;
  } else if (p == 0x11 && w == 1) {
    access.op = PlatformOp::kV2Type;
  } else if (p == 0x13 && w == 1) {
    access.op = PlatformOp::kV2Port;
  } else {
    access.op = PlatformOp::kOtherWrite;
  }
  return access;
}

bool IsRestartMarker(const sim::ReplayedEvent& event) {
  const trace::EventView& e = event.event;
  if (e.kind != trace::MARKER || (e.flags & trace::FLAG_QTEST)) return false;
  const std::string text = absl::AsciiStrToLower(e.blob);
  for (absl::string_view word : {"resume", "restore", "reboot", "reset", "boot"}) {
    if (absl::StrContains(text, word)) return true;
  }
  return false;
}

}  // namespace portrace::analyzer
