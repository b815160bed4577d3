// DriveOptions: one QEMU `-drive` option string ("file=disk.img,format=raw,if=ide,index=0"),
// the subset portrace models: file=, format=raw, if=ide, index=0..3, media=disk|cdrom,
// snapshot=on|off. Index i is channel i/2 (0 primary, 1 secondary), unit i%2 (0 master).
#ifndef PORTRACE_DEVICES_IDE_DRIVE_OPTIONS_H_
#define PORTRACE_DEVICES_IDE_DRIVE_OPTIONS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace portrace::devices {

enum class DriveMedia { kDisk, kCdrom };

struct DriveOptions {
  std::string file;  // empty: no medium (an empty CD-ROM drive)
  DriveMedia media = DriveMedia::kDisk;
  int index = -1;  // -1: the first free slot, as QEMU assigns it
  // true (QEMU's default is off, portrace's is on): writes go to a copy-on-write overlay and
  // never reach the file. false: writes reach the file.
  bool snapshot = true;
};

// InvalidArgument naming the option string and the offending key for anything outside the subset.
absl::StatusOr<DriveOptions> ParseDriveOptions(absl::string_view option);

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_IDE_DRIVE_OPTIONS_H_
