// DiskImage: the backing store of an IDE drive — a raw image file read lazily with pread (never
// loaded whole), with a copy-on-write overlay of 512-byte sectors in a sparse map, bounded in
// size. With the overlay on (snapshot) writes never reach the file; off, they are written
// through. An image without a file is empty (an empty CD-ROM drive). Not thread-safe.
#ifndef PORTRACE_DEVICES_IDE_DISK_IMAGE_H_
#define PORTRACE_DEVICES_IDE_DISK_IMAGE_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace portrace::devices {

class DiskImage {
 public:
  static constexpr uint64_t kSectorSize = 512;
  // The overlay holds at most this many bytes; writes past it fail (the guest sees an I/O error).
  static constexpr uint64_t kMaxOverlayBytes = uint64_t{64} << 20;

  // NotFound / PermissionDenied naming the file when it cannot be opened (read-write when
  // `snapshot` is false). The size is rounded down to whole sectors.
  static absl::StatusOr<std::unique_ptr<DiskImage>> Open(const std::string& path, bool snapshot);
  // No medium: zero sectors.
  static std::unique_ptr<DiskImage> Empty();

  ~DiskImage();
  DiskImage(const DiskImage&) = delete;
  DiskImage& operator=(const DiskImage&) = delete;

  uint64_t sectors() const { return sectors_; }
  const std::string& path() const { return path_; }

  // Sector-granular I/O; false when the range passes the end, the file fails or the overlay is full.
  bool Read(uint64_t sector, uint64_t count, uint8_t* out);
  bool Write(uint64_t sector, uint64_t count, const uint8_t* data);
  uint64_t overlay_bytes() const { return overlay_.size() * kSectorSize; }

 private:
  DiskImage() = default;
  bool InRange(uint64_t sector, uint64_t count) const {
    return sector <= sectors_ && count <= sectors_ - sector;
  }

  std::string path_;
  int fd_ = -1;
  bool snapshot_ = true;
  uint64_t sectors_ = 0;
  std::map<uint64_t, std::array<uint8_t, kSectorSize>> overlay_;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_IDE_DISK_IMAGE_H_
