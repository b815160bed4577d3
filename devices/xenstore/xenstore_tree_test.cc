#include "devices/xenstore/xenstore_tree.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::devices {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

XenstorePermissions Perms(absl::string_view text) {
  absl::StatusOr<XenstorePermissions> permissions = XenstorePermissions::Parse(text);
  EXPECT_TRUE(permissions.ok()) << permissions.status();
  return permissions.ok() ? *permissions : XenstorePermissions();
}

TEST(XenstorePermissionsTest, ParseAndPrint) {
  const struct {
    const char* text;
    uint16_t owner;
    XenstoreAccess default_access;
    size_t entries;
  } cases[] = {
      {"n0", 0, XenstoreAccess::kNone, 1},           {"r0", 0, XenstoreAccess::kRead, 1},
      {"n0,r5", 0, XenstoreAccess::kNone, 2},        {"n5,r0", 5, XenstoreAccess::kNone, 2},
      {"b7,w3,r0,n12", 7, XenstoreAccess::kBoth, 4}, {"w65535", 65535, XenstoreAccess::kWrite, 1},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    absl::StatusOr<XenstorePermissions> permissions = XenstorePermissions::Parse(c.text);
    ASSERT_TRUE(permissions.ok()) << permissions.status();
    EXPECT_EQ(permissions->owner(), c.owner);
    EXPECT_EQ(permissions->default_access(), c.default_access);
    EXPECT_EQ(permissions->entries().size(), c.entries);
    EXPECT_EQ(permissions->ToString(), c.text);
  }
}

TEST(XenstorePermissionsTest, ParseRefusesMalformedLists) {
  const struct {
    std::string text;
    const char* message;
  } cases[] = {
      {"", "empty list"},
      {"x0", "must be n, r, w or b"},
      {"R0", "must be n, r, w or b"},
      {"r", "no domain id"},
      {"r-1", "must be decimal"},
      {"r0x10", "must be decimal"},
      {"r1a", "must be decimal"},
      {"r 1", "must be decimal"},
      {"r010", "leading zero"},
      {"r65536", "above 65535"},
      {"r99999999999999999999", "above 65535"},
      {"n0,,r1", "entry 2"},
      {"n0,", "entry 2 \"\": empty"},
      {" n0", "must be n, r, w or b"},
      {std::string("n0\0", 3), "must be decimal"},
      {std::string(5000, 'n'), "XENSTORE_PAYLOAD_MAX"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text.substr(0, 30));
    absl::StatusOr<XenstorePermissions> permissions = XenstorePermissions::Parse(c.text);
    ASSERT_FALSE(permissions.ok());
    EXPECT_EQ(permissions.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(permissions.status().message(), HasSubstr("bad xenstore permissions"));
    EXPECT_THAT(permissions.status().message(), HasSubstr(c.message));
  }
}

// xenstored's perm_for_conn: privileged and owner get everything; else the first later entry
// for the caller (or its target); else the owner entry's letter.
TEST(XenstorePermissionsTest, AccessFor) {
  const struct {
    const char* name;
    const char* permissions;
    XenstoreCaller caller;
    XenstoreAccess expected;
  } cases[] = {
      {"dom0 bypasses n", "n5", XenstoreCaller::Domain(0), XenstoreAccess::kBoth},
      {"dom0 bypasses a list without it", "n5,r7", XenstoreCaller::Domain(0),
       XenstoreAccess::kBoth},
      {"owner gets both despite n", "n5", XenstoreCaller::Domain(5), XenstoreAccess::kBoth},
      {"owner check precedes its later entry", "n3,r3", XenstoreCaller::Domain(3),
       XenstoreAccess::kBoth},
      {"default none", "n0", XenstoreCaller::Domain(7), XenstoreAccess::kNone},
      {"default read", "r0", XenstoreCaller::Domain(7), XenstoreAccess::kRead},
      {"default write", "w0", XenstoreCaller::Domain(7), XenstoreAccess::kWrite},
      {"default both", "b0", XenstoreCaller::Domain(7), XenstoreAccess::kBoth},
      {"per-domain read", "n0,r7", XenstoreCaller::Domain(7), XenstoreAccess::kRead},
      {"per-domain entry for another domain", "n0,r7", XenstoreCaller::Domain(8),
       XenstoreAccess::kNone},
      {"per-domain none overrides default read", "r0,n7", XenstoreCaller::Domain(7),
       XenstoreAccess::kNone},
      {"first matching entry wins", "n0,r7,w7", XenstoreCaller::Domain(7), XenstoreAccess::kRead},
      {"per-domain write", "n0,w7", XenstoreCaller::Domain(7), XenstoreAccess::kWrite},
      {"per-domain both", "n0,b7", XenstoreCaller::Domain(7), XenstoreAccess::kBoth},
      {"stub domain gets its target's entry", "n0,r5", XenstoreCaller::Domain(9, 5),
       XenstoreAccess::kRead},
      {"stub domain owns its target's nodes", "n5", XenstoreCaller::Domain(9, 5),
       XenstoreAccess::kBoth},
      {"stub domain: own entry first in list order", "n0,w9,r5", XenstoreCaller::Domain(9, 5),
       XenstoreAccess::kWrite},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Perms(c.permissions).AccessFor(c.caller), c.expected);
  }
}

TEST(XenstoreTreeTest, StartsWithTheRootOnly) {
  XenstoreTree tree;
  EXPECT_EQ(tree.size(), 1u);
  EXPECT_TRUE(tree.Exists("/"));
  EXPECT_EQ(*tree.Read("/"), "");
  EXPECT_EQ(tree.GetPermissions("/")->ToString(), "n0");
  EXPECT_THAT(*tree.Directory("/"), IsEmpty());
}

TEST(XenstoreTreeTest, ValidatePath) {
  const struct {
    std::string path;
    const char* message;  // null: valid
  } cases[] = {
      {"/", nullptr},
      {"/local/domain/5/device/vbd/768", nullptr},
      {"/a-b_c@d/E9", nullptr},
      {"/" + std::string(kXenstoreAbsPathMax - 1, 'a'), nullptr},
      {"", "empty"},
      {"local/domain", "not absolute"},
      {"/local/", "ends with '/'"},
      {"//", "ends with '/'"},
      {"/local//domain", "empty component"},
      {"/a b", "character ' ' at offset 2"},
      {"/a.b", "character '.' at offset 2"},
      {"/a:b", "character ':'"},
      {"/a\"b", "character '\\\"'"},
      {std::string("/a\0b", 4), "character '\\x00' at offset 2"},
      {"/caf\xc3\xa9", "character '\\xc3' at offset 4"},
      {"/" + std::string(kXenstoreAbsPathMax, 'a'),
       "3073 bytes, longer than XENSTORE_ABS_PATH_MAX"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path.substr(0, 40));
    const absl::Status status = XenstoreTree::ValidatePath(c.path);
    if (c.message == nullptr) {
      EXPECT_TRUE(status.ok()) << status;
      continue;
    }
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(status.message(), HasSubstr("invalid xenstore path"));
    EXPECT_THAT(status.message(), HasSubstr(c.message));
  }
}

TEST(XenstoreTreeTest, EveryOperationRefusesAnInvalidPath) {
  XenstoreTree tree;
  const std::string bad = "/local//domain";
  EXPECT_EQ(tree.Write(bad, "x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tree.Read(bad).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tree.Directory(bad).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tree.GetPermissions(bad).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tree.SetPermissions(bad, XenstorePermissions()).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tree.Remove(bad).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(tree.Exists(bad));
  EXPECT_THAT(tree.Write(bad, "x").message(), HasSubstr("\"/local//domain\""));
  EXPECT_EQ(tree.size(), 1u);
}

TEST(XenstoreTreeTest, LongPathsAreQuotedShortInMessages) {
  XenstoreTree tree;
  const absl::Status status = tree.Write("/" + std::string(5000, 'a') + " ", "x");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("...\" (5002 bytes)"));
  EXPECT_LT(status.message().size(), 300u);
}

TEST(XenstoreTreeTest, WriteCreatesParentsThatInheritTheClosestAncestorsPermissions) {
  XenstoreTree tree;
  ASSERT_TRUE(tree.Write("/local/domain/5", "").ok());
  ASSERT_TRUE(tree.SetPermissions("/local/domain/5", Perms("n0,r5")).ok());
  ASSERT_TRUE(tree.Write("/local/domain/5/device/vbd/768/state", "4").ok());

  const struct {
    const char* path;
    const char* value;
    const char* permissions;
  } expected[] = {
      {"/local", "", "n0"},
      {"/local/domain", "", "n0"},
      {"/local/domain/5", "", "n0,r5"},
      {"/local/domain/5/device", "", "n0,r5"},
      {"/local/domain/5/device/vbd", "", "n0,r5"},
      {"/local/domain/5/device/vbd/768", "", "n0,r5"},
      {"/local/domain/5/device/vbd/768/state", "4", "n0,r5"},
  };
  for (const auto& e : expected) {
    SCOPED_TRACE(e.path);
    EXPECT_EQ(*tree.Read(e.path), e.value);
    EXPECT_EQ(tree.GetPermissions(e.path)->ToString(), e.permissions);
  }
  EXPECT_EQ(tree.size(), 8u);
}

TEST(XenstoreTreeTest, OverwritingKeepsPermissions) {
  XenstoreTree tree;
  ASSERT_TRUE(tree.Write("/a", "1").ok());
  ASSERT_TRUE(tree.SetPermissions("/a", Perms("b3")).ok());
  ASSERT_TRUE(tree.Write("/a", "2").ok());
  EXPECT_EQ(*tree.Read("/a"), "2");
  EXPECT_EQ(tree.GetPermissions("/a")->ToString(), "b3");
  EXPECT_EQ(tree.size(), 2u);
}

TEST(XenstoreTreeTest, ValuesAreOctetStrings) {
  XenstoreTree tree;
  const std::string binary("a\0b\xff\n", 5);
  ASSERT_TRUE(tree.Write("/bin", binary).ok());
  EXPECT_EQ(*tree.Read("/bin"), binary);
  ASSERT_TRUE(tree.Write("/big", std::string(kXenstorePayloadMax, 'v')).ok());
  const absl::Status too_big = tree.Write("/bigger", std::string(kXenstorePayloadMax + 1, 'v'));
  EXPECT_EQ(too_big.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(too_big.message(), HasSubstr("4097 bytes"));
  EXPECT_THAT(too_big.message(), HasSubstr("XENSTORE_PAYLOAD_MAX"));
  EXPECT_FALSE(tree.Exists("/bigger"));
}

// An unprivileged writer needs write access to the node, or to the closest existing ancestor
// when creating, and owns the nodes it creates (construct_node).
TEST(XenstoreTreeTest, UnprivilegedWrites) {
  XenstoreTree tree;
  ASSERT_TRUE(tree.Write("/local/domain/5/data", "").ok());
  ASSERT_TRUE(tree.SetPermissions("/local/domain/5/data", Perms("n0,b5")).ok());
  ASSERT_TRUE(tree.Write("/local/domain/5/name", "guest").ok());
  ASSERT_TRUE(tree.SetPermissions("/local/domain/5/name", Perms("n0,r5")).ok());

  EXPECT_TRUE(tree.Write("/local/domain/5/data/app/key", "v", XenstoreCaller::Domain(5)).ok());
  EXPECT_EQ(tree.GetPermissions("/local/domain/5/data/app")->ToString(), "n5,b5");
  EXPECT_EQ(tree.GetPermissions("/local/domain/5/data/app/key")->ToString(), "n5,b5");
  EXPECT_EQ(*tree.Read("/local/domain/5/data/app/key", 5), "v");

  const struct {
    const char* name;
    const char* path;
    XenstoreCaller writer;
    const char* message;  // null: allowed
  } cases[] = {
      {"owner overwrites", "/local/domain/5/data/app/key", XenstoreCaller::Domain(5), nullptr},
      {"read-only entry", "/local/domain/5/name", XenstoreCaller::Domain(5),
       "domain 5 may not write \"/local/domain/5/name\" (n0,r5)"},
      {"create under a read-only node", "/local/domain/5/name/x", XenstoreCaller::Domain(5),
       "may not write the closest existing ancestor \"/local/domain/5/name\""},
      {"another domain", "/local/domain/5/data/other", XenstoreCaller::Domain(7),
       "domain 7 may not create \"/local/domain/5/data/other\""},
      {"stub domain for 5", "/local/domain/5/data/dm", XenstoreCaller::Domain(9, 5), nullptr},
      {"dom0 anywhere", "/local/domain/5/name", XenstoreCaller::Domain(0), nullptr},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const absl::Status status = tree.Write(c.path, "x", c.writer);
    if (c.message == nullptr) {
      EXPECT_TRUE(status.ok()) << status;
      continue;
    }
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
    EXPECT_THAT(status.message(), HasSubstr(c.message));
  }
  EXPECT_FALSE(tree.Exists("/local/domain/5/name/x"));
  // The stub domain, not its target, owns what it created.
  EXPECT_EQ(tree.GetPermissions("/local/domain/5/data/dm")->ToString(), "n9,b5");
}

TEST(XenstoreTreeTest, ReadHonoursPermissions) {
  XenstoreTree tree;
  const struct {
    const char* path;
    const char* permissions;
  } nodes[] = {
      {"/secret", "n0"},   {"/secret/inner", "r0"}, {"/public", "r0"},
      {"/guest", "n0,r5"}, {"/owned", "n5"},        {"/writeonly", "n0,w5"},
  };
  for (const auto& n : nodes) {
    ASSERT_TRUE(tree.Write(n.path, "value").ok());
    ASSERT_TRUE(tree.SetPermissions(n.path, Perms(n.permissions)).ok());
  }
  const struct {
    const char* path;
    uint16_t reader;
    absl::StatusCode code;
    const char* message;
  } cases[] = {
      {"/secret", 0, absl::StatusCode::kOk, ""},
      {"/secret", 5, absl::StatusCode::kPermissionDenied, "domain 5 may not read \"/secret\" (n0)"},
      // A readable node below an unreadable one is readable: xenstored checks the node only.
      {"/secret/inner", 5, absl::StatusCode::kOk, ""},
      {"/public", 7, absl::StatusCode::kOk, ""},
      {"/guest", 5, absl::StatusCode::kOk, ""},
      {"/guest", 6, absl::StatusCode::kPermissionDenied, "domain 6 may not read"},
      {"/owned", 5, absl::StatusCode::kOk, ""},
      {"/writeonly", 5, absl::StatusCode::kPermissionDenied, "(n0,w5)"},
      {"/public/absent", 5, absl::StatusCode::kNotFound, "no xenstore node \"/public/absent\""},
      {"/absent", 0, absl::StatusCode::kNotFound, "no xenstore node \"/absent\""},
      // The root is n0, so a guest asking for an absent top-level node gets EACCES, as on a
      // real host.
      {"/absent", 5, absl::StatusCode::kPermissionDenied, "closest existing ancestor \"/\" (n0)"},
      // errno_from_parents: absent, and the closest existing ancestor is unreadable: EACCES.
      {"/secret/absent/deeper", 5, absl::StatusCode::kPermissionDenied,
       "may not learn whether \"/secret/absent/deeper\" exists"},
      {"/secret/absent", 0, absl::StatusCode::kNotFound, "no xenstore node"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.path, " as ", c.reader));
    const absl::StatusOr<std::string> value = tree.Read(c.path, c.reader);
    EXPECT_EQ(value.status().code(), c.code) << value.status();
    if (value.ok()) {
      EXPECT_EQ(*value, "value");
    } else {
      EXPECT_THAT(value.status().message(), HasSubstr(c.message));
    }
  }
}

TEST(XenstoreTreeTest, DirectoryIsSortedByName) {
  XenstoreTree tree;
  for (const char* name : {"vm", "local", "tool", "libxl", "Z", "10", "9", "a-b", "a"}) {
    ASSERT_TRUE(tree.Write(absl::StrCat("/", name), "").ok());
  }
  // Byte order, not creation order (xenstored keeps creation order) and not numeric order.
  EXPECT_THAT(*tree.Directory("/"),
              ElementsAre("10", "9", "Z", "a", "a-b", "libxl", "local", "tool", "vm"));
  EXPECT_EQ(tree.Directory("/nope").status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(tree.SetPermissions("/vm", Perms("n0")).ok());
  ASSERT_TRUE(tree.Write("/vm/x", "").ok());
  EXPECT_EQ(tree.Directory("/vm", XenstoreCaller::Domain(4)).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(*tree.Directory("/vm"), ElementsAre("x"));
}

TEST(XenstoreTreeTest, ForEachIsPreOrderWithSortedSiblings) {
  XenstoreTree tree;
  for (const char* path : {"/b/y", "/a-b", "/a/z", "/b/x/1", "/a/c"}) {
    ASSERT_TRUE(tree.Write(path, "").ok());
  }
  std::vector<std::string> paths;
  tree.ForEach([&paths](absl::string_view path, absl::string_view, const XenstorePermissions&) {
    paths.emplace_back(path);
  });
  EXPECT_THAT(paths,
              ElementsAre("/", "/a", "/a/c", "/a/z", "/a-b", "/b", "/b/x", "/b/x/1", "/b/y"));
}

TEST(XenstoreTreeTest, RemoveTakesTheSubtree) {
  XenstoreTree tree;
  for (const char* path :
       {"/local/domain/5/device/vbd/768/state", "/local/domain/5/name", "/local/domain/0/name"}) {
    ASSERT_TRUE(tree.Write(path, "x").ok());
  }
  const size_t before = tree.size();
  ASSERT_TRUE(tree.Remove("/local/domain/5").ok());
  EXPECT_EQ(tree.size(), before - 6);
  EXPECT_FALSE(tree.Exists("/local/domain/5"));
  EXPECT_FALSE(tree.Exists("/local/domain/5/device/vbd/768/state"));
  EXPECT_THAT(*tree.Directory("/local/domain"), ElementsAre("0"));

  const struct {
    const char* path;
    absl::StatusCode code;
    const char* message;
  } cases[] = {
      {"/local/domain/5", absl::StatusCode::kOk, ""},  // absent, parent exists: fine
      {"/local/domain/5/name", absl::StatusCode::kNotFound, "its parent does not exist"},
      {"/", absl::StatusCode::kInvalidArgument, "cannot remove the xenstore root"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    const absl::Status status = tree.Remove(c.path);
    EXPECT_EQ(status.code(), c.code);
    EXPECT_THAT(status.message(), HasSubstr(c.message));
  }
  // A removed node comes back with freshly inherited permissions.
  ASSERT_TRUE(tree.Write("/local/domain/5/name", "again").ok());
  EXPECT_EQ(tree.GetPermissions("/local/domain/5")->ToString(), "n0");
}

TEST(XenstoreTreeTest, SetPermissionsNeedsTheNode) {
  XenstoreTree tree;
  const absl::Status status = tree.SetPermissions("/absent", XenstorePermissions());
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("\"/absent\""));
  ASSERT_TRUE(tree.SetPermissions("/", Perms("r0")).ok());
  ASSERT_TRUE(tree.Write("/new", "").ok());
  EXPECT_EQ(tree.GetPermissions("/new")->ToString(), "r0");
}

TEST(XenstoreTreeTest, DeepestPathWorksAndTearsDown) {
  // 1536 levels: the longest chain a 3072-byte path allows.
  std::string path;
  while (path.size() + 2 <= kXenstoreAbsPathMax) path += "/a";
  XenstoreTree tree;
  ASSERT_TRUE(tree.Write(path, "deep").ok());
  EXPECT_EQ(tree.size(), 1 + path.size() / 2);
  EXPECT_EQ(*tree.Read(path), "deep");
  EXPECT_EQ(tree.Read(path, 3).status().code(), absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(tree.Write(path, "again").ok());
  ASSERT_TRUE(tree.Remove("/a/a").ok());
  EXPECT_EQ(tree.size(), 2u);
}

TEST(XenstoreTreeTest, MoveAndEquality) {
  XenstoreTree a;
  ASSERT_TRUE(a.Write("/x/y", "1").ok());
  XenstoreTree b;
  ASSERT_TRUE(b.Write("/x/y", "1").ok());
  EXPECT_EQ(a, b);
  ASSERT_TRUE(b.SetPermissions("/x", Perms("n0,r1")).ok());
  EXPECT_NE(a, b);
  XenstoreTree moved(std::move(a));
  EXPECT_TRUE(moved.Exists("/x/y"));
  EXPECT_EQ(a.size(), 1u);  // NOLINT(bugprone-use-after-move): a moved-from tree is empty
  a = std::move(moved);
  EXPECT_EQ(*a.Read("/x/y"), "1");
}

}  // namespace
}  // namespace portrace::devices
