#include "trace/line_reader.h"

#include "absl/strings/str_format.h"

namespace portrace::trace {
namespace {

constexpr size_t kBlockSize = 64 << 10;

}  // namespace

absl::StatusOr<bool> LineReader::Next() {
  // Bytes before `scan` hold no '\n'; only new bytes are searched, so a long line costs linear
  // time, and at most one line plus one block is buffered.
  size_t scan = buffer_pos_;
  while (true) {
    const size_t newline = buffer_.find('\n', scan);
    if (newline != std::string::npos) {
      line_.assign(buffer_, buffer_pos_, newline - buffer_pos_);
      buffer_pos_ = newline + 1;
      break;
    }
    if (eof_) {
      if (buffer_pos_ == buffer_.size()) return false;
      line_.assign(buffer_, buffer_pos_, std::string::npos);  // last line without a '\n'
      buffer_pos_ = buffer_.size();
      break;
    }
    // One more byte than the limit may be the '\r' of a CRLF ending.
    if (buffer_.size() - buffer_pos_ > max_line_ + 1) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s:%u: line longer than %u bytes", source_->name(), line_number_ + 1, max_line_));
    }
    buffer_.erase(0, buffer_pos_);
    scan = buffer_.size();
    buffer_pos_ = 0;
    buffer_.resize(scan + kBlockSize);
    absl::StatusOr<size_t> got = source_->Read(buffer_.data() + scan, kBlockSize);
    if (!got.ok()) {
      buffer_.resize(scan);
      return got.status();
    }
    buffer_.resize(scan + *got);
    if (*got == 0) eof_ = true;
  }
  ++line_number_;
  absl::string_view content = line_;
  if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
  if (content.size() > max_line_) {
    return absl::InvalidArgumentError(absl::StrFormat("%s:%u: line longer than %u bytes",
                                                      source_->name(), line_number_, max_line_));
  }
  return true;
}

}  // namespace portrace::trace
