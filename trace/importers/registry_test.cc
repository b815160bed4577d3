#include "trace/importers/registry.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "trace/event.h"
#include "trace/trace_file.h"

namespace portrace::trace {
namespace {

using ::testing::HasSubstr;

std::string WriteTemp(const std::string& name, const std::string& bytes) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  FILE* f = std::fopen(path.c_str(), "wb");
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  return path;
}

std::string CanonicalBytes() {
  std::string bytes;
  StringSink sink(&bytes);
  TraceHeader header;
  header.set_machine("pc");
  auto writer = *TraceWriter::Create(&sink, header);
  EventBatch batch;
  BatchBuilder(&batch).PortWrite(0x80, 1, 0x42);
  EXPECT_TRUE(writer->WriteBatch(batch).ok());
  EXPECT_TRUE(writer->Finish().ok());
  return bytes;
}

int CountEvents(EventSource& source) {
  EventBatch batch;
  int n = 0;
  while (*source.Next(&batch)) n += batch.op_size();
  return n;
}

TEST(RegistryTest, SniffsEachFormat) {
  const struct {
    const char* file;
    std::string bytes;
    const char* format;
    int events;
  } cases[] = {
      {"a.trace", CanonicalBytes(), "trace", 1},
      {"b.qtest", "# comment\n\noutb 0x80 0x1\ninb 0x80\n", "qtest", 2},
      {"c.txt", "outl 0xcf8 0x80000920\n", "qtest", 1},
      {"d.qtest", "inb 0xzz\n", "qtest", -1},  // a qtest command with a bad argument: still qtest
  };
  for (const auto& c : cases) {
    absl::StatusOr<OpenedTrace> opened = OpenTrace(WriteTemp(c.file, c.bytes), "");
    ASSERT_TRUE(opened.ok()) << c.file << ": " << opened.status();
    EXPECT_EQ(opened->format, c.format) << c.file;
    if (c.events >= 0) {
      EXPECT_EQ(CountEvents(*opened->source), c.events) << c.file;
    }
  }
}

TEST(RegistryTest, UnknownInputsFailWithOneLineReasons) {
  std::string garbage;
  for (int i = 0; i < 600; ++i) garbage.push_back(static_cast<char>((i * 73 + 11) % 256));
  const struct {
    std::string path;
    const char* from;
    absl::StatusCode code;
    const char* message;
  } cases[] = {
      {WriteTemp("random.bin", garbage), "", absl::StatusCode::kInvalidArgument,
       "not a trace format portrace knows"},
      {WriteTemp("empty", ""), "", absl::StatusCode::kInvalidArgument, "empty input"},
      {WriteTemp("prose.txt", "hello world\n"), "", absl::StatusCode::kInvalidArgument,
       "use --from"},
      {"/nonexistent/x.trace", "", absl::StatusCode::kNotFound, "/nonexistent/x.trace"},
      {WriteTemp("x.qtest", "inb 0x1\n"), "pcap", absl::StatusCode::kInvalidArgument,
       "unknown input format 'pcap'"},
      {WriteTemp("y.qtest", "inb 0x1\n"), "trace", absl::StatusCode::kInvalidArgument, "bad magic"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<OpenedTrace> opened = OpenTrace(c.path, c.from);
    EXPECT_EQ(opened.status().code(), c.code) << c.path;
    EXPECT_THAT(std::string(opened.status().message()), HasSubstr(c.message)) << c.path;
    EXPECT_EQ(std::string(opened.status().message()).find('\n'), std::string::npos);
  }
}

TEST(RegistryTest, ImportersAreListedOnceByName) {
  ASSERT_GE(Importers().size(), 2u);
  EXPECT_NE(FindImporter("trace"), nullptr);
  EXPECT_NE(FindImporter("qtest"), nullptr);
  EXPECT_EQ(FindImporter("nope"), nullptr);
}

}  // namespace
}  // namespace portrace::trace
