// qtest scripts as traces: QtestScriptReader turns a script (one request per line, '#' comments
// and blank lines allowed) into event batches, streaming; QtestScriptWriter turns events back
// into a script. A script's reads carry no recorded values. A comment "# marker: TEXT" is a
// MARKER event (a resume point, say) — the writer's form for markers QEMU has no command for.
// NIC_RECEIVE events are portrace's "nic_rx INDEX 0xHEX" lines (qtest_command.h).
//
// Round trip: when the writer's rendering of an event differs from the line it came from
// (leading zeros, octal, odd-length write data, ...), the reader keeps the original line as the
// event's "qtest" annotation and the writer prints that instead, so script -> trace -> script
// reproduces every request line exactly (comments and blank lines aside).
#ifndef PORTRACE_TRACE_QTEST_SCRIPT_H_
#define PORTRACE_TRACE_QTEST_SCRIPT_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "trace/byte_source.h"
#include "trace/event_source.h"
#include "trace/line_reader.h"
#include "trace/trace.pb.h"

namespace portrace::trace {

// Longest line the reader accepts: a `write` of kMaxMemoryLength bytes in hex plus its words.
inline constexpr size_t kMaxQtestLineLength = 2 * (16u << 20) + 256;

class QtestScriptReader : public EventSource {
 public:
  // `events_per_batch` bounds batch size. The header's producer is "qtest script".
  static std::unique_ptr<QtestScriptReader> Create(std::unique_ptr<ByteSource> source,
                                                   int events_per_batch = 4096);

  const TraceHeader& header() const override { return header_; }
  // Events before a bad line are delivered first; the error comes with the following call.
  // Errors: "<name>:<line>: <reason>" (InvalidArgument), e.g.
  // "trace.qtest:4: unknown qtest command 'foo'" or "trace.qtest:7: outb: bad number '0xzz'".
  // A NUL byte anywhere is refused (QEMU reads lines as C strings and never gets past one).
  absl::StatusOr<bool> Next(EventBatch* batch) override;

 private:
  QtestScriptReader(std::unique_ptr<ByteSource> source, int events_per_batch);
  std::unique_ptr<ByteSource> source_;
  LineReader lines_;
  int events_per_batch_;
  TraceHeader header_;
  absl::Status failed_;
};

// Writes events as a qtest script, one line per event: the event's "qtest" annotation when it
// has one that fits on a line, else FormatQtestLine; events that render as "" are skipped. A line
// that itself ends in '\r' is followed by "\r\n", since the reader drops one '\r' per line.
class QtestScriptWriter {
 public:
  explicit QtestScriptWriter(ByteSink* sink) : sink_(sink) {}
  absl::Status WriteBatch(const EventBatch& batch);
  absl::Status Finish() { return sink_->Close(); }

 private:
  ByteSink* sink_;
};

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_QTEST_SCRIPT_H_
