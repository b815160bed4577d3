// The canonical trace file: magic, one header frame, then event-batch frames (layout in
// trace.proto). TraceWriter streams batches out; TraceReader streams them back in, checking every
// frame and bounding every size before it allocates.
#ifndef PORTRACE_TRACE_TRACE_FILE_H_
#define PORTRACE_TRACE_TRACE_FILE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "trace/byte_source.h"
#include "trace/event_source.h"
#include "trace/trace.pb.h"

namespace portrace::trace {

inline constexpr absl::string_view kFileMagic = "PRTRACE\n";
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr uint32_t kFrameMagic = 0x4b435450;  // "PTCK" little-endian
inline constexpr size_t kFrameHeaderSize = 20;
// Upper bound on a frame's stored and raw (decompressed) size. Larger frames are refused as
// corrupt before anything is allocated.
inline constexpr uint32_t kMaxFrameSize = 64u << 20;

enum class FrameKind : uint8_t { kHeader = 1, kEvents = 2 };
enum class Codec : uint8_t { kNone = 0, kZstd = 1 };

struct TraceWriterOptions {
  Codec codec = Codec::kZstd;
  int zstd_level = 3;
  // Events per batch frame when the writer batches for the caller (Append(EventView)).
  int events_per_batch = 16384;
};

// Writes a canonical trace. Call Append* in order, then Finish. Not thread-safe.
class TraceWriter {
 public:
  // Writes the magic and `header` (format_version is filled in) to `sink`, which must outlive
  // the writer.
  static absl::StatusOr<std::unique_ptr<TraceWriter>> Create(ByteSink* sink, TraceHeader header,
                                                             TraceWriterOptions options = {});

  // Writes `batch` as one frame (after ValidateBatch). Empty batches are skipped.
  absl::Status WriteBatch(const EventBatch& batch);

  // Flushes nothing itself; closes the sink.
  absl::Status Finish();

  uint64_t events_written() const { return events_written_; }

 private:
  TraceWriter(ByteSink* sink, TraceWriterOptions options) : sink_(sink), options_(options) {}
  absl::Status WriteFrame(FrameKind kind, const std::string& raw);

  ByteSink* sink_;
  TraceWriterOptions options_;
  uint64_t events_written_ = 0;
  std::string compressed_;
};

// Reads a canonical trace frame by frame. Errors are one line naming the input and the byte
// offset of the offending frame: bad magic and unknown versions are InvalidArgument, a frame cut
// short is DataLoss, a frame with a bad checksum or an oversized length is DataLoss.
class TraceReader : public EventSource {
 public:
  // Reads and checks the magic and header frame.
  static absl::StatusOr<std::unique_ptr<TraceReader>> Open(std::unique_ptr<ByteSource> source);

  const TraceHeader& header() const override { return header_; }
  absl::StatusOr<bool> Next(EventBatch* batch) override;

  // Byte offset of the next frame.
  uint64_t offset() const { return offset_; }

 private:
  explicit TraceReader(std::unique_ptr<ByteSource> source) : source_(std::move(source)) {}
  // Reads exactly `size` bytes; returns how many were read before the end.
  absl::StatusOr<size_t> ReadFully(char* buffer, size_t size);
  // Reads one frame; `raw` views its decompressed bytes until the next call. Returns false at a
  // clean end of stream.
  absl::StatusOr<bool> ReadFrame(FrameKind* kind, absl::string_view* raw);
  absl::Status Fail(absl::Status status);

  std::unique_ptr<ByteSource> source_;
  TraceHeader header_;
  uint64_t offset_ = 0;
  // A growable byte buffer that, unlike std::string::resize, does not zero what it adds.
  struct Buffer {
    std::unique_ptr<char[]> bytes;
    size_t capacity = 0;
    // Makes room for `size` bytes, keeping the first `keep`.
    char* Reserve(size_t size, size_t keep);
  };
  Buffer stored_;
  Buffer raw_;
  absl::Status failed_;
};

// True if `head` (the first bytes of an input) starts with the canonical magic.
bool LooksLikeCanonicalTrace(absl::string_view head);

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_TRACE_FILE_H_
