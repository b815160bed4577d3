#include "devices/ide/drive_options.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::devices {
namespace {

using ::testing::HasSubstr;

TEST(DriveOptionsTest, ParsesTheSubset) {
  const struct {
    const char* option;
    const char* file;
    DriveMedia media;
    int index;
    bool snapshot;
  } cases[] = {
      {"file=a.img,format=raw,if=ide,index=0", "a.img", DriveMedia::kDisk, 0, true},
      {"file=b.iso,media=cdrom,index=2", "b.iso", DriveMedia::kCdrom, 2, true},
      {"if=ide,media=cdrom", "", DriveMedia::kCdrom, -1, true},
      {"file=c.img,snapshot=off,index=3", "c.img", DriveMedia::kDisk, 3, false},
      {"file=c.img,snapshot=on", "c.img", DriveMedia::kDisk, -1, true},
  };
  for (const auto& c : cases) {
    absl::StatusOr<DriveOptions> d = ParseDriveOptions(c.option);
    ASSERT_TRUE(d.ok()) << c.option << ": " << d.status();
    EXPECT_EQ(d->file, c.file) << c.option;
    EXPECT_EQ(d->media, c.media) << c.option;
    EXPECT_EQ(d->index, c.index) << c.option;
    EXPECT_EQ(d->snapshot, c.snapshot) << c.option;
  }
}

TEST(DriveOptionsTest, RejectsWithTheOptionNamed) {
  const struct {
    const char* option;
    const char* why;
  } cases[] = {
      {"file=a.img,format=qcow2", "format 'qcow2'"},
      {"file=a.img,if=virtio", "if 'virtio'"},
      {"file=a.img,index=4", "index '4'"},
      {"file=a.img,index=x", "index 'x'"},
      {"file=a.img,media=tape", "media 'tape'"},
      {"file=a.img,snapshot=maybe", "snapshot 'maybe'"},
      {"file=a.img,cache=none", "unknown key 'cache'"},
      {"file=a.img,,index=0", "empty key"},
      {"file", "has no value"},
      {"format=raw", "a disk needs file="},
      {"", "empty key"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<DriveOptions> d = ParseDriveOptions(c.option);
    ASSERT_FALSE(d.ok()) << c.option;
    EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(d.status().message(), HasSubstr(c.why)) << c.option;
    EXPECT_THAT(d.status().message(), HasSubstr(std::string("--drive=") + c.option));
  }
}

}  // namespace
}  // namespace portrace::devices
