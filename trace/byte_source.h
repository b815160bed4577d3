// Where trace bytes come from and go to. Readers pull bytes through ByteSource, writers push
// them through ByteSink; files, standard streams and in-memory buffers implement both, so
// importers, the canonical reader and the fuzzers share one path.
#ifndef PORTRACE_TRACE_BYTE_SOURCE_H_
#define PORTRACE_TRACE_BYTE_SOURCE_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace portrace::trace {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `size` bytes into `buffer`; returns how many were read, 0 only at the end.
  virtual absl::StatusOr<size_t> Read(char* buffer, size_t size) = 0;
  // Name for messages: the path, "<stdin>" or "<memory>".
  virtual const std::string& name() const = 0;
};

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual absl::Status Write(absl::string_view bytes) = 0;
  virtual absl::Status Close() = 0;
  virtual const std::string& name() const = 0;
};

// Opens `path` for reading; "-" is standard input. NotFound/PermissionDenied name the path.
absl::StatusOr<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path);
// Opens `path` for writing (truncating); "-" is standard output.
absl::StatusOr<std::unique_ptr<ByteSink>> OpenFileSink(const std::string& path);

// Serves a copy of `bytes`, at most `max_read` bytes per Read (a pipe's short reads, for tests).
std::unique_ptr<ByteSource> MakeStringSource(std::string bytes, std::string name = "<memory>",
                                             size_t max_read = SIZE_MAX);
// Serves `bytes` without copying them; the caller keeps them alive (benchmarks).
std::unique_ptr<ByteSource> MakeStringViewSource(absl::string_view bytes,
                                                 std::string name = "<memory>");

// Appends to a string the caller owns and keeps alive.
class StringSink : public ByteSink {
 public:
  explicit StringSink(std::string* out, std::string name = "<memory>")
      : out_(out), name_(std::move(name)) {}
  absl::Status Write(absl::string_view bytes) override {
    out_->append(bytes.data(), bytes.size());
    return absl::OkStatus();
  }
  absl::Status Close() override { return absl::OkStatus(); }
  const std::string& name() const override { return name_; }

 private:
  std::string* out_;
  std::string name_;
};

// Wraps a source so that the first bytes can be looked at (format sniffing) and then still read.
class PeekableSource : public ByteSource {
 public:
  explicit PeekableSource(std::unique_ptr<ByteSource> inner) : inner_(std::move(inner)) {}
  // Returns up to `size` bytes from the start without consuming them (fewer only at the end).
  // Only before the first Read.
  absl::StatusOr<absl::string_view> Peek(size_t size);
  absl::StatusOr<size_t> Read(char* buffer, size_t size) override;
  const std::string& name() const override { return inner_->name(); }

 private:
  std::unique_ptr<ByteSource> inner_;
  std::string head_;
  size_t head_pos_ = 0;
  bool reading_ = false;
};

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_BYTE_SOURCE_H_
