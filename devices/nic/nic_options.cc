#include "devices/nic/nic_options.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace portrace::devices {

absl::StatusOr<NicOptions> ParseNicOptions(absl::string_view text, int index) {
  NicOptions options;
  options.mac = {0x52, 0x54, 0x00, 0x12, 0x34, static_cast<uint8_t>(0x56 + index)};
  bool have_model = false;
  const std::vector<absl::string_view> parts = absl::StrSplit(text, ',');
  for (size_t i = 0; i < parts.size(); ++i) {
    const absl::string_view part = parts[i];
    const size_t eq = part.find('=');
    if (eq == absl::string_view::npos) {
      if (i == 0) continue;  // the backend: user, tap, none, ...
      return absl::InvalidArgumentError(
          absl::StrCat("--nic=", text, ": '", part, "' is not KEY=VALUE"));
    }
    const absl::string_view key = part.substr(0, eq), value = part.substr(eq + 1);
    if (key == "model") {
      have_model = true;
      if (value == "ne2k_pci") {
        options.model = NicModel::kNe2kPci;
      } else if (value == "ne2k_isa") {
        options.model = NicModel::kNe2kIsa;
      } else if (value == "rtl8139") {
        options.model = NicModel::kRtl8139;
      } else {
        return absl::InvalidArgumentError(absl::StrCat(
            "--nic=", text, ": unknown model '", value, "' (known: ne2k_pci, ne2k_isa, rtl8139)"));
      }
    } else if (key == "mac") {
      const std::vector<absl::string_view> bytes = absl::StrSplit(value, ':');
      bool ok = bytes.size() == 6;
      for (size_t b = 0; ok && b < 6; ++b) {
        uint32_t v = 0;
        ok = bytes[b].size() == 2 && absl::SimpleHexAtoi(bytes[b], &v) && v <= 0xff;
        options.mac[b] = static_cast<uint8_t>(v);
      }
      if (!ok) {
        return absl::InvalidArgumentError(
            absl::StrCat("--nic=", text, ": mac '", value, "' is not six hex bytes a:b:c:d:e:f"));
      }
    }
  }
  if (!have_model) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--nic=", text, ": no model= (ne2k_pci, ne2k_isa or rtl8139; QEMU's default e1000 is "
                        "not modelled)"));
  }
  return options;
}

}  // namespace portrace::devices
