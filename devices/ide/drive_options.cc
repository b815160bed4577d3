#include "devices/ide/drive_options.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace portrace::devices {
namespace {

absl::Status Bad(absl::string_view option, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("--drive=", option, ": ", why));
}

}  // namespace

absl::StatusOr<DriveOptions> ParseDriveOptions(absl::string_view option) {
  DriveOptions out;
  bool snapshot_given = false;
  for (absl::string_view part : absl::StrSplit(option, ',')) {
    if (part.empty()) return Bad(option, "empty key");
    const size_t eq = part.find('=');
    if (eq == absl::string_view::npos) return Bad(option, absl::StrCat("'", part, "' has no value"));
    const absl::string_view key = part.substr(0, eq), value = part.substr(eq + 1);
    if (key == "file") {
      if (value.empty()) return Bad(option, "file= is empty");
      out.file = std::string(value);
    } else if (key == "format") {
      if (value != "raw") return Bad(option, absl::StrCat("format '", value, "': only raw"));
    } else if (key == "if") {
      if (value != "ide") return Bad(option, absl::StrCat("if '", value, "': only ide"));
    } else if (key == "index") {
      int index;
      if (!absl::SimpleAtoi(value, &index) || index < 0 || index > 3) {
        return Bad(option, absl::StrCat("index '", value, "': expected 0-3"));
      }
      out.index = index;
    } else if (key == "media") {
      if (value == "disk") {
        out.media = DriveMedia::kDisk;
      } else if (value == "cdrom") {
        out.media = DriveMedia::kCdrom;
      } else {
        return Bad(option, absl::StrCat("media '", value, "': expected disk or cdrom"));
      }
    } else if (key == "snapshot") {
      if (value == "on") {
        out.snapshot = true;
      } else if (value == "off") {
        out.snapshot = false;
      } else {
        return Bad(option, absl::StrCat("snapshot '", value, "': expected on or off"));
      }
      snapshot_given = true;
    } else {
      return Bad(option, absl::StrCat("unknown key '", key, "'"));
    }
  }
  (void)snapshot_given;
  if (out.media == DriveMedia::kDisk && out.file.empty()) {
    return Bad(option, "a disk needs file=");
  }
  return out;
}

}  // namespace portrace::devices
