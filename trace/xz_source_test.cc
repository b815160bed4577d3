#include "trace/xz_source.h"

#include <lzma.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "trace/byte_source.h"

namespace portrace::trace {
namespace {

using ::testing::HasSubstr;

std::string Compress(const std::string& plain) {
  std::string out(lzma_stream_buffer_bound(plain.size()), '\0');
  size_t out_pos = 0;
  const lzma_ret ret = lzma_easy_buffer_encode(
      6, LZMA_CHECK_CRC64, nullptr, reinterpret_cast<const uint8_t*>(plain.data()), plain.size(),
      reinterpret_cast<uint8_t*>(out.data()), &out_pos, out.size());
  EXPECT_EQ(ret, LZMA_OK);
  out.resize(out_pos);
  return out;
}

// Everything `source` serves, reading `chunk` bytes at a time, and the error that ended it.
absl::Status ReadAll(ByteSource& source, size_t chunk, std::string* out) {
  std::string buffer(chunk, '\0');
  while (true) {
    absl::StatusOr<size_t> got = source.Read(buffer.data(), buffer.size());
    if (!got.ok()) return got.status();
    if (*got == 0) return absl::OkStatus();
    out->append(buffer, 0, *got);
  }
}

std::string Text(size_t lines) {
  std::string text;
  for (size_t i = 0; i < lines; ++i) {
    text +=
        "memory_region_ops_write cpu 0 mr 0x1 addr 0x" + std::to_string(i) + " value 0x0 size 1\n";
  }
  return text;
}

TEST(XzSourceTest, DecompressesInAnyReadSize) {
  const std::string plain = Text(20000);  // well over one input and one output block
  const std::string packed = Compress(plain);
  ASSERT_LT(packed.size(), plain.size() / 10);
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{4096}, size_t{1} << 20}) {
    XzSource source(MakeStringSource(packed, "c.log.xz"));
    std::string out;
    if (chunk == 1) {
      // Byte by byte through the first kilobyte only: the whole would take long.
      char c;
      for (int i = 0; i < 1024; ++i) {
        ASSERT_EQ(*source.Read(&c, 1), 1u);
        out.push_back(c);
      }
      EXPECT_EQ(out, plain.substr(0, 1024));
      continue;
    }
    ASSERT_TRUE(ReadAll(source, chunk, &out).ok()) << chunk;
    EXPECT_EQ(out, plain) << chunk;
  }
}

TEST(XzSourceTest, ConcatenatedStreamsReadAsOne) {
  XzSource source(MakeStringSource(Compress("first\n") + Compress("second\n"), "c.xz"));
  std::string out;
  ASSERT_TRUE(ReadAll(source, 100, &out).ok());
  EXPECT_EQ(out, "first\nsecond\n");
  EXPECT_EQ(source.name(), "c.xz");
}

TEST(XzSourceTest, DamagedInputsFailNamingTheInput) {
  const std::string packed = Compress(Text(2000));
  std::string flipped = packed;
  flipped[packed.size() / 2] ^= 0x55;
  const struct {
    std::string bytes;
    absl::StatusCode code;
    const char* message;
  } cases[] = {
      {packed.substr(0, packed.size() / 2), absl::StatusCode::kDataLoss, "d.xz: xz: truncated"},
      {packed.substr(0, 6), absl::StatusCode::kDataLoss, "d.xz: xz: truncated"},
      {flipped, absl::StatusCode::kDataLoss, "d.xz: xz: "},
      {packed + "garbage", absl::StatusCode::kDataLoss, "d.xz: xz: "},
      {std::string(kXzMagic) + std::string(100, '\x42'), absl::StatusCode::kDataLoss, "d.xz: xz: "},
  };
  for (const auto& c : cases) {
    XzSource source(MakeStringSource(c.bytes, "d.xz"));
    std::string out;
    const absl::Status status = ReadAll(source, 4096, &out);
    EXPECT_EQ(status.code(), c.code) << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.message));
    // The source stays failed.
    char byte;
    EXPECT_EQ(source.Read(&byte, 1).status(), status);
  }
}

// A stream whose header asks for a 4 GiB dictionary: refused before anything is allocated.
TEST(XzSourceTest, HostileDictionarySizeIsRefused) {
  std::string packed = Compress("x\n");
  // The block header follows the 12-byte stream header; its first byte gives its size, its last
  // four bytes are its CRC-32. The LZMA2 filter flags are 0x21 (id), 0x01 (one property byte),
  // then the dictionary size code.
  const size_t header_size = (static_cast<uint8_t>(packed[12]) + 1) * 4;
  const size_t filter = packed.find("\x21\x01", 12);
  ASSERT_LT(filter, 12 + header_size);
  packed[filter + 2] = 40;  // 4 GiB - 1
  const uint32_t crc =
      lzma_crc32(reinterpret_cast<const uint8_t*>(packed.data() + 12), header_size - 4, 0);
  for (int i = 0; i < 4; ++i) packed[12 + header_size - 4 + i] = static_cast<char>(crc >> (8 * i));
  XzSource source(MakeStringSource(packed, "big.xz"));
  std::string out;
  const absl::Status status = ReadAll(source, 4096, &out);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("big.xz: xz: the stream needs more than 128 MiB"));
}

TEST(XzSourceTest, DecompressIfXzPassesPlainInputThrough) {
  const struct {
    std::string bytes;
    std::string expected;
  } cases[] = {
      {"plain text\n", "plain text\n"},
      {"", ""},
      {std::string(kXzMagic.substr(0, 3)), std::string(kXzMagic.substr(0, 3))},  // cut magic
      {Compress("packed\n"), "packed\n"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<std::unique_ptr<ByteSource>> source =
        DecompressIfXz(MakeStringSource(c.bytes, "in"));
    ASSERT_TRUE(source.ok());
    std::string out;
    ASSERT_TRUE(ReadAll(**source, 3, &out).ok());
    EXPECT_EQ(out, c.expected);
    EXPECT_EQ((*source)->name(), "in");
  }
}

TEST(XzSourceTest, PrefixOfAStreamDecompressesForSniffing) {
  const std::string plain = Text(5000);
  const std::string packed = Compress(plain);
  EXPECT_EQ(DecompressXzPrefix(packed, 4096), plain.substr(0, 4096));
  // A cut-off head gives what it holds, a prefix of the text.
  const std::string partial = DecompressXzPrefix(packed.substr(0, 200), 1 << 20);
  EXPECT_EQ(partial, plain.substr(0, partial.size()));
  EXPECT_EQ(DecompressXzPrefix("not xz", 4096), "");
  EXPECT_EQ(DecompressXzPrefix(std::string(kXzMagic) + "junkjunkjunk", 4096), "");
}

}  // namespace
}  // namespace portrace::trace
