#include "cli/progress.h"

#include <sys/stat.h>
#include <unistd.h>

#include "absl/strings/str_format.h"

namespace portrace::cli {
namespace {

std::string Size(uint64_t bytes) {
  if (bytes >= (uint64_t{1} << 30)) return absl::StrFormat("%.1f GiB", bytes / double(1 << 30));
  if (bytes >= (uint64_t{1} << 20)) return absl::StrFormat("%.1f MiB", bytes / double(1 << 20));
  return absl::StrFormat("%u KiB", bytes >> 10);
}

}  // namespace

ProgressSource::ProgressSource(std::unique_ptr<trace::ByteSource> inner, uint64_t total,
                               FILE* terminal)
    : inner_(std::move(inner)), total_(total), terminal_(terminal),
      last_draw_(std::chrono::steady_clock::now()) {}

ProgressSource::~ProgressSource() {
  if (drawn_) Draw(/*final=*/true);
}

absl::StatusOr<size_t> ProgressSource::Read(char* buffer, size_t size) {
  absl::StatusOr<size_t> got = inner_->Read(buffer, size);
  if (got.ok()) {
    done_ += *got;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_draw_ > std::chrono::milliseconds(250)) {
      last_draw_ = now;
      Draw(/*final=*/false);
    }
  }
  return got;
}

void ProgressSource::Draw(bool final) {
  drawn_ = true;
  if (total_ > 0) {
    std::fprintf(terminal_, "\r[%3d%%] %s of %s%s", static_cast<int>(100.0 * done_ / total_),
                 Size(done_).c_str(), Size(total_).c_str(), final ? "\n" : "");
  } else {
    std::fprintf(terminal_, "\r%s read%s", Size(done_).c_str(), final ? "\n" : "");
  }
  std::fflush(terminal_);
}

std::unique_ptr<trace::ByteSource> ProgressSource::MaybeWrap(
    std::unique_ptr<trace::ByteSource> source, const std::string& path, FILE* terminal) {
  if (terminal == nullptr || !isatty(fileno(terminal))) return source;
  uint64_t total = 0;
  struct stat info;
  if (path != "-" && stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode)) total = info.st_size;
  return std::make_unique<ProgressSource>(std::move(source), total, terminal);
}

}  // namespace portrace::cli
