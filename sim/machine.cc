#include "sim/machine.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace portrace::sim {
namespace {

constexpr MachineProfile kProfiles[] = {
    {"xen-trad", "Xen HVM guest, qemu-xen-traditional platform device (blacklist, throttle)",
     SpaceSemantics::kXen, PlatformFlavour::kTraditional},
    {"xen-xenserver", "Xen HVM guest, XenServer qemu-dm (adds the version-2 unplug extension)",
     SpaceSemantics::kXen, PlatformFlavour::kXenServer},
    {"xen-upstream", "Xen HVM guest, upstream QEMU xen-platform (no blacklist, no throttle)",
     SpaceSemantics::kXen, PlatformFlavour::kUpstream},
    {"pc", "i440FX + PIIX3 as qemu-system-x86_64 -M pc -nodefaults", SpaceSemantics::kQemu,
     PlatformFlavour::kNone},
};

}  // namespace

absl::Span<const MachineProfile> MachineProfiles() { return kProfiles; }

const MachineProfile* FindMachineProfile(absl::string_view name) {
  for (const MachineProfile& profile : kProfiles) {
    if (profile.name == name) return &profile;
  }
  return nullptr;
}

absl::StatusOr<std::unique_ptr<Machine>> Machine::Create(const MachineOptions& options) {
  const MachineProfile* profile = FindMachineProfile(options.name);
  if (profile == nullptr) {
    std::vector<absl::string_view> names;
    for (const MachineProfile& p : kProfiles) names.push_back(p.name);
    return absl::InvalidArgumentError(absl::StrCat("unknown machine '", options.name,
                                                   "' (known: ", absl::StrJoin(names, ", "), ")"));
  }
  if (options.ram_bytes == 0 || options.ram_bytes > (uint64_t{3} << 30)) {
    return absl::InvalidArgumentError(
        absl::StrCat("RAM size ", options.ram_bytes, " bytes is not in 1 byte .. 3 GiB"));
  }
  return std::unique_ptr<Machine>(new Machine(*profile, options));
}

Machine::Machine(const MachineProfile& profile, const MachineOptions& options)
    : profile_(profile), io_(profile.semantics), ram_(options.ram_bytes), memory_(&ram_) {}

}  // namespace portrace::sim
