#include "trace/line_reader.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "trace/byte_source.h"

namespace portrace::trace {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Lines(const std::string& text, size_t max = 100) {
  std::unique_ptr<ByteSource> source = MakeStringSource(text, "t");
  LineReader reader(source.get(), max);
  std::vector<std::string> lines;
  while (*reader.Next()) lines.push_back(reader.line());
  return lines;
}

TEST(LineReaderTest, SplitsOnNewlinesAndKeepsALastPartialLine) {
  EXPECT_THAT(Lines("a\nbb\r\n\nccc"), ElementsAre("a", "bb\r", "", "ccc"));
  EXPECT_THAT(Lines(""), ElementsAre());
  EXPECT_THAT(Lines("\n"), ElementsAre(""));
  // Lines spanning many read blocks.
  const std::string big(200000, 'x');
  EXPECT_THAT(Lines(big + "\nend\n", 300000), ElementsAre(big, "end"));
}

TEST(LineReaderTest, OverlongLineIsAnErrorNamingTheLine) {
  std::unique_ptr<ByteSource> source = MakeStringSource("ok\n" + std::string(5000, 'y'), "in.log");
  LineReader reader(source.get(), 100);
  ASSERT_TRUE(*reader.Next());
  EXPECT_EQ(reader.line_number(), 1u);
  absl::StatusOr<bool> next = reader.Next();
  EXPECT_EQ(next.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(next.status().message()), HasSubstr("in.log:2: line longer than 100"));
  // A 100-byte line plus its '\r' is fine.
  EXPECT_THAT(Lines(std::string(100, 'z') + "\r\n"), ElementsAre(std::string(100, 'z') + "\r"));
}

}  // namespace
}  // namespace portrace::trace
