#include "devices/nic/pcap_reader.h"

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "devices/nic/pcap_writer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::devices {
namespace {

using ::testing::HasSubstr;

std::string Le32(uint32_t v) {
  return std::string({static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16),
                      static_cast<char>(v >> 24)});
}
std::string Be32(uint32_t v) {
  return std::string({static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                      static_cast<char>(v >> 8), static_cast<char>(v)});
}

// A little-endian microsecond file header: version 2.4, the snap length and link type given.
std::string Header(uint32_t snap = 65535, uint32_t link = 1, uint32_t magic = 0xa1b2c3d4) {
  return Le32(magic) + Le32(0x00040002) + Le32(0) + Le32(0) + Le32(snap) + Le32(link);
}
std::string Record(uint32_t sec, uint32_t frac, const std::string& data, uint32_t orig = 0) {
  return Le32(sec) + Le32(frac) + Le32(static_cast<uint32_t>(data.size())) +
         Le32(orig != 0 ? orig : static_cast<uint32_t>(data.size())) + data;
}

std::vector<PcapRecord> ReadAll(const std::string& bytes, absl::Status* error) {
  std::vector<PcapRecord> records;
  absl::StatusOr<std::unique_ptr<PcapReader>> reader =
      PcapReader::Open(trace::MakeStringSource(bytes, "cap.pcap", 7));  // short reads
  if (!reader.ok()) {
    *error = reader.status();
    return records;
  }
  PcapRecord record;
  while (true) {
    absl::StatusOr<bool> more = (*reader)->Next(&record);
    if (!more.ok()) {
      *error = more.status();
      // Failed for good.
      EXPECT_EQ((*reader)->Next(&record).status(), more.status());
      return records;
    }
    if (!*more) return records;
    records.push_back(record);
  }
}

// What PcapWriter writes, PcapReader reads back: times, lengths, bytes.
TEST(PcapReaderTest, ReadsWhatTheWriterWrites) {
  std::ostringstream out;
  PcapWriter writer(&out);
  ASSERT_TRUE(writer.AddFrame(1'500'002'000, std::vector<uint8_t>{0xaa, 0xbb, 0xcc}).ok());
  ASSERT_TRUE(writer.AddFrame(3'000'000'000, std::vector<uint8_t>(70000, 0x5a)).ok());
  absl::Status error;
  const std::vector<PcapRecord> records = ReadAll(out.str(), &error);
  ASSERT_TRUE(error.ok()) << error;
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].offset, 24u);
  EXPECT_EQ(records[0].t_ns, 1'500'002'000u);
  EXPECT_EQ(records[0].frame, "\xaa\xbb\xcc");
  EXPECT_EQ(records[0].original_length, 3u);
  EXPECT_EQ(records[1].offset, 24u + 16 + 3);
  EXPECT_EQ(records[1].t_ns, 3'000'000'000u);
  EXPECT_EQ(records[1].frame, std::string(PcapWriter::kSnapLength, '\x5a'));
  EXPECT_EQ(records[1].original_length, 70000u);
}

TEST(PcapReaderTest, BigEndianNanosecondFiles) {
  const std::string bytes = Be32(0xa1b23c4d) + Be32(0x00020004) + Be32(0) + Be32(0) + Be32(262144) +
                            Be32(1) + Be32(7) + Be32(123) + Be32(2) + Be32(60) + "\x01\x02";
  absl::StatusOr<std::unique_ptr<PcapReader>> reader =
      PcapReader::Open(trace::MakeStringSource(bytes));
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_TRUE((*reader)->nanosecond());
  EXPECT_EQ((*reader)->snap_length(), 262144u);
  EXPECT_EQ((*reader)->link_type(), PcapReader::kLinkTypeEthernet);
  PcapRecord record;
  ASSERT_TRUE(*(*reader)->Next(&record));
  EXPECT_EQ(record.t_ns, 7'000'000'123u);
  EXPECT_EQ(record.original_length, 60u);
  EXPECT_EQ(record.frame, "\x01\x02");
  EXPECT_FALSE(*(*reader)->Next(&record));
}

// Hostile files: each refused with the offset of what is wrong; records before it still read.
TEST(PcapReaderTest, BadInputsNameTheOffset) {
  const struct {
    const char* name;
    std::string bytes;
    absl::StatusCode code;
    const char* message;
    size_t records_before;
  } cases[] = {
      {"empty file", "", absl::StatusCode::kDataLoss,
       "cap.pcap: offset 0: truncated pcap file header (0 of 24 bytes)", 0},
      {"short header", Header().substr(0, 10), absl::StatusCode::kDataLoss,
       "offset 0: truncated pcap file header (10 of 24 bytes)", 0},
      {"wrong magic", "PRTRACE\n" + std::string(16, '\0'), absl::StatusCode::kInvalidArgument,
       "cap.pcap: offset 0: not a pcap file (magic 0x52545250)", 0},
      {"pcapng", Le32(0x0a0d0d0a) + std::string(20, '\0'), absl::StatusCode::kInvalidArgument,
       "offset 0: a pcapng file", 0},
      {"version 1", Le32(0xa1b2c3d4) + Le32(0x00040001) + std::string(16, '\0'),
       absl::StatusCode::kInvalidArgument, "offset 4: pcap version 1.4, expected 2.x", 0},
      {"snap length over the limit", Header(262145), absl::StatusCode::kInvalidArgument,
       "offset 16: snap length 262145 above the limit of 262144 bytes", 0},
      {"captured length over the limit",
       Header() + Record(1, 0, "ab") + Le32(2) + Le32(0) + Le32(0x80000000) + Le32(60),
       absl::StatusCode::kInvalidArgument,
       "offset 50: captured length 2147483648 above the limit of 262144 bytes", 1},
      {"truncated record header", Header() + Record(1, 0, "ab") + std::string(9, '\0'),
       absl::StatusCode::kDataLoss, "offset 42: truncated pcap record header (9 of 16 bytes)", 1},
      {"truncated record data", Header() + Record(1, 0, std::string(100, 'x')).substr(0, 16 + 40),
       absl::StatusCode::kDataLoss, "offset 24: pcap record of 100 bytes truncated after 40", 0},
  };
  for (const auto& c : cases) {
    absl::Status error;
    const std::vector<PcapRecord> records = ReadAll(c.bytes, &error);
    EXPECT_EQ(error.code(), c.code) << c.name << ": " << error;
    EXPECT_THAT(error.message(), HasSubstr(c.message)) << c.name;
    EXPECT_EQ(records.size(), c.records_before) << c.name;
  }
}

}  // namespace
}  // namespace portrace::devices
