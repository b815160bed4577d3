#include "trace/byte_source.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_format.h"

namespace portrace::trace {
namespace {

absl::Status ErrnoStatus(int err, absl::string_view what, absl::string_view name) {
  const std::string message = absl::StrFormat("%s: %s: %s", name, what, std::strerror(err));
  switch (err) {
    case ENOENT:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(message);
    default:
      return absl::UnavailableError(message);
  }
}

class FileSource : public ByteSource {
 public:
  FileSource(FILE* file, std::string name, bool owned)
      : file_(file), name_(std::move(name)), owned_(owned) {}
  ~FileSource() override {
    if (owned_) std::fclose(file_);
  }
  absl::StatusOr<size_t> Read(char* buffer, size_t size) override {
    const size_t got = std::fread(buffer, 1, size, file_);
    if (got == 0 && std::ferror(file_)) return ErrnoStatus(errno, "read failed", name_);
    return got;
  }
  const std::string& name() const override { return name_; }

 private:
  FILE* file_;
  std::string name_;
  bool owned_;
};

class FileSink : public ByteSink {
 public:
  FileSink(FILE* file, std::string name, bool owned)
      : file_(file), name_(std::move(name)), owned_(owned) {}
  ~FileSink() override {
    if (file_ != nullptr && owned_) std::fclose(file_);
  }
  absl::Status Write(absl::string_view bytes) override {
    if (file_ == nullptr) return absl::FailedPreconditionError(name_ + ": already closed");
    if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
      return ErrnoStatus(errno, "write failed", name_);
    }
    return absl::OkStatus();
  }
  absl::Status Close() override {
    if (file_ == nullptr) return absl::OkStatus();
    int rc = std::fflush(file_);
    if (owned_ && std::fclose(file_) != 0) rc = EOF;
    file_ = nullptr;
    if (rc != 0) return ErrnoStatus(errno, "close failed", name_);
    return absl::OkStatus();
  }
  const std::string& name() const override { return name_; }

 private:
  FILE* file_;
  std::string name_;
  bool owned_;
};

// Serves `view`, which points into `owned` or into the caller's bytes.
class StringSource : public ByteSource {
 public:
  StringSource(std::string owned, absl::string_view view, std::string name, size_t max_read)
      : owned_(std::move(owned)), view_(view), name_(std::move(name)), max_read_(max_read) {}
  absl::StatusOr<size_t> Read(char* buffer, size_t size) override {
    const size_t n = std::min({size, max_read_, view_.size() - pos_});
    if (n > 0) std::memcpy(buffer, view_.data() + pos_, n);
    pos_ += n;
    return n;
  }
  const std::string& name() const override { return name_; }
  void PointAtOwned() { view_ = owned_; }

 private:
  std::string owned_;
  absl::string_view view_;
  std::string name_;
  size_t max_read_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path) {
  if (path == "-") return std::make_unique<FileSource>(stdin, "<stdin>", false);
  FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return ErrnoStatus(errno, "cannot open", path);
  return std::make_unique<FileSource>(file, path, true);
}

absl::StatusOr<std::unique_ptr<ByteSink>> OpenFileSink(const std::string& path) {
  if (path == "-") return std::make_unique<FileSink>(stdout, "<stdout>", false);
  FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return ErrnoStatus(errno, "cannot create", path);
  return std::make_unique<FileSink>(file, path, true);
}

std::unique_ptr<ByteSource> MakeStringSource(std::string bytes, std::string name,
                                             size_t max_read) {
  // A std::string's buffer does not move with the string unless it is stored inline (SSO), so
  // the view is taken after the move, from the stored string.
  auto source = std::make_unique<StringSource>(std::move(bytes), absl::string_view(),
                                               std::move(name), std::max<size_t>(max_read, 1));
  source->PointAtOwned();
  return source;
}

std::unique_ptr<ByteSource> MakeStringViewSource(absl::string_view bytes, std::string name) {
  return std::make_unique<StringSource>(std::string(), bytes, std::move(name), SIZE_MAX);
}

absl::StatusOr<absl::string_view> PeekableSource::Peek(size_t size) {
  if (reading_) return absl::FailedPreconditionError(name() + ": peek after read");
  while (head_.size() < size) {
    const size_t old = head_.size();
    head_.resize(size);
    absl::StatusOr<size_t> got = inner_->Read(head_.data() + old, size - old);
    if (!got.ok()) {
      head_.resize(old);
      return got.status();
    }
    head_.resize(old + *got);
    if (*got == 0) break;
  }
  return absl::string_view(head_).substr(0, std::min(size, head_.size()));
}

absl::StatusOr<size_t> PeekableSource::Read(char* buffer, size_t size) {
  reading_ = true;
  if (head_pos_ < head_.size()) {
    const size_t n = std::min(size, head_.size() - head_pos_);
    std::memcpy(buffer, head_.data() + head_pos_, n);
    head_pos_ += n;
    if (head_pos_ == head_.size()) {
      head_.clear();
      head_pos_ = 0;
    }
    return n;
  }
  return inner_->Read(buffer, size);
}

}  // namespace portrace::trace
