#include "devices/nic/pcap_writer.h"

#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace portrace::devices {
namespace {

const std::string kHeader("\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                          "\xff\xff\x00\x00\x01\x00\x00\x00",
                          24);

TEST(PcapWriterTest, HeaderAndRecordsFromTxEvents) {
  std::ostringstream out;
  PcapWriter writer(&out);
  EXPECT_EQ(out.str(), kHeader);
  const struct {
    sim::DeviceEvent event;
    uint64_t t_ns;
    bool written;
  } cases[] = {
      {{"ne2k_pci", "tx", 3, "aabbcc"}, 1'500'002'000, true},
      {{"rtl8139", "rx", 60, ""}, 2'000'000'000, false},
      {{"rtl8139", "tx", 0, ""}, 3'000'000'000, true},
  };
  for (const auto& c : cases) {
    absl::StatusOr<bool> written = writer.AddDeviceEvent(c.t_ns, c.event);
    ASSERT_TRUE(written.ok()) << written.status();
    EXPECT_EQ(*written, c.written) << c.event.kind;
  }
  EXPECT_EQ(writer.frames(), 2u);
  EXPECT_EQ(out.str(), kHeader + std::string("\x01\x00\x00\x00\x22\xa1\x07\x00\x03\x00\x00\x00"
                                             "\x03\x00\x00\x00\xaa\xbb\xcc"
                                             "\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                                             "\x00\x00\x00\x00",
                                             35));
}

TEST(PcapWriterTest, MalformedTxTextIsInvalidArgument) {
  std::ostringstream out;
  PcapWriter writer(&out);
  for (const char* text : {"abc", "zz", "a b "}) {
    absl::StatusOr<bool> written = writer.AddDeviceEvent(0, {"ne2k_isa", "tx", 0, text});
    EXPECT_EQ(written.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_NE(written.status().message().find("not a hex frame"), absl::string_view::npos);
  }
}

TEST(PcapWriterTest, LongFramesAreCutToSnapLength) {
  std::ostringstream out;
  PcapWriter writer(&out);
  ASSERT_TRUE(writer.AddFrame(0, std::vector<uint8_t>(70000, 0x5a)).ok());
  const std::string s = out.str();
  ASSERT_EQ(s.size(), 24u + 16u + PcapWriter::kSnapLength);
  EXPECT_EQ(s.substr(24 + 8, 8), std::string("\xff\xff\x00\x00\x70\x11\x01\x00", 8));
}

}  // namespace
}  // namespace portrace::devices
