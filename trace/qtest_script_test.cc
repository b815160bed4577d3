#include "trace/qtest_script.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "trace/event.h"
#include "trace/qtest_command.h"

namespace portrace::trace {
namespace {

using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// Reads every batch of `source`; returns the first error, or OK.
absl::Status ReadAll(std::unique_ptr<ByteSource> source, std::vector<EventBatch>* batches,
                     int events_per_batch = 4096) {
  std::unique_ptr<QtestScriptReader> reader =
      QtestScriptReader::Create(std::move(source), events_per_batch);
  EventBatch batch;
  while (true) {
    absl::StatusOr<bool> more = reader->Next(&batch);
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
    batches->push_back(batch);
  }
}

absl::Status ReadScript(const std::string& script, std::vector<EventBatch>* batches,
                        int events_per_batch = 4096) {
  return ReadAll(MakeStringSource(script, "test.qtest"), batches, events_per_batch);
}

// Each event rendered in qtest form, across batches.
std::vector<std::string> Lines(const std::vector<EventBatch>& batches) {
  std::vector<std::string> lines;
  for (const EventBatch& batch : batches) {
    BatchCursor cursor(batch);
    while (!cursor.Done()) lines.push_back(FormatQtestLine(cursor.Next()));
  }
  return lines;
}

std::string WriteScript(const std::vector<EventBatch>& batches) {
  std::string out;
  StringSink sink(&out);
  QtestScriptWriter writer(&sink);
  for (const EventBatch& batch : batches) EXPECT_TRUE(writer.WriteBatch(batch).ok());
  EXPECT_TRUE(writer.Finish().ok());
  return out;
}

TEST(QtestScriptReaderTest, HeaderNamesTheProducer) {
  std::unique_ptr<QtestScriptReader> reader = QtestScriptReader::Create(MakeStringSource(""));
  EXPECT_EQ(reader->header().producer(), "qtest script");
}

TEST(QtestScriptReaderTest, EmptyInputHasNoBatches) {
  for (const char* script : {"", "\n", "# only a comment\n", "  \n\t\n\r\n"}) {
    std::vector<EventBatch> batches;
    ASSERT_TRUE(ReadScript(script, &batches).ok()) << script;
    EXPECT_THAT(batches, IsEmpty()) << script;
  }
}

TEST(QtestScriptReaderTest, CommentsBlankLinesAndCrlf) {
  const std::string script =
      "# reproducer for an IDE bug\r\n"
      "\r\n"
      "outl 0xcf8 0x80000920\r\n"
      "   # indented comment\n"
      "\t\n"
      "outw 0xcfc 0x7\n"
      "inb 0x1f7\r\n"
      "\n"
      "write 0x2103 0x1 0x4e\n"
      "clock_step\n"
      "endianness\n"
      "readq 0xe2000000";  // last line without '\n'
  std::vector<EventBatch> batches;
  ASSERT_TRUE(ReadScript(script, &batches).ok());
  ASSERT_THAT(batches, SizeIs(1));
  EXPECT_TRUE(ValidateBatch(batches[0]).ok());
  EXPECT_THAT(Lines(batches),
              ElementsAre("outl 0xcf8 0x80000920", "outw 0xcfc 0x7", "inb 0x1f7",
                          "write 0x2103 0x1 0x4e", "clock_step", "endianness", "readq 0xe2000000"));
  EXPECT_EQ(batches[0].annotation_size(), 0);  // every line is in libqtest's spelling
  BatchCursor cursor(batches[0]);
  const EventView first = cursor.Next();
  EXPECT_EQ(first.kind, PORT_WRITE);
  EXPECT_EQ(first.width, 4u);
  EXPECT_EQ(first.address, 0xcf8u);
  EXPECT_EQ(first.value, 0x80000920u);
}

TEST(QtestScriptReaderTest, KeepsLinesTheWriterWouldSpellDifferently) {
  const std::string script =
      "outw 0x3f4 0x0500\n"
      "outw 0x3f4 0x500\n"
      "write 0xff000010 0x4 0x01020\r\n"
      "inb 0x4 ignored words\n"
      "clock_step 0x10\n";
  std::vector<EventBatch> batches;
  ASSERT_TRUE(ReadScript(script, &batches).ok());
  ASSERT_THAT(batches, SizeIs(1));
  const EventBatch& batch = batches[0];
  ASSERT_EQ(batch.annotation_size(), 4);
  const struct {
    uint32_t event;
    const char* text;
  } expected[] = {
      {0, "outw 0x3f4 0x0500"},
      {2, "write 0xff000010 0x4 0x01020"},
      {3, "inb 0x4 ignored words"},
      {4, "clock_step 0x10"},
  };
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(batch.annotation(i).event(), expected[i].event);
    EXPECT_EQ(batch.annotation(i).key(), "qtest");
    EXPECT_EQ(batch.annotation(i).text(), expected[i].text);
  }
}

TEST(QtestScriptReaderTest, MarkerCommentsBecomeMarkersAndRoundTrip) {
  const std::string script =
      "outb 0x80 0x1\n# marker: resume after S3\n# other comment\ninb 0x80\n";
  std::vector<EventBatch> batches;
  ASSERT_TRUE(ReadScript(script, &batches).ok());
  ASSERT_EQ(batches.size(), 1u);
  ASSERT_EQ(batches[0].op_size(), 3);
  EXPECT_EQ(OpKind(batches[0].op(1)), MARKER);
  EXPECT_EQ(batches[0].blob(0), "resume after S3");
  std::string written;
  StringSink sink(&written);
  QtestScriptWriter writer(&sink);
  ASSERT_TRUE(writer.WriteBatch(batches[0]).ok());
  EXPECT_EQ(written, "outb 0x80 0x1\n# marker: resume after S3\ninb 0x80\n");
}

TEST(QtestScriptReaderTest, ErrorsNameTheInputAndLine) {
  const struct {
    std::string script;
    std::string message;
    int delivered;  // events before the bad line, still handed out
  } cases[] = {
      {"outb 0x80 1\n# comment\n\nfoo 1 2\n", "test.qtest:4: unknown qtest command 'foo'", 1},
      {"\n\n\n\n\n\noutb 0x80 0xzz\n", "test.qtest:7: outb: bad number '0xzz'", 0},
      {"outb  0x80 1\n", "test.qtest:1: outb: bad number ''", 0},
      {"inb 0x10000\n", "test.qtest:1: inb: port 0x10000 above 0xffff", 0},
      {"inb 0x1\ninb\n", "test.qtest:2: inb: missing argument", 1},
      {"write 0x0 0x1000001 0x00\n", "test.qtest:1: write: length 0x1000001 above the limit", 0},
      {"read 0x0 0\n", "test.qtest:1: read: zero length", 0},
      {"write 0x0 0x1 0x\n", "test.qtest:1: invalid argument size", 0},
      {" outb 0x80 1\n", "test.qtest:1: unknown qtest command ''", 0},
      {"outb 0x80 1\r\r\n", "test.qtest:1: outb: bad number '1\\r'", 0},
      {std::string("outb 0x80 1\n\0\n", 14), "test.qtest:2: NUL byte at column 1", 1},
      {std::string("# comment \0 with NUL\n", 21), "test.qtest:1: NUL byte at column 11", 0},
      {"inb 0x1\n\x7f\x45LF\x02\x01\x01\n", "test.qtest:2: unknown qtest command '\\x7f", 1},
  };
  for (const auto& c : cases) {
    std::vector<EventBatch> batches;
    const absl::Status status = ReadScript(c.script, &batches);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.script << status;
    EXPECT_THAT(status.message(), HasSubstr(c.message)) << c.script;
    int events = 0;
    for (const EventBatch& batch : batches) events += batch.op_size();
    EXPECT_EQ(events, c.delivered) << c.script;
  }
}

TEST(QtestScriptReaderTest, StaysFailedAfterAnError) {
  std::unique_ptr<QtestScriptReader> reader =
      QtestScriptReader::Create(MakeStringSource("inb 0x1\nbogus\ninb 0x2\n", "s"), 1);
  EventBatch batch;
  ASSERT_TRUE(*reader->Next(&batch));
  const absl::Status first = reader->Next(&batch).status();
  EXPECT_THAT(first.message(), HasSubstr("s:2: unknown qtest command 'bogus'"));
  EXPECT_EQ(batch.op_size(), 0);
  EXPECT_EQ(reader->Next(&batch).status(), first);
}

TEST(QtestScriptReaderTest, SmallBatchSizeGivesSeveralFullBatches) {
  std::string script;
  for (int i = 0; i < 10; ++i) absl::StrAppend(&script, "# step ", i, "\noutb 0x80 ", i, "\n");
  std::vector<EventBatch> batches;
  ASSERT_TRUE(ReadScript(script, &batches, 3).ok());
  ASSERT_THAT(batches, SizeIs(4));
  EXPECT_EQ(batches[0].op_size(), 3);
  EXPECT_EQ(batches[1].op_size(), 3);
  EXPECT_EQ(batches[2].op_size(), 3);
  EXPECT_EQ(batches[3].op_size(), 1);
  EXPECT_EQ(Lines(batches)[9], "outb 0x80 0x9");
}

TEST(QtestScriptReaderTest, ShortReadsGiveTheSameEvents) {
  const std::string script = "outl 0xcf8 0x80000920\r\n# c\noutw 0xcfc 0x7\ninb 0x1f7";
  std::vector<EventBatch> whole;
  std::vector<EventBatch> trickled;
  ASSERT_TRUE(ReadScript(script, &whole).ok());
  ASSERT_TRUE(ReadAll(MakeStringSource(script, "<pipe>", 1), &trickled).ok());
  EXPECT_EQ(Lines(trickled), Lines(whole));
}

class FailingSource : public ByteSource {
 public:
  absl::StatusOr<size_t> Read(char*, size_t) override {
    return absl::UnavailableError("disk.qtest: read failed: Input/output error");
  }
  const std::string& name() const override { return name_; }

 private:
  std::string name_ = "disk.qtest";
};

TEST(QtestScriptReaderTest, ReadErrorsPassThrough) {
  std::vector<EventBatch> batches;
  const absl::Status status = ReadAll(std::make_unique<FailingSource>(), &batches);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("Input/output error"));
}

TEST(QtestScriptReaderTest, MegabytesOfGarbageOnOneLineGiveACleanError) {
  std::string garbage(3 << 20, '\0');
  uint32_t x = 12345;
  for (char& c : garbage) {
    x = x * 1103515245 + 12345;
    c = static_cast<char>('!' + (x >> 16) % 90);  // printable, no spaces or newlines
  }
  std::vector<EventBatch> batches;
  absl::Status status = ReadScript("inb 0x1\n" + garbage + "\n", &batches);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("test.qtest:2: unknown qtest command"));
  EXPECT_LT(status.message().size(), 300u);

  // Arbitrary bytes, NULs included.
  for (char& c : garbage) {
    x = x * 1103515245 + 12345;
    c = static_cast<char>(x >> 16);
  }
  batches.clear();
  status = ReadScript(garbage, &batches);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(status.message(), HasSubstr("test.qtest:"));
}

TEST(QtestScriptReaderTest, LineLongerThanTheLimit) {
  // A `write` of the largest length is accepted...
  const std::string largest =
      absl::StrCat("write 0x0 0x1000000 0x", std::string(2 * kMaxMemoryLength, '5'));
  ASSERT_LE(largest.size(), kMaxQtestLineLength);
  std::vector<EventBatch> batches;
  ASSERT_TRUE(ReadScript(largest + "\r\n", &batches).ok());
  ASSERT_THAT(batches, SizeIs(1));
  EXPECT_EQ(batches[0].blob(0).size(), kMaxMemoryLength);

  // ...a line past the limit is refused, with or without a newline after it.
  const std::string too_long(kMaxQtestLineLength + 1, 'x');
  for (const std::string& script : {"inb 0x1\n" + too_long, "inb 0x1\n" + too_long + "\n"}) {
    batches.clear();
    const absl::Status status = ReadScript(script, &batches);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(status.message(), HasSubstr(absl::StrCat("test.qtest:2: line longer than ",
                                                         kMaxQtestLineLength, " bytes")));
  }
}

TEST(QtestScriptWriterTest, OneLinePerEventInLibqtestSpelling) {
  EventBatch batch;
  BatchBuilder b(&batch);
  b.PortWrite(0xcf8, 4, 0x80000920);
  b.PortReadRecorded(0x1f7, 1, 0x50);
  b.Marker("resume");
  b.MemoryWrite(0x2103, 1, "\x4e");
  b.TimeAdvanceToDeadline();
  b.Marker("endianness", FLAG_QTEST);
  b.PortWrite(0x3f4, 2, 0x500);
  b.Annotate("qtest", "outw 0x3f4 0x0500");
  b.PortWrite(0x80, 1, 1);
  b.Annotate("region", "post");  // other keys are not qtest text
  b.PortWrite(0x80, 1, 2);
  b.Annotate("qtest", "outb 0x80 2\ninb 0x60");  // cannot stand on one line: not used
  EXPECT_EQ(WriteScript({batch}),
            "outl 0xcf8 0x80000920\n"
            "inb 0x1f7\n"
            "# marker: resume\n"
            "write 0x2103 0x1 0x4e\n"
            "clock_step\n"
            "endianness\n"
            "outw 0x3f4 0x0500\n"
            "outb 0x80 0x1\n"
            "outb 0x80 0x2\n");
}

TEST(QtestScriptWriterTest, RefusesMalformedBatch) {
  EventBatch batch;
  batch.add_op(PackOp(MEMORY_WRITE, 0, 0));  // no address, value or blob
  std::string out;
  StringSink sink(&out);
  QtestScriptWriter writer(&sink);
  const absl::Status status = writer.WriteBatch(batch);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("columns differ in length"));
  EXPECT_EQ(out, "");
}

// The request lines of a script: what a round trip must reproduce.
std::vector<std::string> RequestLines(const std::string& script) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(script, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const absl::string_view content = absl::StripLeadingAsciiWhitespace(line);
    if (content.empty() || content.front() == '#') continue;
    lines.emplace_back(line);
  }
  return lines;
}

// script -> batches -> script, checked line by line and event by event.
void ExpectRoundTrip(const std::string& script, int events_per_batch) {
  std::vector<EventBatch> batches;
  ASSERT_TRUE(ReadScript(script, &batches, events_per_batch).ok());
  const std::string written = WriteScript(batches);
  EXPECT_EQ(RequestLines(written), RequestLines(script));
  std::vector<EventBatch> again;
  ASSERT_TRUE(ReadScript(written, &again, events_per_batch).ok());
  ASSERT_EQ(again.size(), batches.size());
  for (size_t i = 0; i < batches.size(); ++i) {
    EXPECT_EQ(again[i].SerializeAsString(), batches[i].SerializeAsString()) << "batch " << i;
  }
}

TEST(QtestScriptRoundTripTest, OddButValidLines) {
  ExpectRoundTrip(
      "outw 0x3f4 0x0500\n"
      "outb 010 -1\n"
      "outl 0x03cc 0x80000000\r\n"
      "write 0xff000010 0x4 0x01020\n"
      "write 0x0 0x4 0x1\n"
      "write 0x0 0x2 xxABCD\n"
      "b64write 0x300 0x5 aGVsbG8\n"
      "b64write 0x300 0x0 aGVsbG8=\n"
      "memset 0x1000 16 0x1aa\n"
      "clock_step\n"
      "clock_step -5\n"
      "clock_set 0x100\n"
      "inb 0x4 extra \xff words\n"
      "set_irq_in /machine/ioapic  0 1\n"
      "endianness x\r\r\n"
      "readq 0xe2000000\n",
      4);
}

std::vector<std::filesystem::path> ReproducerFiles() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  EXPECT_NE(srcdir, nullptr);
  if (srcdir == nullptr) return {};
  const std::filesystem::path dir = std::filesystem::path(srcdir) /
                                    (workspace != nullptr ? workspace : "portrace") / "testdata" /
                                    "qemu-repro";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".txt") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(QtestScriptRoundTripTest, QemuReproducers) {
  const std::vector<std::filesystem::path> files = ReproducerFiles();
  ASSERT_THAT(files, SizeIs(4));
  for (const std::filesystem::path& path : files) {
    SCOPED_TRACE(path.filename().string());
    const std::string script = ReadFile(path);
    ASSERT_FALSE(RequestLines(script).empty());
    // A batch size of 3 forces several batches on every file.
    std::vector<EventBatch> batches;
    ASSERT_TRUE(ReadScript(script, &batches, 3).ok());
    EXPECT_GT(batches.size(), 1u);
    for (const EventBatch& batch : batches) {
      EXPECT_TRUE(ValidateBatch(batch).ok());
      EXPECT_GT(batch.op_size(), 0);
      EXPECT_LE(batch.op_size(), 3);
    }
    ExpectRoundTrip(script, 3);
    ExpectRoundTrip(script, 4096);
  }
}

}  // namespace
}  // namespace portrace::trace
