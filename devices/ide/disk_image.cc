#include "devices/ide/disk_image.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace portrace::devices {

absl::StatusOr<std::unique_ptr<DiskImage>> DiskImage::Open(const std::string& path,
                                                           bool snapshot) {
  const int fd = open(path.c_str(), (snapshot ? O_RDONLY : O_RDWR) | O_CLOEXEC);
  if (fd < 0) {
    const std::string why = absl::StrCat("drive image ", path, ": ", std::strerror(errno));
    if (errno == ENOENT) return absl::NotFoundError(why);
    if (errno == EACCES || errno == EROFS) return absl::PermissionDeniedError(why);
    return absl::InvalidArgumentError(why);
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return absl::InvalidArgumentError(absl::StrCat("drive image ", path, ": not a regular file"));
  }
  std::unique_ptr<DiskImage> image(new DiskImage());
  image->path_ = path;
  image->fd_ = fd;
  image->snapshot_ = snapshot;
  image->sectors_ = static_cast<uint64_t>(st.st_size) / kSectorSize;
  return image;
}

std::unique_ptr<DiskImage> DiskImage::Empty() { return std::unique_ptr<DiskImage>(new DiskImage()); }

DiskImage::~DiskImage() {
  if (fd_ >= 0) close(fd_);
}

bool DiskImage::Read(uint64_t sector, uint64_t count, uint8_t* out) {
  if (!InRange(sector, count)) return false;
  for (uint64_t i = 0; i < count; ++i) {
    uint8_t* dst = out + i * kSectorSize;
    auto it = overlay_.find(sector + i);
    if (it != overlay_.end()) {
      std::memcpy(dst, it->second.data(), kSectorSize);
      continue;
    }
    uint64_t done = 0;
    while (done < kSectorSize) {
      const ssize_t n = pread(fd_, dst + done, kSectorSize - done,
                              static_cast<off_t>((sector + i) * kSectorSize + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<uint64_t>(n);
    }
  }
  return true;
}

bool DiskImage::Write(uint64_t sector, uint64_t count, const uint8_t* data) {
  if (!InRange(sector, count)) return false;
  if (!snapshot_) {
    uint64_t done = 0;
    const uint64_t total = count * kSectorSize;
    while (done < total) {
      const ssize_t n =
          pwrite(fd_, data + done, total - done, static_cast<off_t>(sector * kSectorSize + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<uint64_t>(n);
    }
    return true;
  }
  uint64_t fresh = 0;
  for (uint64_t i = 0; i < count; ++i) fresh += overlay_.count(sector + i) ? 0 : 1;
  if (overlay_bytes() + fresh * kSectorSize > kMaxOverlayBytes) return false;
  for (uint64_t i = 0; i < count; ++i) {
    std::memcpy(overlay_[sector + i].data(), data + i * kSectorSize, kSectorSize);
  }
  return true;
}

}  // namespace portrace::devices
