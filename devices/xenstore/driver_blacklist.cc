#include "devices/xenstore/driver_blacklist.h"

#include "absl/strings/str_format.h"

namespace portrace::devices {
namespace {

constexpr PvDriverProduct kPvDriversRegistry[] = {
    {0x0001, "xensource-windows"},        // Citrix
    {0x0002, "gplpv-windows"},            // James Harper
    {0x0003, "linux"},                    //
    {0x0004, "xenserver-windows-v7.0+"},  // Citrix
    {0x0005, "xenserver-windows-v7.2+"},  // Citrix
    {0xffff, "experimental"},             // development only
};

// The products qemu-xen-traditional and XenServer's qemu-dm look up in xenstore.
constexpr PvDriverProduct kDeviceModelRegistry[] = {
    {0x0001, "xensource-windows"},
    {0x0002, "gplpv-windows"},
    {0xffff, "experimental"},
};

constexpr uint16_t kXenServerPlatformProduct = 3;

const PvDriverProduct* FindIn(absl::Span<const PvDriverProduct> registry, uint16_t number) {
  for (const PvDriverProduct& product : registry) {
    if (product.number == number) return &product;
  }
  return nullptr;
}

}  // namespace

absl::Span<const PvDriverProduct> PvDriversRegistry() { return kPvDriversRegistry; }

const PvDriverProduct* FindPvDriverProduct(uint16_t number) {
  return FindIn(kPvDriversRegistry, number);
}

const DriverBlacklistScheme& TraditionalBlacklistScheme() {
  static constexpr DriverBlacklistScheme kScheme{"qemu-xen-traditional", kDeviceModelRegistry,
                                                 false};
  return kScheme;
}

const DriverBlacklistScheme& XenServerBlacklistScheme() {
  static constexpr DriverBlacklistScheme kScheme{"XenServer qemu-dm", kDeviceModelRegistry, true};
  return kScheme;
}

std::string DriverBlacklistPath(absl::string_view product_name, uint32_t build) {
  // asprintf(&buf, "/mh/driver-blacklist/%s/%d", product, build_nr) with a uint32_t build_nr.
  return absl::StrFormat("%s/%s/%d", kDriverBlacklistRoot, product_name,
                         static_cast<int32_t>(build));
}

std::string BlacklistVerdict::Describe() const {
  switch (reason) {
    case BlacklistReason::kUnregisteredProduct:
      return absl::StrFormat("product %u is not in %s's registry: never blacklisted", product,
                             scheme);
    case BlacklistReason::kNodeAbsent:
      return absl::StrFormat("%s absent", path);
    case BlacklistReason::kNodeUnreadable:
      return absl::StrFormat("%s exists but domain %u may not read it (%s)", path, reader_domid,
                             permissions);
    case BlacklistReason::kNodeFound:
      return absl::StrFormat("%s found", path);
    case BlacklistReason::kPlatformMismatch:
    case BlacklistReason::kPlatformMatch:
      return absl::StrFormat("product 3 build 0x%08x is device id 0x%04x revision %u: %s", build,
                             (build >> 8) & 0xffff, build & 0xff,
                             reason == BlacklistReason::kPlatformMatch
                                 ? "matches the platform device"
                                 : "another device id or an older revision than the platform's");
  }
  return "?";
}

BlacklistVerdict XenstoreDriverBlacklist::Check(uint16_t product, uint32_t build) const {
  BlacklistVerdict verdict;
  verdict.scheme = scheme_->name;
  verdict.product = product;
  verdict.build = build;
  if (scheme_->xenserver_product3 && product == kXenServerPlatformProduct) {
    const uint16_t device_id = static_cast<uint16_t>((build >> 8) & 0xffff);
    const uint8_t revision = static_cast<uint8_t>(build & 0xff);
    verdict.blacklisted =
        device_id != options_.platform.device_id || revision < options_.platform.revision;
    verdict.reason =
        verdict.blacklisted ? BlacklistReason::kPlatformMismatch : BlacklistReason::kPlatformMatch;
    return verdict;
  }
  const PvDriverProduct* entry = FindIn(scheme_->registry, product);
  if (entry == nullptr) {
    verdict.reason = BlacklistReason::kUnregisteredProduct;
    return verdict;
  }
  verdict.path = DriverBlacklistPath(entry->name, build);
  if (!tree_->Exists(verdict.path)) {
    verdict.reason = BlacklistReason::kNodeAbsent;
  } else if (!tree_->Read(verdict.path, options_.device_model).ok()) {
    verdict.reason = BlacklistReason::kNodeUnreadable;
    verdict.reader_domid = options_.device_model.domid;
    if (auto permissions = tree_->GetPermissions(verdict.path); permissions.ok()) {
      verdict.permissions = permissions->ToString();
    }
  } else {
    verdict.reason = BlacklistReason::kNodeFound;
    verdict.blacklisted = true;
  }
  return verdict;
}

}  // namespace portrace::devices
