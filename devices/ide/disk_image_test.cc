#include "devices/ide/disk_image.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace portrace::devices {
namespace {

using ::testing::HasSubstr;

std::string MakeImage(const std::string& name, int sectors) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  std::ofstream out(path, std::ios::binary);
  for (int s = 0; s < sectors; ++s) {
    for (int i = 0; i < 512; ++i) out.put(static_cast<char>(s + i));
  }
  out.put('x');  // a partial sector at the end is not addressable
  return path;
}

std::vector<uint8_t> FileBytes(const std::string& path, size_t offset, size_t n) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(offset);
  std::vector<uint8_t> out(n);
  in.read(reinterpret_cast<char*>(out.data()), n);
  return out;
}

TEST(DiskImageTest, ReadsLazilyAndRefusesPastTheEnd) {
  const std::string path = MakeImage("read.img", 4);
  absl::StatusOr<std::unique_ptr<DiskImage>> image = DiskImage::Open(path, true);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_EQ((*image)->sectors(), 4u);
  uint8_t buf[1024];
  ASSERT_TRUE((*image)->Read(2, 2, buf));
  EXPECT_EQ(buf[0], 2);
  EXPECT_EQ(buf[512], 3);
  EXPECT_FALSE((*image)->Read(3, 2, buf));
  EXPECT_FALSE((*image)->Read(~uint64_t{0}, 2, buf));
}

TEST(DiskImageTest, SnapshotWritesStayInTheOverlay) {
  const std::string path = MakeImage("cow.img", 4);
  auto image = DiskImage::Open(path, true);
  ASSERT_TRUE(image.ok());
  std::vector<uint8_t> data(512, 0xab);
  ASSERT_TRUE((*image)->Write(1, 1, data.data()));
  uint8_t buf[512];
  ASSERT_TRUE((*image)->Read(1, 1, buf));
  EXPECT_EQ(buf[100], 0xab);
  EXPECT_EQ(FileBytes(path, 512 + 100, 1)[0], static_cast<uint8_t>(1 + 100));
  EXPECT_EQ((*image)->overlay_bytes(), 512u);
}

TEST(DiskImageTest, SnapshotOffWritesThrough) {
  const std::string path = MakeImage("through.img", 4);
  auto image = DiskImage::Open(path, false);
  ASSERT_TRUE(image.ok());
  std::vector<uint8_t> data(512, 0xcd);
  ASSERT_TRUE((*image)->Write(3, 1, data.data()));
  EXPECT_EQ(FileBytes(path, 3 * 512 + 7, 1)[0], 0xcd);
}

TEST(DiskImageTest, MissingFileIsNamed) {
  auto image = DiskImage::Open("/nonexistent/disk.img", true);
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(image.status().message(), HasSubstr("/nonexistent/disk.img"));
}

TEST(DiskImageTest, EmptyHasNoSectors) {
  auto image = DiskImage::Empty();
  uint8_t buf[512];
  EXPECT_EQ(image->sectors(), 0u);
  EXPECT_FALSE(image->Read(0, 1, buf));
}

}  // namespace
}  // namespace portrace::devices
