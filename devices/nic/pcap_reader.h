// PcapReader: the frames of a classic libpcap capture (what `tcpdump -w` and PcapWriter write),
// read as a stream, one record at a time, so that a capture's traffic can be replayed into a NIC
// (`portrace convert --rx-pcap=`).
//
// The file is a 24-byte header — magic 0xa1b2c3d4 (microsecond timestamps) or 0xa1b23c4d
// (nanosecond), in either byte order, which sets the byte order of every field; version 2.x;
// thiszone; sigfigs; snap length; link type — then records of a 16-byte header (seconds,
// microseconds or nanoseconds, captured length, original length) and the captured bytes.
//
// Bounded: the snap length and every record's captured length must be at most kMaxSnapLength
// (libpcap's own limit), so no input makes the reader hold more than one such record. Every
// malformed input is an error naming the source and the byte offset of what is wrong:
// InvalidArgument for a wrong magic (pcapng is named as such), version, snap length or captured
// length; DataLoss for a header or record cut short. After an error the reader stays failed.
// Any link type is read; callers that need Ethernet check link_type(). Not thread-safe.
#ifndef PORTRACE_DEVICES_NIC_PCAP_READER_H_
#define PORTRACE_DEVICES_NIC_PCAP_READER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "trace/byte_source.h"

namespace portrace::devices {

struct PcapRecord {
  uint64_t offset = 0;           // byte offset of the record's header in the file
  uint64_t t_ns = 0;             // its timestamp, in nanoseconds since the epoch
  uint32_t original_length = 0;  // the frame's length on the wire
  std::string frame;             // the captured bytes (fewer than original_length if cut)
};

class PcapReader {
 public:
  static constexpr uint32_t kMaxSnapLength = 262144;  // libpcap's MAXIMUM_SNAPLEN
  static constexpr uint32_t kLinkTypeEthernet = 1;

  // Reads the file header. Errors as described above.
  static absl::StatusOr<std::unique_ptr<PcapReader>> Open(
      std::unique_ptr<trace::ByteSource> source);

  uint32_t link_type() const { return link_type_; }
  uint32_t snap_length() const { return snap_length_; }
  bool nanosecond() const { return nanosecond_; }
  const std::string& name() const { return source_->name(); }

  // The next record: true with `record` filled, false at the end of the file (which must fall
  // between records).
  absl::StatusOr<bool> Next(PcapRecord* record);

 private:
  explicit PcapReader(std::unique_ptr<trace::ByteSource> source) : source_(std::move(source)) {}
  absl::Status ReadHeader();
  // Reads up to `size` bytes; returns how many (fewer only at the end of the input).
  absl::StatusOr<size_t> ReadUpTo(char* buffer, size_t size);
  uint32_t Field(const unsigned char* p) const;
  absl::Status Fail(absl::Status status);

  std::unique_ptr<trace::ByteSource> source_;
  uint64_t offset_ = 0;
  bool swapped_ = false;
  bool nanosecond_ = false;
  uint32_t snap_length_ = 0;
  uint32_t link_type_ = 0;
  absl::Status failed_;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_NIC_PCAP_READER_H_
