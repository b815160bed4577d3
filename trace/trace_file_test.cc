#include "trace/trace_file.h"

#include <zlib.h>

#include <random>
#include <string>
#include <vector>

#include "absl/base/internal/endian.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "trace/event.h"

namespace portrace::trace {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;

TraceHeader TestHeader() {
  TraceHeader header;
  header.set_producer("trace_file_test");
  header.set_machine("pc");
  KeyValue* kv = header.add_metadata();
  kv->set_key("command");
  kv->set_value("qemu-system-i386 -M pc -qtest stdio");
  kv = header.add_metadata();
  kv->set_key("host");
  kv->set_value("ci");
  return header;
}

std::vector<EventBatch> TestBatches() {
  std::vector<EventBatch> batches(3);
  BatchBuilder a(&batches[0]);
  a.PortWrite(0xcf8, 4, 0x80000920);
  a.PortWrite(0xcfc, 4, 0xc001);
  a.PortRead(0x1f7, 1);
  a.Annotate("qtest", "inb 0x01f7");
  BatchBuilder b(&batches[1]);
  b.MemoryWrite(0x2103, 1, "\x4e");
  b.TimeAdvanceToDeadline();
  b.Marker("endianness", FLAG_QTEST);
  // A long, compressible batch, so zstd actually pays.
  BatchBuilder c(&batches[2]);
  for (int i = 0; i < 2000; ++i) c.PortWrite(0x80, 1, i & 0xff);
  return batches;
}

std::string WriteTrace(const std::vector<EventBatch>& batches, Codec codec) {
  std::string out;
  StringSink sink(&out);
  TraceWriterOptions options;
  options.codec = codec;
  absl::StatusOr<std::unique_ptr<TraceWriter>> writer =
      TraceWriter::Create(&sink, TestHeader(), options);
  EXPECT_TRUE(writer.ok()) << writer.status();
  for (const EventBatch& batch : batches) EXPECT_TRUE((*writer)->WriteBatch(batch).ok());
  EXPECT_TRUE((*writer)->Finish().ok());
  return out;
}

// Reads every batch of `bytes`; returns the first error, or OK.
absl::Status ReadAll(const std::string& bytes, std::vector<EventBatch>* batches = nullptr) {
  absl::StatusOr<std::unique_ptr<TraceReader>> reader =
      TraceReader::Open(MakeStringSource(bytes, "t.trace"));
  if (!reader.ok()) return reader.status();
  EventBatch batch;
  while (true) {
    absl::StatusOr<bool> more = (*reader)->Next(&batch);
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
    if (batches != nullptr) batches->push_back(batch);
  }
}

uint32_t Crc(absl::string_view bytes) {
  return static_cast<uint32_t>(crc32(crc32(0L, Z_NULL, 0),
                                     reinterpret_cast<const Bytef*>(bytes.data()),
                                     static_cast<uInt>(bytes.size())));
}

// A frame as the format defines it, with every field under the test's control.
std::string Frame(uint8_t kind, absl::string_view stored, uint8_t codec = 0, int64_t raw_size = -1,
                  int64_t stored_size = -1) {
  char prefix[kFrameHeaderSize] = {};
  absl::little_endian::Store32(prefix, kFrameMagic);
  prefix[4] = static_cast<char>(kind);
  prefix[5] = static_cast<char>(codec);
  absl::little_endian::Store32(
      prefix + 8, static_cast<uint32_t>(stored_size >= 0 ? stored_size : stored.size()));
  absl::little_endian::Store32(prefix + 12,
                               static_cast<uint32_t>(raw_size >= 0 ? raw_size : stored.size()));
  absl::little_endian::Store32(prefix + 16, Crc(stored));
  return absl::StrCat(absl::string_view(prefix, sizeof prefix), stored);
}

std::string HeaderFrame(uint32_t version = kFormatVersion) {
  TraceHeader header = TestHeader();
  header.set_format_version(version);
  return Frame(1, header.SerializeAsString());
}

std::string EventsFrame(const EventBatch& batch) { return Frame(2, batch.SerializeAsString()); }

EventBatch OneEvent() {
  EventBatch batch;
  BatchBuilder(&batch).PortWrite(0x80, 1, 0x42);
  return batch;
}

TEST(TraceFileTest, RoundTripWithAndWithoutZstd) {
  for (Codec codec : {Codec::kNone, Codec::kZstd}) {
    const std::string bytes = WriteTrace(TestBatches(), codec);
    EXPECT_TRUE(LooksLikeCanonicalTrace(bytes));
    absl::StatusOr<std::unique_ptr<TraceReader>> reader =
        TraceReader::Open(MakeStringSource(bytes));
    ASSERT_TRUE(reader.ok()) << reader.status();
    const TraceHeader& header = (*reader)->header();
    EXPECT_EQ(header.format_version(), kFormatVersion);
    EXPECT_EQ(header.producer(), "trace_file_test");
    EXPECT_EQ(header.machine(), "pc");
    ASSERT_EQ(header.metadata_size(), 2);
    EXPECT_EQ(header.metadata(0).key(), "command");
    EXPECT_EQ(header.metadata(0).value(), "qemu-system-i386 -M pc -qtest stdio");
    EXPECT_EQ(header.metadata(1).key(), "host");

    EventBatch batch;
    for (const EventBatch& expected : TestBatches()) {
      absl::StatusOr<bool> more = (*reader)->Next(&batch);
      ASSERT_TRUE(more.ok()) << more.status();
      ASSERT_TRUE(*more);
      EXPECT_EQ(batch.SerializeAsString(), expected.SerializeAsString());
    }
    absl::StatusOr<bool> more = (*reader)->Next(&batch);
    ASSERT_TRUE(more.ok()) << more.status();
    EXPECT_FALSE(*more);
    EXPECT_EQ(batch.op_size(), 0);
    EXPECT_EQ((*reader)->offset(), bytes.size());
  }
}

TEST(TraceFileTest, ZstdCompressesTheLargeBatch) {
  const std::string plain = WriteTrace(TestBatches(), Codec::kNone);
  const std::string packed = WriteTrace(TestBatches(), Codec::kZstd);
  EXPECT_LT(packed.size(), plain.size() / 2);
}

TEST(TraceFileTest, WriterSkipsEmptyBatchesAndCountsEvents) {
  std::string out;
  StringSink sink(&out);
  auto writer = TraceWriter::Create(&sink, TestHeader());
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->WriteBatch(EventBatch()).ok());
  for (const EventBatch& batch : TestBatches()) ASSERT_TRUE((*writer)->WriteBatch(batch).ok());
  EXPECT_EQ((*writer)->events_written(), 2006u);
  std::vector<EventBatch> batches;
  ASSERT_TRUE(ReadAll(out, &batches).ok());
  EXPECT_EQ(batches.size(), 3u);
}

TEST(TraceFileTest, WriterRefusesMalformedBatch) {
  std::string out;
  StringSink sink(&out);
  auto writer = TraceWriter::Create(&sink, TestHeader());
  ASSERT_TRUE(writer.ok());
  EventBatch bad;
  bad.add_op(PackOp(PORT_WRITE, 3, 0));
  bad.add_address(0x80);
  bad.add_value(0);
  const absl::Status status = (*writer)->WriteBatch(bad);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("width 3"));
}

TEST(TraceFileTest, EmptyTraceHasHeaderAndNoBatches) {
  std::vector<EventBatch> batches;
  const absl::Status status = ReadAll(WriteTrace({}, Codec::kZstd), &batches);
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_TRUE(batches.empty());
}

TEST(TraceFileTest, ReaderSkipsEmptyBatchFrames) {
  const std::string bytes =
      absl::StrCat(kFileMagic, HeaderFrame(), EventsFrame(EventBatch()), EventsFrame(OneEvent()));
  std::vector<EventBatch> batches;
  ASSERT_TRUE(ReadAll(bytes, &batches).ok());
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].op_size(), 1);
}

TEST(TraceFileTest, RejectsMalformedFiles) {
  const std::string magic(kFileMagic);
  const std::string header = HeaderFrame();
  const std::string events = EventsFrame(OneEvent());
  const size_t events_at = magic.size() + header.size();  // offset of the first events frame
  const std::string good = magic + header + events;
  std::string flipped = good;
  flipped[events_at + kFrameHeaderSize + 2] ^= 0x40;
  EventBatch malformed;
  malformed.add_op(PackOp(PORT_READ, 1, 0));  // address and value columns missing

  const struct {
    const char* name;
    std::string bytes;
    absl::StatusCode code;
    std::string message;
  } cases[] = {
      {"empty file", "", absl::StatusCode::kInvalidArgument, "t.trace: offset 0: not a portrace"},
      {"bad magic", "PRTRACE\r" + header, absl::StatusCode::kInvalidArgument,
       "t.trace: offset 0: not a portrace trace (bad magic"},
      {"short magic", "PRTR", absl::StatusCode::kInvalidArgument, "offset 0: not a portrace"},
      {"magic only", magic, absl::StatusCode::kDataLoss,
       "t.trace: offset 8: trace ends before its header frame"},
      {"unknown version", magic + HeaderFrame(2), absl::StatusCode::kInvalidArgument,
       "offset 8: unknown format version 2 (this portrace reads version 1)"},
      {"first frame is events", magic + events, absl::StatusCode::kInvalidArgument,
       "offset 8: first frame is not a header (kind 2)"},
      {"header does not parse", magic + Frame(1, "\xff\xff\xff"),
       absl::StatusCode::kInvalidArgument, "offset 8: header frame does not parse"},
      {"truncated frame header", good.substr(0, events_at + 7), absl::StatusCode::kDataLoss,
       absl::StrCat("offset ", events_at, ": truncated frame header (7 of 20 bytes)")},
      {"truncated frame body", good.substr(0, good.size() - 1), absl::StatusCode::kDataLoss,
       absl::StrCat("offset ", events_at, ": truncated frame (")},
      {"truncated header frame", good.substr(0, magic.size() + 25), absl::StatusCode::kDataLoss,
       "offset 8: truncated frame ("},
      {"flipped byte", flipped, absl::StatusCode::kDataLoss,
       absl::StrCat("offset ", events_at, ": frame checksum mismatch")},
      {"oversized length", magic + header + Frame(2, "", 0, 0xffffffff, 0xffffffff),
       absl::StatusCode::kDataLoss,
       absl::StrCat("offset ", events_at, ": frame length 4294967295 (raw 4294967295) exceeds")},
      {"oversized raw length", magic + header + Frame(2, "abc", 1, 0x7fffffff),
       absl::StatusCode::kDataLoss, "exceeds the limit of 67108864 bytes"},
      {"stored and raw differ uncompressed", magic + header + Frame(2, "abc", 0, 4),
       absl::StatusCode::kDataLoss, "uncompressed frame with stored size 3 but raw size 4"},
      {"zstd frame that is not zstd", magic + header + Frame(2, "not zstd at all", 1, 10),
       absl::StatusCode::kDataLoss, "compressed frame declares"},
      {"second header frame", good + header, absl::StatusCode::kInvalidArgument,
       absl::StrCat("offset ", good.size(), ": a second header frame")},
      {"short garbage after valid frames", good + "garbage", absl::StatusCode::kDataLoss,
       absl::StrCat("offset ", good.size(), ": truncated frame header (7 of 20 bytes)")},
      {"garbage after valid frames", good + std::string(40, 'g'),
       absl::StatusCode::kInvalidArgument,
       absl::StrCat("offset ", good.size(), ": bad frame magic 0x67676767")},
      {"unknown frame kind", magic + header + Frame(3, ""), absl::StatusCode::kInvalidArgument,
       "unknown frame kind 3"},
      {"unknown codec", magic + header + Frame(2, "", 7), absl::StatusCode::kInvalidArgument,
       "unknown frame codec 7"},
      {"batch does not parse", magic + header + Frame(2, "\x0a\xff"),
       absl::StatusCode::kInvalidArgument,
       absl::StrCat("offset ", events_at, ": event batch does not parse")},
      {"malformed batch", magic + header + EventsFrame(malformed),
       absl::StatusCode::kInvalidArgument,
       absl::StrCat("offset ", events_at, ": batch columns differ in length")},
  };
  for (const auto& c : cases) {
    const absl::Status status = ReadAll(c.bytes);
    EXPECT_EQ(status.code(), c.code) << c.name << ": " << status;
    EXPECT_THAT(status.message(), HasSubstr(c.message)) << c.name;
  }
}

TEST(TraceFileTest, ReservedBytesMustBeZero) {
  std::string frame = EventsFrame(OneEvent());
  frame[6] = 1;
  const absl::Status status = ReadAll(absl::StrCat(kFileMagic, HeaderFrame(), frame));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("reserved frame bytes are not zero"));
}

// Serves bytes and counts how many the reader asked for.
class CountingSource : public ByteSource {
 public:
  explicit CountingSource(std::string bytes, size_t* requested)
      : inner_(MakeStringSource(std::move(bytes))), requested_(requested) {}
  absl::StatusOr<size_t> Read(char* buffer, size_t size) override {
    *requested_ += size;
    return inner_->Read(buffer, size);
  }
  const std::string& name() const override { return inner_->name(); }

 private:
  std::unique_ptr<ByteSource> inner_;
  size_t* requested_;
};

TEST(TraceFileTest, OversizedLengthIsRefusedBeforeReadingTheBody) {
  const std::string prefix = absl::StrCat(kFileMagic, HeaderFrame());
  size_t requested = 0;
  auto reader = TraceReader::Open(std::make_unique<CountingSource>(
      prefix + Frame(2, "", 0, 0xffffffff, 0xffffffff) + std::string(1000, 'x'), &requested));
  ASSERT_TRUE(reader.ok()) << reader.status();
  EventBatch batch;
  absl::StatusOr<bool> more = (*reader)->Next(&batch);
  EXPECT_EQ(more.status().code(), absl::StatusCode::kDataLoss);
  // The reader asked for the magic, the header frame and one frame prefix, nothing more.
  EXPECT_EQ(requested, prefix.size() + kFrameHeaderSize);
}

TEST(TraceFileTest, ReaderStaysFailed) {
  const std::string bytes = absl::StrCat(kFileMagic, HeaderFrame(), "garbage");
  auto reader = TraceReader::Open(MakeStringSource(bytes));
  ASSERT_TRUE(reader.ok());
  EventBatch batch;
  const absl::Status first = (*reader)->Next(&batch).status();
  EXPECT_EQ(first.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ((*reader)->Next(&batch).status(), first);
}

TEST(TraceFileTest, RandomBytesGiveCleanErrors) {
  std::mt19937 rng(20240601);
  const std::string valid = WriteTrace(TestBatches(), Codec::kZstd);
  for (int i = 0; i < 500; ++i) {
    std::string bytes;
    switch (i % 3) {
      case 0:  // pure noise
        bytes.resize(rng() % 200);
        for (char& c : bytes) c = static_cast<char>(rng());
        break;
      case 1:  // noise after the magic
        bytes = std::string(kFileMagic);
        bytes.resize(8 + rng() % 200);
        for (size_t j = 8; j < bytes.size(); ++j) bytes[j] = static_cast<char>(rng());
        break;
      case 2:  // a valid trace with a few bytes changed
        bytes = valid;
        for (int k = 0; k < 3; ++k)
          bytes[rng() % bytes.size()] ^= static_cast<char>(1 + rng() % 255);
        break;
    }
    const absl::Status status = ReadAll(bytes);
    if (i % 3 == 2 && status.ok()) continue;  // a change the format cannot see (unlikely)
    EXPECT_THAT(status.code(),
                AnyOf(absl::StatusCode::kInvalidArgument, absl::StatusCode::kDataLoss))
        << "input " << i << ": " << status;
  }
}

}  // namespace
}  // namespace portrace::trace
