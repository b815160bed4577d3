// LineReader: the lines of a text capture, streamed from a ByteSource with a bound on line
// length, so that a hostile input (a megabyte without a newline) costs at most one line plus one
// block of memory. Shared by every text importer (qtest scripts and logs, trace logs, ftrace).
#ifndef PORTRACE_TRACE_LINE_READER_H_
#define PORTRACE_TRACE_LINE_READER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "trace/byte_source.h"

namespace portrace::trace {

class LineReader {
 public:
  // Lines longer than `max_line` bytes (a trailing '\r' aside) are an error.
  LineReader(ByteSource* source, size_t max_line) : source_(source), max_line_(max_line) {}

  // Reads the next line (without '\n'; a trailing '\r' is kept) into line(). Returns false at
  // the end of input; a last line without '\n' counts. Errors: InvalidArgument
  // "<name>:<line>: line longer than N bytes", or the source's read error.
  absl::StatusOr<bool> Next();

  const std::string& line() const { return line_; }
  uint64_t line_number() const { return line_number_; }
  const std::string& name() const { return source_->name(); }

 private:
  ByteSource* source_;
  size_t max_line_;
  std::string buffer_;
  size_t buffer_pos_ = 0;
  bool eof_ = false;
  std::string line_;
  uint64_t line_number_ = 0;
};

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_LINE_READER_H_
