// FrameReceiver: the wire side of a NIC, as replay reaches it. A trace's NIC_RECEIVE events (frames
// a capture's network delivered to the guest) go to the machine's NICs through this interface,
// found by index in Machine::nics(); the I/O space knows nothing of it.
//
// A NIC answers each frame with what it did: stored it in its receive ring, took it and dropped
// it because its address filter did not match, or refused it now (receiver stopped, ring full,
// ...) with a short reason for reports.
#ifndef PORTRACE_SIM_FRAME_RECEIVER_H_
#define PORTRACE_SIM_FRAME_RECEIVER_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace portrace::sim {

struct RxResult {
  enum class Outcome { kStored, kFiltered, kRefused };
  Outcome outcome = Outcome::kRefused;
  // kRefused: why, in a few words ("stopped (CR STP set)", "receive ring full"); static text.
  absl::string_view reason;

  static RxResult Stored() { return {Outcome::kStored, ""}; }
  static RxResult Filtered() { return {Outcome::kFiltered, ""}; }
  static RxResult Refused(absl::string_view reason) { return {Outcome::kRefused, reason}; }
  // Whether the NIC took the frame (stored or filtered), as the wire sees it.
  bool taken() const { return outcome != Outcome::kRefused; }
};

class FrameReceiver {
 public:
  virtual ~FrameReceiver() = default;
  // Delivers one frame from the wire (any length; a NIC refuses what it cannot hold).
  virtual RxResult ReceiveFrame(absl::Span<const uint8_t> frame) = 0;
};

}  // namespace portrace::sim

#endif  // PORTRACE_SIM_FRAME_RECEIVER_H_
