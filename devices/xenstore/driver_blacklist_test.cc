#include "devices/xenstore/driver_blacklist.h"

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "devices/xenstore/xenstore_dump.h"
#include "devices/xenstore/xenstore_tree.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::devices {
namespace {

using ::testing::HasSubstr;

// The blacklist part of a host's store, as an operator would have it.
constexpr absl::string_view kHostBlacklist =
    "/mh = \"\"   (n0)\n"
    "/mh/driver-blacklist = \"\"   (n0)\n"
    "/mh/driver-blacklist/gplpv-windows/1 = \"\"   (n0)\n"
    "/mh/driver-blacklist/gplpv-windows/7 = \"\"   (n0,r7)\n"
    "/mh/driver-blacklist/xensource-windows/86451 = \"\"   (r0)\n"
    "/mh/driver-blacklist/xensource-windows/-1 = \"\"   (n0)\n"
    "/mh/driver-blacklist/experimental/-2147483648 = \"bad\"   (n0)\n"
    "/mh/driver-blacklist/experimental/2147483648 = \"never looked up\"   (n0)\n"
    "/mh/driver-blacklist/linux/1 = \"\"   (r0)\n";

TEST(DriverBlacklistTest, Registries) {
  std::vector<std::string> full;
  for (const PvDriverProduct& p : PvDriversRegistry())
    full.push_back(absl::StrCat(p.number, " ", p.name));
  EXPECT_THAT(full, ::testing::ElementsAre("1 xensource-windows", "2 gplpv-windows", "3 linux",
                                           "4 xenserver-windows-v7.0+", "5 xenserver-windows-v7.2+",
                                           "65535 experimental"));
  ASSERT_NE(FindPvDriverProduct(4), nullptr);
  EXPECT_EQ(FindPvDriverProduct(4)->name, "xenserver-windows-v7.0+");
  EXPECT_EQ(FindPvDriverProduct(0), nullptr);
  EXPECT_EQ(FindPvDriverProduct(6), nullptr);

  for (const DriverBlacklistScheme* scheme :
       {&TraditionalBlacklistScheme(), &XenServerBlacklistScheme()}) {
    std::vector<uint16_t> numbers;
    for (const PvDriverProduct& p : scheme->registry) numbers.push_back(p.number);
    EXPECT_THAT(numbers, ::testing::ElementsAre(1, 2, 0xffff)) << scheme->name;
  }
  EXPECT_FALSE(TraditionalBlacklistScheme().xenserver_product3);
  EXPECT_TRUE(XenServerBlacklistScheme().xenserver_product3);
}

// qemu-trad formats the uint32_t build with a signed %d.
TEST(DriverBlacklistTest, PathUsesSignedDecimal) {
  const struct {
    uint32_t build;
    const char* path;
  } cases[] = {
      {0, "/mh/driver-blacklist/gplpv-windows/0"},
      {1, "/mh/driver-blacklist/gplpv-windows/1"},
      {0x00090100, "/mh/driver-blacklist/gplpv-windows/590080"},
      {0x7fffffff, "/mh/driver-blacklist/gplpv-windows/2147483647"},
      {0x80000000, "/mh/driver-blacklist/gplpv-windows/-2147483648"},
      {0xffffffff, "/mh/driver-blacklist/gplpv-windows/-1"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(DriverBlacklistPath("gplpv-windows", c.build), c.path);
    EXPECT_TRUE(XenstoreTree::ValidatePath(c.path).ok()) << c.path;
  }
}

TEST(DriverBlacklistTest, LookupAcrossFlavours) {
  XenstoreTree tree;
  ASSERT_TRUE(LoadXenstoreDump(kHostBlacklist, "host", &tree).ok());
  const DriverBlacklistScheme& trad = TraditionalBlacklistScheme();
  const DriverBlacklistScheme& xs = XenServerBlacklistScheme();

  const struct {
    const char* name;
    const DriverBlacklistScheme* scheme;
    uint16_t device_model_domid;
    uint16_t product;
    uint32_t build;
    bool blacklisted;
    BlacklistReason reason;
    const char* path;
    const char* description;
  } cases[] = {
      {"listed build", &trad, 0, 2, 1, true, BlacklistReason::kNodeFound,
       "/mh/driver-blacklist/gplpv-windows/1", "/mh/driver-blacklist/gplpv-windows/1 found"},
      {"another build", &trad, 0, 2, 2, false, BlacklistReason::kNodeAbsent,
       "/mh/driver-blacklist/gplpv-windows/2", "/mh/driver-blacklist/gplpv-windows/2 absent"},
      {"Citrix product", &trad, 0, 1, 86451, true, BlacklistReason::kNodeFound,
       "/mh/driver-blacklist/xensource-windows/86451", "found"},
      {"build 0xffffffff is -1", &trad, 0, 1, 0xffffffff, true, BlacklistReason::kNodeFound,
       "/mh/driver-blacklist/xensource-windows/-1", "found"},
      {"build 0x80000000 is -2147483648", &trad, 0, 0xffff, 0x80000000, true,
       BlacklistReason::kNodeFound, "/mh/driver-blacklist/experimental/-2147483648", "found"},
      {"the unsigned spelling is not what qemu-trad reads", &xs, 0, 0xffff, 0x7fffffff, false,
       BlacklistReason::kNodeAbsent, "/mh/driver-blacklist/experimental/2147483647", "absent"},
      {"Linux is not in qemu-trad's registry", &trad, 0, 3, 1, false,
       BlacklistReason::kUnregisteredProduct, "",
       "product 3 is not in qemu-xen-traditional's registry: never blacklisted"},
      {"product 4 is only in Xen's registry", &trad, 0, 4, 1, false,
       BlacklistReason::kUnregisteredProduct, "", "product 4 is not in"},
      {"product 4 on XenServer", &xs, 0, 4, 1, false, BlacklistReason::kUnregisteredProduct, "",
       "product 4 is not in XenServer qemu-dm's registry"},
      {"product 0", &trad, 0, 0, 1, false, BlacklistReason::kUnregisteredProduct, "",
       "product 0 is not in"},
      {"unreadable by a deprivileged device model", &trad, 7, 2, 1, false,
       BlacklistReason::kNodeUnreadable, "/mh/driver-blacklist/gplpv-windows/1",
       "/mh/driver-blacklist/gplpv-windows/1 exists but domain 7 may not read it (n0)"},
      {"readable through a per-domain entry", &trad, 7, 2, 7, true, BlacklistReason::kNodeFound,
       "/mh/driver-blacklist/gplpv-windows/7", "found"},
      {"readable through the default", &xs, 7, 1, 86451, true, BlacklistReason::kNodeFound,
       "/mh/driver-blacklist/xensource-windows/86451", "found"},
      {"absent for an unprivileged reader too", &trad, 7, 2, 3, false, BlacklistReason::kNodeAbsent,
       "/mh/driver-blacklist/gplpv-windows/3", "absent"},
      {"XenServer looks products 1, 2, 0xffff up like qemu-trad", &xs, 0, 2, 1, true,
       BlacklistReason::kNodeFound, "/mh/driver-blacklist/gplpv-windows/1", "found"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    DriverBlacklistOptions options;
    options.device_model = XenstoreCaller::Domain(c.device_model_domid);
    const XenstoreDriverBlacklist blacklist(c.scheme, &tree, options);
    const BlacklistVerdict verdict = blacklist.Check(c.product, c.build);
    EXPECT_EQ(verdict.blacklisted, c.blacklisted);
    EXPECT_EQ(verdict.reason, c.reason);
    EXPECT_EQ(verdict.path, c.path);
    EXPECT_EQ(verdict.product, c.product);
    EXPECT_EQ(verdict.build, c.build);
    EXPECT_THAT(verdict.Describe(), HasSubstr(c.description));
  }
}

// XenServer product 3: build = (device_id << 8) | revision against the platform device.
TEST(DriverBlacklistTest, XenServerProduct3DecodesThePlatformIdentity) {
  XenstoreTree tree;
  ASSERT_TRUE(LoadXenstoreDump(kHostBlacklist, "host", &tree).ok());
  const struct {
    const char* name;
    uint16_t platform_device_id;
    uint8_t platform_revision;
    uint32_t build;
    bool blacklisted;
  } cases[] = {
      {"default platform, same id and revision", 0x0001, 1, 0x000101, false},
      {"newer revision", 0x0001, 1, 0x000105, false},
      {"older revision", 0x0001, 2, 0x000101, true},
      {"revision 0", 0x0001, 1, 0x000100, true},
      {"other device id", 0x0001, 1, 0x000201, true},
      {"overridden platform id (revision defaults to 2)", 0xc000, 2, 0xc00002, false},
      {"overridden platform id, old driver", 0xc000, 2, 0xc00001, true},
      {"bits 24-31 are ignored", 0x0001, 1, 0xff000101, false},
      {"build 1 as Linux writes it", 0x0001, 1, 0x00000001, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    DriverBlacklistOptions options;
    options.platform = PlatformPciIdentity{c.platform_device_id, c.platform_revision};
    const XenstoreDriverBlacklist blacklist(&XenServerBlacklistScheme(), &tree, options);
    const BlacklistVerdict verdict = blacklist.Check(3, c.build);
    EXPECT_EQ(verdict.blacklisted, c.blacklisted);
    EXPECT_EQ(verdict.reason,
              c.blacklisted ? BlacklistReason::kPlatformMismatch : BlacklistReason::kPlatformMatch);
    EXPECT_EQ(verdict.path, "") << "no xenstore read for product 3";
    EXPECT_THAT(verdict.Describe(), HasSubstr("product 3 build 0x"));
  }
  // /mh/driver-blacklist/linux/1 exists, but XenServer never reads it for product 3.
  const XenstoreDriverBlacklist blacklist(&XenServerBlacklistScheme(), &tree);
  EXPECT_EQ(blacklist.Check(3, 0x000101).Describe(),
            "product 3 build 0x00000101 is device id 0x0001 revision 1: matches the platform "
            "device");
}

TEST(DriverBlacklistTest, FollowsTheTreeAsItChanges) {
  XenstoreTree tree;
  const XenstoreDriverBlacklist blacklist(&TraditionalBlacklistScheme(), &tree);
  EXPECT_FALSE(blacklist.Check(2, 1).blacklisted);
  absl::StatusOr<XenstoreFlag> flag = ParseXenstoreFlag("/mh/driver-blacklist/gplpv-windows/1=");
  ASSERT_TRUE(flag.ok());
  ASSERT_TRUE(ApplyXenstoreFlag(*flag, &tree).ok());
  EXPECT_TRUE(blacklist.Check(2, 1).blacklisted);
  ASSERT_TRUE(tree.Remove("/mh/driver-blacklist/gplpv-windows").ok());
  EXPECT_EQ(blacklist.Check(2, 1).reason, BlacklistReason::kNodeAbsent);
}

}  // namespace
}  // namespace portrace::devices
