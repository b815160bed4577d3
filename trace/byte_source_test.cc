#include "trace/byte_source.h"

#include <cstdio>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::trace {
namespace {

using ::testing::HasSubstr;

// Reads `source` to the end in steps of `step` bytes.
std::string ReadAll(ByteSource& source, size_t step) {
  std::string out;
  std::string buffer(step, '\0');
  while (true) {
    absl::StatusOr<size_t> got = source.Read(buffer.data(), buffer.size());
    EXPECT_TRUE(got.ok()) << got.status();
    if (!got.ok() || *got == 0) break;
    out.append(buffer.data(), *got);
  }
  return out;
}

std::string TestBytes() {
  std::string bytes;
  for (int i = 0; i < 1000; ++i) bytes.push_back(static_cast<char>(i * 7));
  return bytes;
}

TEST(StringSourceTest, ServesAllBytesThenEnd) {
  for (size_t step : {1, 3, 64, 4096}) {
    std::unique_ptr<ByteSource> source = MakeStringSource(TestBytes());
    EXPECT_EQ(ReadAll(*source, step), TestBytes()) << "step " << step;
    char byte;
    EXPECT_EQ(*source->Read(&byte, 1), 0u);
  }
}

TEST(StringSourceTest, Names) {
  EXPECT_EQ(MakeStringSource("")->name(), "<memory>");
  EXPECT_EQ(MakeStringSource("", "trace.qtest")->name(), "trace.qtest");
}

TEST(StringSourceTest, EmptyIsAtEndAtOnce) {
  std::unique_ptr<ByteSource> source = MakeStringSource("");
  char byte;
  EXPECT_EQ(*source->Read(&byte, 1), 0u);
}

TEST(StringSourceTest, MaxReadGivesShortReads) {
  std::unique_ptr<ByteSource> source = MakeStringSource(TestBytes(), "pipe", 7);
  char buffer[64];
  EXPECT_EQ(*source->Read(buffer, sizeof buffer), 7u);
  EXPECT_EQ(std::string(buffer, 7), TestBytes().substr(0, 7));
  EXPECT_EQ(ReadAll(*source, 64), TestBytes().substr(7));
  // Short strings live inside the std::string (SSO): the source still serves its own copy.
  EXPECT_EQ(ReadAll(*MakeStringSource("abc", "s", 1), 8), "abc");
}

TEST(StringViewSourceTest, ServesTheCallersBytes) {
  const std::string bytes = TestBytes();
  std::unique_ptr<ByteSource> source = MakeStringViewSource(bytes, "view");
  EXPECT_EQ(source->name(), "view");
  EXPECT_EQ(ReadAll(*source, 100), bytes);
}

TEST(StringSinkTest, AppendsToTheCallersString) {
  std::string out = "x";
  StringSink sink(&out, "sink");
  ASSERT_TRUE(sink.Write("ab").ok());
  ASSERT_TRUE(sink.Write(absl::string_view("\0c", 2)).ok());
  ASSERT_TRUE(sink.Close().ok());
  EXPECT_EQ(out, std::string("xab\0c", 5));
  EXPECT_EQ(sink.name(), "sink");
}

TEST(PeekableSourceTest, PeekThenReadReturnsAllBytesInOrder) {
  const struct {
    size_t peek;
    size_t step;
  } cases[] = {{0, 7}, {1, 1}, {8, 3}, {8, 8}, {100, 4096}, {999, 2}, {1000, 10}, {5000, 64}};
  for (const auto& c : cases) {
    PeekableSource source(MakeStringSource(TestBytes()));
    absl::StatusOr<absl::string_view> head = source.Peek(c.peek);
    ASSERT_TRUE(head.ok()) << head.status();
    EXPECT_EQ(*head, TestBytes().substr(0, c.peek)) << "peek " << c.peek;
    EXPECT_EQ(ReadAll(source, c.step), TestBytes()) << "peek " << c.peek << " step " << c.step;
  }
}

TEST(PeekableSourceTest, PeekTwiceGrowsTheHead) {
  PeekableSource source(MakeStringSource("PRTRACE\nrest"));
  EXPECT_EQ(*source.Peek(2), "PR");
  EXPECT_EQ(*source.Peek(8), "PRTRACE\n");
  EXPECT_EQ(*source.Peek(3), "PRT");
  EXPECT_EQ(ReadAll(source, 5), "PRTRACE\nrest");
}

TEST(PeekableSourceTest, PeekAfterReadFails) {
  PeekableSource source(MakeStringSource("abcdef", "in.bin"));
  char buffer[2];
  ASSERT_EQ(*source.Read(buffer, 2), 2u);
  absl::StatusOr<absl::string_view> head = source.Peek(2);
  EXPECT_EQ(head.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(head.status().message(), HasSubstr("in.bin: peek after read"));
}

TEST(PeekableSourceTest, KeepsTheInnerName) {
  PeekableSource source(MakeStringSource("", "x.trace"));
  EXPECT_EQ(source.name(), "x.trace");
}

TEST(FileSourceTest, MissingPathIsNotFoundNamingThePath) {
  const std::string path = ::testing::TempDir() + "/no/such/file.trace";
  absl::StatusOr<std::unique_ptr<ByteSource>> source = OpenFileSource(path);
  EXPECT_EQ(source.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(source.status().message(), HasSubstr(path));
}

TEST(FileSourceTest, SinkThenSourceRoundTrip) {
  const std::string path = ::testing::TempDir() + "/byte_source_test.bin";
  {
    absl::StatusOr<std::unique_ptr<ByteSink>> sink = OpenFileSink(path);
    ASSERT_TRUE(sink.ok()) << sink.status();
    EXPECT_EQ((*sink)->name(), path);
    ASSERT_TRUE((*sink)->Write(TestBytes()).ok());
    ASSERT_TRUE((*sink)->Close().ok());
    EXPECT_EQ((*sink)->Write("late").code(), absl::StatusCode::kFailedPrecondition);
  }
  absl::StatusOr<std::unique_ptr<ByteSource>> source = OpenFileSource(path);
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ((*source)->name(), path);
  EXPECT_EQ(ReadAll(**source, 100), TestBytes());
  std::remove(path.c_str());
}

TEST(FileSinkTest, UncreatablePathNamesThePath) {
  const std::string path = ::testing::TempDir() + "/no/such/dir/out.trace";
  absl::StatusOr<std::unique_ptr<ByteSink>> sink = OpenFileSink(path);
  EXPECT_EQ(sink.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(sink.status().message(), HasSubstr(path));
}

}  // namespace
}  // namespace portrace::trace
