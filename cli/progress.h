// Progress on a terminal for long runs: a ByteSource wrapper that counts the bytes an importer
// reads and redraws one status line on the error stream ("[ 42%] 1.2 GiB of 2.9 GiB"), at most a
// few times a second. Only when that stream is a terminal: pipes, files and tests see nothing.
// It reads the wall clock to pace the redraws; nothing it does reaches portrace's output.
#ifndef PORTRACE_CLI_PROGRESS_H_
#define PORTRACE_CLI_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "trace/byte_source.h"

namespace portrace::cli {

class ProgressSource : public trace::ByteSource {
 public:
  // `total` is the input's size in bytes (0 if unknown, e.g. a pipe).
  ProgressSource(std::unique_ptr<trace::ByteSource> inner, uint64_t total, FILE* terminal);
  ~ProgressSource() override;

  absl::StatusOr<size_t> Read(char* buffer, size_t size) override;
  const std::string& name() const override { return inner_->name(); }

  // Wraps `source` when `terminal` is a terminal, else returns it unchanged.
  static std::unique_ptr<trace::ByteSource> MaybeWrap(std::unique_ptr<trace::ByteSource> source,
                                                      const std::string& path, FILE* terminal);

 private:
  void Draw(bool final);

  std::unique_ptr<trace::ByteSource> inner_;
  uint64_t total_;
  FILE* terminal_;
  uint64_t done_ = 0;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace portrace::cli

#endif  // PORTRACE_CLI_PROGRESS_H_
