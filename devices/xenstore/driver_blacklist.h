// The PV-driver blacklist lookup the device models do when a guest writes its build number
// (protocol.md §c, rows TRAD-BL and TRAD-XS-BL), as data per flavour, over a XenstoreTree.
//
// qemu-xen-traditional (xenstore.c, xenstore_pv_driver_build_blacklisted): the product number
// names a product in the device model's own registry (1 "xensource-windows", 2 "gplpv-windows",
// 0xffff "experimental"); an unknown product is never blacklisted. Otherwise the device model
// reads /mh/driver-blacklist/<name>/<build>, the build formatted with a signed "%d" (so build
// 0x80000000 is "-2147483648"), and the driver is blacklisted iff that read succeeds: the node
// exists and the device model's domain may read it.
//
// XenServer's qemu-dm (same function) adds product 3 with a decoding of its own: the build is
// (device_id << 8) | revision (bits 24-31 ignored), compared with the platform PCI device's id
// and revision (0x0001/1 unless /local/domain/<domid>/platform/device_id overrides them, then
// the revision defaults to 2): blacklisted iff the id differs or the revision is lower. No
// xenstore read happens for product 3.
//
// Upstream QEMU has no blacklist. Xen's public registry (xen/include/public/hvm/pvdrivers.h)
// lists more products than either device model knows: PvDriversRegistry() is that registry, for
// rules that flag unregistered products.
#ifndef PORTRACE_DEVICES_XENSTORE_DRIVER_BLACKLIST_H_
#define PORTRACE_DEVICES_XENSTORE_DRIVER_BLACKLIST_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "devices/xenstore/xenstore_tree.h"

namespace portrace::devices {

inline constexpr absl::string_view kDriverBlacklistRoot = "/mh/driver-blacklist";

struct PvDriverProduct {
  uint16_t number;
  absl::string_view name;
};

// Xen's registry, in its order: 1 xensource-windows, 2 gplpv-windows, 3 linux,
// 4 xenserver-windows-v7.0+, 5 xenserver-windows-v7.2+, 0xffff experimental.
absl::Span<const PvDriverProduct> PvDriversRegistry();
// The entry of `number` in PvDriversRegistry(), or null.
const PvDriverProduct* FindPvDriverProduct(uint16_t number);

// How one device model decides.
struct DriverBlacklistScheme {
  absl::string_view name;  // for messages: "qemu-xen-traditional", "XenServer qemu-dm"
  // Products looked up under /mh/driver-blacklist.
  absl::Span<const PvDriverProduct> registry;
  // Product 3 is decoded against the platform device's id and revision instead.
  bool xenserver_product3 = false;
};
const DriverBlacklistScheme& TraditionalBlacklistScheme();
const DriverBlacklistScheme& XenServerBlacklistScheme();

// /mh/driver-blacklist/<product_name>/<build as signed decimal>.
std::string DriverBlacklistPath(absl::string_view product_name, uint32_t build);

// The platform PCI device's identity (XenServer product 3).
struct PlatformPciIdentity {
  uint16_t device_id = 0x0001;
  uint8_t revision = 1;
};

struct DriverBlacklistOptions {
  // The domain whose xenstore connection the device model reads through: dom0 (privileged) by
  // default; a deprivileged qemu-dm (xs_restrict) or a stub domain reads as an unprivileged one.
  XenstoreCaller device_model;
  PlatformPciIdentity platform;
};

enum class BlacklistReason {
  kUnregisteredProduct,  // not in the scheme's registry: never blacklisted
  kNodeAbsent,           // not blacklisted
  kNodeUnreadable,       // exists, but the device model may not read it: not blacklisted
  kNodeFound,            // blacklisted
  kPlatformMismatch,     // XenServer product 3: id differs or revision lower: blacklisted
  kPlatformMatch,        // XenServer product 3: not blacklisted
};

struct BlacklistVerdict {
  bool blacklisted = false;
  BlacklistReason reason = BlacklistReason::kUnregisteredProduct;
  absl::string_view scheme;  // the scheme's name
  uint16_t product = 0;
  uint32_t build = 0;
  std::string path;  // the node looked up; empty when no xenstore read happens
  // kNodeUnreadable: who read and the node's list.
  uint16_t reader_domid = 0;
  std::string permissions;

  // One line, e.g. "/mh/driver-blacklist/gplpv-windows/1 found" or
  // "product 3 is not in qemu-xen-traditional's registry: never blacklisted".
  std::string Describe() const;
};

// Answers blacklist queries from a tree the caller keeps alive and may change between queries.
// Holds no other state; not thread-safe against concurrent tree mutation.
class XenstoreDriverBlacklist {
 public:
  XenstoreDriverBlacklist(const DriverBlacklistScheme* scheme, const XenstoreTree* tree,
                          DriverBlacklistOptions options = {})
      : scheme_(scheme), tree_(tree), options_(options) {}

  BlacklistVerdict Check(uint16_t product, uint32_t build) const;

  const DriverBlacklistScheme& scheme() const { return *scheme_; }
  const DriverBlacklistOptions& options() const { return options_; }

 private:
  const DriverBlacklistScheme* scheme_;
  const XenstoreTree* tree_;
  DriverBlacklistOptions options_;
};

}  // namespace portrace::devices

#endif  // PORTRACE_DEVICES_XENSTORE_DRIVER_BLACKLIST_H_
