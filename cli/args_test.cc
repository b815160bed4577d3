#include "cli/args.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const CommandSpec kSpec = {
    "analyze",
    "TRACE",
    "Analyze a trace.",
    "",
    {{"machine", "NAME", "machine profile"},
     {"xenstore", "PATH=VALUE", "xenstore node", /*repeatable=*/true},
     {"verbose", "", "more output"}},
    1,
    1,
};

absl::StatusOr<ParsedArgs> Parse(std::vector<const char*> args) { return ParseArgs(kSpec, args); }

TEST(ArgsTest, ParsesFlagsAndOperands) {
  absl::StatusOr<ParsedArgs> args =
      Parse({"--machine=pc", "--xenstore", "/a=1", "t.qtest", "--xenstore=/b=x=y", "--verbose"});
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_THAT(args->operands, ElementsAre("t.qtest"));
  EXPECT_EQ(args->Get("machine"), "pc");
  EXPECT_THAT(args->GetAll("xenstore"), ElementsAre("/a=1", "/b=x=y"));
  EXPECT_TRUE(args->Has("verbose"));
  EXPECT_FALSE(args->Has("format"));
  EXPECT_EQ(args->Get("format", "text"), "text");
}

TEST(ArgsTest, DashIsAnOperandAndDoubleDashEndsFlags) {
  absl::StatusOr<ParsedArgs> args = Parse({"-"});
  ASSERT_TRUE(args.ok());
  EXPECT_THAT(args->operands, ElementsAre("-"));
  args = Parse({"--", "--machine=pc"});
  ASSERT_TRUE(args.ok());
  EXPECT_THAT(args->operands, ElementsAre("--machine=pc"));
}

TEST(ArgsTest, HelpSkipsOperandChecks) {
  absl::StatusOr<ParsedArgs> args = Parse({"--help"});
  ASSERT_TRUE(args.ok());
  EXPECT_TRUE(args->help);
  const std::string usage = Usage(kSpec);
  EXPECT_THAT(usage, HasSubstr("usage: portrace analyze [flags] TRACE"));
  EXPECT_THAT(usage, HasSubstr("--xenstore=PATH=VALUE"));
  EXPECT_THAT(usage, HasSubstr("(repeatable)"));
}

TEST(ArgsTest, BadArgumentsNameTheProblem) {
  const struct {
    std::vector<const char*> args;
    const char* message;
  } cases[] = {
      {{"--fromat=qtest", "t"}, "unknown flag '--fromat'"},
      {{"-x", "t"}, "unknown option '-x'"},
      {{"t", "--machine"}, "--machine needs a value"},
      {{"--verbose=1", "t"}, "--verbose takes no value"},
      {{"--machine=pc", "--machine=xen-trad", "t"}, "--machine given more than once"},
      {{}, "missing TRACE"},
      {{"a", "b"}, "unexpected operand 'b'"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<ParsedArgs> args = Parse(c.args);
    EXPECT_EQ(args.status().code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_THAT(std::string(args.status().message()), HasSubstr(c.message));
    EXPECT_THAT(std::string(args.status().message()), HasSubstr("portrace analyze --help"));
  }
}

}  // namespace
}  // namespace portrace::cli
