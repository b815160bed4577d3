#include "devices/xenstore/xenstore_dump.h"

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "devices/xenstore/xenstore_tree.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "trace/byte_source.h"

namespace portrace::devices {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

std::string HostDumpPath() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  EXPECT_NE(srcdir, nullptr);
  return (std::filesystem::path(srcdir == nullptr ? "." : srcdir) /
          (workspace != nullptr ? workspace : "portrace") / "testdata" / "xenstore" /
          "host-dump.txt")
      .string();
}

// Reads `text` into a fresh tree.
absl::StatusOr<XenstoreTree> Load(absl::string_view text, XenstoreDumpStats* stats = nullptr,
                                  XenstoreDumpLimits limits = {}) {
  XenstoreTree tree;
  absl::Status status = LoadXenstoreDump(text, "dump.txt", &tree, limits, stats);
  if (!status.ok()) return status;
  return tree;
}

TEST(XenstoreValueEscapingTest, EscapeMatchesXenstoreLs) {
  const struct {
    std::string raw;
    const char* escaped;
  } cases[] = {
      {"", ""},
      {"plain text ~!@#$%^&*()", "plain text ~!@#$%^&*()"},
      {"say \"hi\"", "say \"hi\""},  // quotes are not escaped
      {"C:\\Windows", "C:\\\\Windows"},
      {"a\tb\nc\rd", "a\\tb\\nc\\rd"},
      {std::string("\0\1\7", 3), "\\000\\001\\007"},
      {"\x08\x0b\x1f", "\\x08\\x0b\\x1f"},
      {"\x7f\x80\xff", "\\x7f\\x80\\xff"},
      {"caf\xc3\xa9", "caf\\xc3\\xa9"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.escaped);
    EXPECT_EQ(EscapeXenstoreValue(c.raw), c.escaped);
    absl::StatusOr<UnescapedXenstoreValue> back = UnescapeXenstoreValue(c.escaped);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->value, c.raw);
    EXPECT_FALSE(back->truncated);
  }
}

TEST(XenstoreValueEscapingTest, EveryByteRoundTrips) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  absl::StatusOr<UnescapedXenstoreValue> back = UnescapeXenstoreValue(EscapeXenstoreValue(all));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->value, all);
}

TEST(XenstoreValueEscapingTest, UnescapeAcceptsWhatUnsanitiseAccepts) {
  const struct {
    const char* text;
    std::string value;
    bool truncated;
  } cases[] = {
      {"\\x1F\\xAb", "\x1f\xab", false},
      {"\\101\\377", "A\xff", false},
      {"ab\\...", "ab", true},     // cut at the terminal width
      {"ab\\x\\...", "ab", true},  // ... in the middle of an escape
      {"ab\\x4\\...", "ab", true},
      {"ab\\0\\...", "ab", true},
      {"ab\\00\\...", "ab", true},
      {"ab\\\\...", "ab\\...", false},  // an escaped backslash, then dots
      {"\\...", "", true},
      {"...", "...", false},
      {"caf\xc3\xa9", "caf\xc3\xa9", false},  // raw high bytes (older tools printed raw)
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    absl::StatusOr<UnescapedXenstoreValue> value = UnescapeXenstoreValue(c.text);
    ASSERT_TRUE(value.ok()) << value.status();
    EXPECT_EQ(value->value, c.value);
    EXPECT_EQ(value->truncated, c.truncated);
  }
}

TEST(XenstoreValueEscapingTest, UnescapeRefusesWhatXenstoreLsNeverPrints) {
  const struct {
    std::string text;
    const char* message;
  } cases[] = {
      {"\\q", "invalid escape \"\\\\q\" at offset 0"},
      {"ab\\", "invalid escape \"\\\\\" at offset 2"},
      {"\\x4", "invalid escape"},
      {"\\x4g", "invalid escape"},
      {"\\12", "invalid escape"},
      {"\\400", "above \\377"},
      {"\\.", "invalid escape"},
      {"a\\..", "invalid escape"},
      {"a\\...b", "invalid escape"},
      {"tab\there", "raw control byte 0x09 at offset 3"},
      {std::string("nul\0", 4), "raw control byte 0x00"},
      {"del\x7f", "raw control byte 0x7f"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    absl::StatusOr<UnescapedXenstoreValue> value = UnescapeXenstoreValue(c.text);
    ASSERT_FALSE(value.ok());
    EXPECT_EQ(value.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(value.status().message(), HasSubstr(c.message));
  }
}

TEST(XenstoreDumpTest, RealisticHostDump) {
  XenstoreTree tree;
  XenstoreDumpStats stats;
  ASSERT_TRUE(LoadXenstoreDumpFile(HostDumpPath(), &tree, {}, &stats).ok());
  EXPECT_EQ(stats.nodes, 181u);
  EXPECT_EQ(tree.size(), 182u);
  EXPECT_EQ(stats.without_permissions, 0u);
  EXPECT_EQ(stats.truncated, 0u);
  EXPECT_THAT(stats.notes, IsEmpty());

  EXPECT_THAT(*tree.Directory("/"), ElementsAre("libxl", "local", "mh", "tool", "vm"));
  EXPECT_THAT(*tree.Directory("/local/domain"), ElementsAre("0", "5"));
  EXPECT_EQ(*tree.Read("/local/domain/0/name"), "Domain-0");
  EXPECT_EQ(*tree.Read("/local/domain/5/name"), "win10-gplpv");
  EXPECT_EQ(*tree.Read("/local/domain/5/vm"), "/vm/3f9d1a2c-6b8e-4c4f-9a51-2d7e0c8b5a14");
  EXPECT_EQ(*tree.Read("/local/domain/5/attr/os/name"),
            "Microsoft Windows 10 Pro|C:\\Windows|\\Device\\Harddisk0\\Partition2");
  EXPECT_EQ(tree.GetPermissions("/local/domain/5")->ToString(), "n0,r5");
  EXPECT_EQ(tree.GetPermissions("/local/domain/5/device/vbd/768/state")->ToString(), "n5,r0");
  EXPECT_EQ(tree.GetPermissions("/local/domain/0/backend/vbd/5/768")->ToString(), "n0,r5");
  EXPECT_EQ(*tree.Read("/mh/driver-blacklist/gplpv-windows/1"), "");
  EXPECT_EQ(tree.GetPermissions("/mh/driver-blacklist/gplpv-windows/1")->ToString(), "n0");

  // The guest sees its own home but not dom0's.
  EXPECT_EQ(*tree.Read("/local/domain/5/name", 5), "win10-gplpv");
  EXPECT_EQ(tree.Read("/local/domain/0/name", 5).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(*tree.Read("/local/domain/0/backend/vbd/5/768/state", 5), "4");
}

TEST(XenstoreDumpTest, CanonicalDumpRoundTripsExactly) {
  const std::string canonical =
      "/local = \"\"   (n0)\n"
      "/local/domain = \"\"   (n0)\n"
      "/local/domain/5 = \"\"   (n0,r5)\n"
      "/local/domain/5/data = \"\"   (n5)\n"
      "/local/domain/5/data/quote = \"say \"hi\"   (n0) here\"   (n5)\n"
      "/local/domain/5/data/weird = \"C:\\\\x\\t\\n\\r\\000\\x1f\\xff.  \"   (n5,b0,w7)\n"
      "/local/domain/5/name = \"guest (5)\"   (n0,r5)\n"
      "/mh = \"\"   (n0)\n"
      "/mh/driver-blacklist = \"\"   (n0)\n"
      "/mh/driver-blacklist/experimental = \"\"   (r0)\n"
      "/mh/driver-blacklist/experimental/-2147483648 = \"\"   (r0)\n";
  absl::StatusOr<XenstoreTree> tree = Load(canonical);
  ASSERT_TRUE(tree.ok()) << tree.status();
  EXPECT_EQ(*tree->Read("/local/domain/5/data/quote"), "say \"hi\"   (n0) here");
  EXPECT_EQ(*tree->Read("/local/domain/5/data/weird"), std::string("C:\\x\t\n\r\0\x1f\xff.  ", 13));
  EXPECT_EQ(*tree->Read("/local/domain/5/name"), "guest (5)");
  EXPECT_EQ(FormatXenstoreDump(*tree), canonical);
}

TEST(XenstoreDumpTest, HostDumpBecomesCanonicalAndStaysSo) {
  XenstoreTree tree;
  ASSERT_TRUE(LoadXenstoreDumpFile(HostDumpPath(), &tree).ok());
  const std::string canonical = FormatXenstoreDump(tree);
  EXPECT_THAT(canonical, StartsWith("/libxl = \"\"   (n0)\n/libxl/5 = \"\"   (n0)\n"));
  absl::StatusOr<XenstoreTree> again = Load(canonical);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, tree);
  EXPECT_EQ(FormatXenstoreDump(*again), canonical);
}

TEST(XenstoreDumpTest, TheRootIsListedOnlyWhenItDiffersFromAFreshStore) {
  XenstoreTree tree;
  EXPECT_EQ(FormatXenstoreDump(tree), "");
  ASSERT_TRUE(tree.SetPermissions("/", *XenstorePermissions::Parse("r0")).ok());
  ASSERT_TRUE(tree.Write("/a", "").ok());
  const std::string dump = FormatXenstoreDump(tree);
  EXPECT_EQ(dump, "/ = \"\"   (r0)\n/a = \"\"   (r0)\n");
  absl::StatusOr<XenstoreTree> back = Load(dump);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, tree);
}

TEST(XenstoreDumpTest, WithoutPermissionsIsPlainDashF) {
  XenstoreTree tree;
  ASSERT_TRUE(tree.Write("/vm/x", "1").ok());
  EXPECT_EQ(FormatXenstoreDump(tree, false), "/vm = \"\"\n/vm/x = \"1\"\n");
  XenstoreDumpStats stats;
  absl::StatusOr<XenstoreTree> back = Load(FormatXenstoreDump(tree, false), &stats);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, tree);
  EXPECT_EQ(stats.without_permissions, 2u);
}

TEST(XenstoreDumpTest, AcceptsTheVariantsARealPasteHas) {
  const struct {
    const char* name;
    std::string text;
    const char* path;
    const char* value;
    const char* permissions;
  } cases[] = {
      {"plain -f: inherits from the parent", "/a = \"\"   (r0)\n/a/b = \"v\"\n", "/a/b", "v", "r0"},
      {"CRLF", "/a = \"v\"   (n0,r1)\r\n", "/a", "v", "n0,r1"},
      {"no final newline", "/a = \"v\"   (n0,r1)", "/a", "v", "n0,r1"},
      {"trailing blanks", "/a = \"v\"   (n0,r1)  \t\n", "/a", "v", "n0,r1"},
      {"dots from -p without -f", "/a = \"v\" . . . . . . .  (b3)\n", "/a", "v", "b3"},
      {"truncated value: two spaces", "/a = \"abcdef\\...\"  (n0)\n", "/a", "abcdef", "n0"},
      {"comments and blank lines", "# pasted\n\n/a = \"v\"   (n0)\n\n", "/a", "v", "n0"},
      {"children listed before parents", "/a/b/c = \"v\"   (n0)\n/a = \"top\"   (r0)\n", "/a",
       "top", "r0"},
      {"value with parentheses and no list", "/a = \"(n0)\"\n", "/a", "(n0)", "n0"},
      {"empty value", "/a = \"\"   (n0)\n", "/a", "", "n0"},
      {"unreadable value with a list", "/a:\n  (n0,r2)\n", "/a", "", "n0,r2"},
      {"unreadable value and list", "/a:\n\n", "/a", "", "n0"},
      {"unreadable value at the end", "/a:", "/a", "", "n0"},
      // xenstore-ls never lists the root, but a hand-made line for it is taken.
      {"the root", "/ = \"r\"   (r0)\n/a = \"\"\n", "/a", "", "r0"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<XenstoreTree> tree = Load(c.text);
    ASSERT_TRUE(tree.ok()) << tree.status();
    EXPECT_EQ(*tree->Read(c.path), c.value);
    EXPECT_EQ(tree->GetPermissions(c.path)->ToString(), c.permissions);
  }
}

TEST(XenstoreDumpTest, StatsCountTruncatedAndUnreadableNodes) {
  XenstoreDumpStats stats;
  absl::StatusOr<XenstoreTree> tree = Load(
      "/a = \"abcdefghij\\...\"  (n0)\n"
      "/b:\n"
      "  (n0)\n"
      "/c = \"x\"\n",
      &stats);
  ASSERT_TRUE(tree.ok()) << tree.status();
  EXPECT_EQ(stats.lines, 4u);
  EXPECT_EQ(stats.nodes, 3u);
  EXPECT_EQ(stats.truncated, 1u);
  EXPECT_EQ(stats.unreadable, 1u);
  EXPECT_EQ(stats.without_permissions, 1u);
  EXPECT_THAT(stats.notes,
              ElementsAre(HasSubstr("dump.txt:1: the value of /a was cut by xenstore-ls"),
                          HasSubstr("dump.txt:2: /b was listed without a value")));
}

TEST(XenstoreDumpTest, MalformedLinesNameFileLineAndExpectation) {
  const struct {
    const char* name;
    std::string text;
    const char* message;
  } cases[] = {
      {"relative path", "local = \"\"\n", "dump.txt:1: expected a node line starting with '/'"},
      {"indented form", "local = \"\"\n domain = \"\"\n", "dump.txt:1: expected a node line"},
      {"indented after a good line", "/a = \"\"\n b = \"\"\n",
       "dump.txt:2: expected a node line starting with '/' (indented"},
      {"stray list line", "/a = \"\"\n  (n0)\n", "dump.txt:2: expected a node line"},
      {"no value", "/a\n", "dump.txt:1: expected ' = \"value\"' after the path"},
      {"bad separator", "/a == \"x\"\n", "dump.txt:1: expected ' = \"' after the path"},
      {"unquoted value", "/a = x\n", "dump.txt:1: expected ' = \"' after the path"},
      {"unterminated quote", "/a = \"abc\n", "dump.txt:1: unterminated value"},
      {"unterminated quote at the end", "/a = \"\n", "dump.txt:1: unterminated value"},
      {"unterminated before the list", "/a = \"abc   (n0)\n",
       "dump.txt:1: expected the value's closing '\"', spaces and a permission list"},
      {"list without a space", "/a = \"abc\"(n0)\n", "dump.txt:1: expected the value's closing"},
      {"list without '('", "/a = \"abc\"   n0)\n", "dump.txt:1: expected the value's closing"},
      {"bad letter", "/a = \"\"   (x0)\n",
       "dump.txt:1: bad xenstore permissions \"x0\": entry 1 \"x0\": the letter"},
      {"list without a domain", "/a = \"\"   (r)\n", "dump.txt:1: bad xenstore permissions"},
      {"empty list", "/a = \"\"   ()\n", "dump.txt:1: bad xenstore permissions \"\": empty list"},
      {"bad list on its own line", "/a:\n  (n0,q)\n", "dump.txt:2: bad xenstore permissions"},
      {"invalid path", "/a b = \"\"\n", "dump.txt:1: expected ' = \"' after the path"},
      {"invalid path character", "/a.b = \"\"\n",
       "dump.txt:1: invalid xenstore path \"/a.b\": character '.'"},
      {"trailing slash", "/a/ = \"\"\n", "dump.txt:1: invalid xenstore path \"/a/\""},
      {"bad escape", "/a = \"\\q\"\n", "dump.txt:1: invalid escape \"\\\\q\" at offset 0"},
      {"raw tab", "/a = \"a\tb\"\n", "dump.txt:1: raw control byte 0x09"},
      {"NUL in the value", std::string("/a = \"a\0b\"\n", 11), "dump.txt:1: raw control byte 0x00"},
      {"NUL in the path", std::string("/a\0 = \"\"\n", 9), "dump.txt:1: invalid xenstore path"},
      {"NUL line", std::string("\0\0\0\n", 4), "dump.txt:1: expected a node line"},
      {"value too long", "/a = \"" + std::string(4097, 'v') + "\"\n",
       "dump.txt:1: value of 4097 bytes"},
      {"duplicate", "/a = \"\"\n/b = \"\"\n/a = \"x\"\n",
       "dump.txt:3: duplicate node /a (first listed at line 1)"},
      {"duplicate of an unreadable node", "/a:\n  (n0)\n/a = \"x\"\n",
       "dump.txt:3: duplicate node /a (first listed at line 1)"},
      {"error on a later line", "# c\n/a = \"\"\n\n/b = \"x\n", "dump.txt:4: unterminated value"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<XenstoreTree> tree = Load(c.text);
    ASSERT_FALSE(tree.ok());
    EXPECT_EQ(tree.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(tree.status().message(), HasSubstr(c.message));
    EXPECT_EQ(tree.status().message().find('\n'), absl::string_view::npos) << "one line";
  }
}

TEST(XenstoreDumpTest, ATenMegabyteLineFailsWithoutBeingBuffered) {
  XenstoreTree tree;
  XenstoreDumpReader reader("big.txt", &tree);
  ASSERT_TRUE(reader.Feed("/a = \"ok\"\n/b = \"").ok());
  const std::string chunk(1 << 20, 'x');
  absl::Status status;
  for (int i = 0; i < 10 && status.ok(); ++i) status = reader.Feed(chunk);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("big.txt:2: line longer than 65536 bytes"));
  // The reader stays failed; the lines before the bad one are in the tree.
  EXPECT_EQ(reader.Feed("\n/c = \"\"\n").message(), status.message());
  EXPECT_EQ(reader.Finish().message(), status.message());
  EXPECT_TRUE(tree.Exists("/a"));
  EXPECT_FALSE(tree.Exists("/b"));
  EXPECT_FALSE(tree.Exists("/c"));

  // The same line in one piece.
  const std::string text = "/a = \"" + std::string(10 << 20, 'x') + "\"\n";
  absl::StatusOr<XenstoreTree> whole = Load(text);
  EXPECT_EQ(whole.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(whole.status().message(), HasSubstr("dump.txt:1: line longer than 65536 bytes"));
}

TEST(XenstoreDumpTest, NodeLimitCountsImplicitParents) {
  XenstoreDumpLimits limits;
  limits.max_nodes = 3;
  EXPECT_TRUE(Load("/a = \"\"\n/a/b = \"\"\n/a/c = \"\"\n", nullptr, limits).ok());
  absl::StatusOr<XenstoreTree> tree = Load("/a = \"\"\n/b/c/d = \"\"\n", nullptr, limits);
  EXPECT_EQ(tree.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(tree.status().message(),
              HasSubstr("dump.txt:2: the dump creates more than 3 nodes, the limit"));
}

TEST(XenstoreDumpTest, ChunkBoundariesDoNotMatter) {
  const std::string text =
      "# header\r\n/a = \"x\\\\y\"   (n0,r1)\r\n/a/b:\n  (b2)\n/c = \"\"\n/d = \"tail\\...\"  (r0)";
  absl::StatusOr<XenstoreTree> whole = Load(text);
  ASSERT_TRUE(whole.ok()) << whole.status();
  for (size_t size : {1, 2, 3, 7, 64}) {
    SCOPED_TRACE(size);
    XenstoreTree tree;
    XenstoreDumpReader reader("dump.txt", &tree);
    for (size_t i = 0; i < text.size(); i += size) {
      ASSERT_TRUE(reader.Feed(absl::string_view(text).substr(i, size)).ok());
    }
    ASSERT_TRUE(reader.Finish().ok());
    EXPECT_EQ(tree, *whole);
    EXPECT_EQ(reader.stats().nodes, 4u);
  }
}

TEST(XenstoreDumpTest, LoadsIntoATreeThatAlreadyHasNodes) {
  XenstoreTree tree;
  ASSERT_TRUE(tree.Write("/keep", "1").ok());
  ASSERT_TRUE(LoadXenstoreDump("/new = \"2\"   (r0)\n/keep = \"3\"\n", "d", &tree).ok());
  EXPECT_EQ(*tree.Read("/keep"), "3");
  EXPECT_EQ(*tree.Read("/new"), "2");
}

TEST(XenstoreDumpTest, ReadsFromAByteSource) {
  std::unique_ptr<trace::ByteSource> source =
      trace::MakeStringSource("/a = \"1\"   (n0)\n/a/b = \"\"\n", "pasted.txt");
  XenstoreTree tree;
  ASSERT_TRUE(LoadXenstoreDump(source.get(), &tree).ok());
  EXPECT_EQ(tree.size(), 3u);
  std::unique_ptr<trace::ByteSource> bad = trace::MakeStringSource("/a = \"1\n", "pasted.txt");
  const absl::Status status = LoadXenstoreDump(bad.get(), &tree);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("pasted.txt:1: unterminated value"));
}

TEST(XenstoreDumpTest, MissingFileIsNotFound) {
  XenstoreTree tree;
  const absl::Status status = LoadXenstoreDumpFile("/nonexistent/xs-dump.txt", &tree);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("/nonexistent/xs-dump.txt"));
}

// Hostile input never crashes: every prefix of the host dump, binary garbage, and random
// mutations of it either load or fail with a one-line InvalidArgument.
TEST(XenstoreDumpTest, HostileInputNeverCrashes) {
  XenstoreTree reference;
  ASSERT_TRUE(LoadXenstoreDumpFile(HostDumpPath(), &reference).ok());
  const std::string dump = FormatXenstoreDump(reference);
  auto check = [](absl::string_view text) {
    XenstoreTree tree;
    const absl::Status status = LoadXenstoreDump(text, "fuzz", &tree);
    if (!status.ok()) {
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
      EXPECT_TRUE(absl::StartsWith(status.message(), "fuzz:")) << status;
      EXPECT_EQ(status.message().find('\n'), absl::string_view::npos);
    }
  };
  for (size_t n = 0; n <= dump.size(); n += 7) check(absl::string_view(dump).substr(0, n));

  std::mt19937 rng(20240425);  // fixed seed: the same inputs on every run
  std::string garbage(4096, '\0');
  for (int round = 0; round < 50; ++round) {
    for (char& c : garbage) c = static_cast<char>(rng() & 0xff);
    check(garbage);
  }
  const std::string alphabet = "/ =\"()\\.:,nrwb0123456789x\n\r\t#";
  for (int round = 0; round < 500; ++round) {
    std::string mutated = dump;
    for (int edits = 0; edits < 4; ++edits) {
      const size_t at = rng() % mutated.size();
      switch (rng() % 3) {
        case 0:
          mutated[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          mutated.erase(at, 1 + rng() % 8);
          break;
        default:
          mutated.insert(at, 1, static_cast<char>(rng() & 0xff));
      }
    }
    check(mutated);
  }
}

TEST(XenstoreFlagTest, Parse) {
  const struct {
    const char* flag;
    const char* path;
    const char* value;
  } cases[] = {
      {"/mh/driver-blacklist/gplpv-windows/1=", "/mh/driver-blacklist/gplpv-windows/1", ""},
      {"/local/domain/5/platform/device_id=0x0002", "/local/domain/5/platform/device_id", "0x0002"},
      {"/a=b=c", "/a", "b=c"},
      {"/a= spaces and \"quotes\" ", "/a", " spaces and \"quotes\" "},
      {"/a=\\x00", "/a", "\\x00"},  // literal: no escapes
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.flag);
    absl::StatusOr<XenstoreFlag> flag = ParseXenstoreFlag(c.flag);
    ASSERT_TRUE(flag.ok()) << flag.status();
    EXPECT_EQ(flag->path, c.path);
    EXPECT_EQ(flag->value, c.value);
  }
}

TEST(XenstoreFlagTest, ParseRefusesBadFlags) {
  const struct {
    const char* flag;
    const char* message;
  } cases[] = {
      {"", "--xenstore=: expected PATH=VALUE"},
      {"/a/b", "--xenstore=/a/b: expected PATH=VALUE"},
      {"=x", "--xenstore==x: invalid xenstore path \"\": empty"},
      {"a/b=1", "--xenstore=a/b=1: invalid xenstore path \"a/b\": not absolute"},
      {"/a b=1", "character ' '"},
      {"/a/=1", "ends with '/'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.flag);
    absl::StatusOr<XenstoreFlag> flag = ParseXenstoreFlag(c.flag);
    ASSERT_FALSE(flag.ok());
    EXPECT_EQ(flag.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(flag.status().message(), HasSubstr(c.message));
  }
}

TEST(XenstoreFlagTest, ApplyWritesWithOwnerDom0AndNoAccess) {
  XenstoreTree tree;
  ASSERT_TRUE(
      LoadXenstoreDump("/mh = \"\"   (r0)\n/mh/driver-blacklist/x/1 = \"old\"   (b5)\n", "d", &tree)
          .ok());
  for (const char* arg :
       {"/mh/driver-blacklist/gplpv-windows/1=", "/mh/driver-blacklist/x/1=new"}) {
    absl::StatusOr<XenstoreFlag> flag = ParseXenstoreFlag(arg);
    ASSERT_TRUE(flag.ok());
    ASSERT_TRUE(ApplyXenstoreFlag(*flag, &tree).ok());
  }
  EXPECT_EQ(*tree.Read("/mh/driver-blacklist/gplpv-windows/1"), "");
  EXPECT_EQ(tree.GetPermissions("/mh/driver-blacklist/gplpv-windows/1")->ToString(), "n0");
  EXPECT_EQ(tree.GetPermissions("/mh/driver-blacklist/gplpv-windows")->ToString(), "r0");
  EXPECT_EQ(*tree.Read("/mh/driver-blacklist/x/1"), "new");
  EXPECT_EQ(tree.GetPermissions("/mh/driver-blacklist/x/1")->ToString(), "n0");

  const absl::Status too_long =
      ApplyXenstoreFlag(XenstoreFlag{"/big", std::string(5000, 'v')}, &tree);
  EXPECT_EQ(too_long.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(too_long.message(), HasSubstr("--xenstore=/big="));
  EXPECT_THAT(too_long.message(), HasSubstr("XENSTORE_PAYLOAD_MAX"));
}

}  // namespace
}  // namespace portrace::devices
