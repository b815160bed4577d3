// NicOptions: one NIC as QEMU's -nic option string gives it ("user,model=ne2k_pci,mac=..."):
// the model (ne2k_pci, ne2k_isa, rtl8139) and the MAC address. A leading backend word (user,
// tap, none, ...) and other keys (id=, netdev=, ...) are accepted and ignored: portrace has no
// network behind its NICs. Without mac=, the NIC gets QEMU's default 52:54:00:12:34:56 plus its
// index among the NICs (QEMU's qemu_macaddr_default_if_unset).
#ifndef PORTRACE_DEVICES_NIC_NIC_OPTIONS_H_
#define PORTRACE_DEVICES_NIC_NIC_OPTIONS_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace portrace::devices {

enum class NicModel { kNe2kPci, kNe2kIsa, kRtl8139 };

struct NicOptions {
  NicModel model = NicModel::kNe2kPci;
  std::array<uint8_t, 6> mac{};
};

// `index` is the NIC's position among the machine's NICs (for the default MAC).
// InvalidArgument naming the option for an unknown model, a missing model or a bad MAC.
absl::StatusOr<NicOptions> ParseNicOptions(absl::string_view text, int index);

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_NIC_NIC_OPTIONS_H_
