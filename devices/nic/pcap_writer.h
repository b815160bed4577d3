// PcapWriter: the frames portrace's NICs transmit, as a classic libpcap capture (the format
// tcpdump -w writes: little-endian, version 2.4, microsecond timestamps, LINKTYPE_ETHERNET,
// snap length 65535). Timestamps are the machine's virtual time, so a replay writes the same
// bytes every time.
//
// NICs publish each transmitted frame as a device event of kind "tx" whose text is the frame in
// hex (ne2000.h, rtl8139.h); AddDeviceEvent turns those into records and ignores every other
// event. Intended for the CLI's `--pcap=FILE` on replay/analyze (wiring it there is the CLI's
// part). Not thread-safe.
#ifndef PORTRACE_DEVICES_NIC_PCAP_WRITER_H_
#define PORTRACE_DEVICES_NIC_PCAP_WRITER_H_

#include <cstdint>
#include <ostream>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "sim/device_event.h"

namespace portrace::devices {

class PcapWriter {
 public:
  static constexpr uint32_t kSnapLength = 65535;

  // Writes the file header to `out`, which must outlive the writer.
  explicit PcapWriter(std::ostream* out);

  // One frame seen at virtual time `t_ns`; frames longer than kSnapLength are cut (the record
  // keeps the original length). DataLoss when the stream fails.
  absl::Status AddFrame(uint64_t t_ns, absl::Span<const uint8_t> frame);
  // A "tx" event becomes a record (true); other events are ignored (false). InvalidArgument for
  // a "tx" event whose text is not hex.
  absl::StatusOr<bool> AddDeviceEvent(uint64_t t_ns, const sim::DeviceEvent& event);

  uint64_t frames() const { return frames_; }

 private:
  std::ostream* out_;
  uint64_t frames_ = 0;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_NIC_PCAP_WRITER_H_
