#include "trace/xz_source.h"

#include <lzma.h>

#include <utility>

#include "absl/strings/str_format.h"

namespace portrace::trace {
namespace {

constexpr size_t kInputBlock = 64 << 10;

absl::Status DecoderError(lzma_ret ret, const std::string& name, uint64_t offset) {
  switch (ret) {
    case LZMA_MEMLIMIT_ERROR:
      return absl::ResourceExhaustedError(absl::StrFormat(
          "%s: xz: the stream needs more than %u MiB to decompress", name, kXzMemoryLimit >> 20));
    case LZMA_MEM_ERROR:
      return absl::ResourceExhaustedError(absl::StrFormat("%s: xz: out of memory", name));
    case LZMA_BUF_ERROR:
      return absl::DataLossError(absl::StrFormat(
          "%s: xz: truncated (the input ends inside a stream, after %u bytes)", name, offset));
    case LZMA_FORMAT_ERROR:
      return absl::DataLossError(
          absl::StrFormat("%s: xz: byte %u: not an xz stream", name, offset));
    case LZMA_OPTIONS_ERROR:
      return absl::DataLossError(
          absl::StrFormat("%s: xz: byte %u: unsupported stream options", name, offset));
    default:
      return absl::DataLossError(
          absl::StrFormat("%s: xz: near byte %u: corrupt data (liblzma error %d)", name, offset,
                          static_cast<int>(ret)));
  }
}

// An lzma_stream released with its owner.
struct LzmaDecoder {
  lzma_stream lzma = LZMA_STREAM_INIT;
  LzmaDecoder() = default;
  LzmaDecoder(const LzmaDecoder&) = delete;
  LzmaDecoder& operator=(const LzmaDecoder&) = delete;
  ~LzmaDecoder() { lzma_end(&lzma); }
};

}  // namespace

struct XzSource::Stream : LzmaDecoder {};

XzSource::XzSource(std::unique_ptr<ByteSource> inner)
    : inner_(std::move(inner)), stream_(std::make_unique<Stream>()) {
  const lzma_ret ret = lzma_stream_decoder(&stream_->lzma, kXzMemoryLimit, LZMA_CONCATENATED);
  if (ret != LZMA_OK) failed_ = DecoderError(ret, inner_->name(), 0);
}

XzSource::~XzSource() = default;

absl::StatusOr<size_t> XzSource::Read(char* buffer, size_t size) {
  if (!failed_.ok()) return failed_;
  if (done_ || size == 0) return 0;
  lzma_stream& s = stream_->lzma;
  s.next_out = reinterpret_cast<uint8_t*>(buffer);
  s.avail_out = size;
  while (s.avail_out == size) {
    if (s.avail_in == 0 && !input_end_) {
      input_.resize(kInputBlock);
      absl::StatusOr<size_t> got = inner_->Read(input_.data(), input_.size());
      if (!got.ok()) {
        failed_ = got.status();
        return failed_;
      }
      input_offset_ += *got;
      input_end_ = *got == 0;
      s.next_in = reinterpret_cast<const uint8_t*>(input_.data());
      s.avail_in = *got;
    }
    const lzma_ret ret = lzma_code(&s, input_end_ ? LZMA_FINISH : LZMA_RUN);
    if (ret == LZMA_STREAM_END) {
      done_ = true;
      break;
    }
    if (ret != LZMA_OK) {
      failed_ = DecoderError(ret, inner_->name(), input_offset_ - s.avail_in);
      // Bytes decoded before the problem are delivered; the error comes with the next call.
      if (s.avail_out < size) break;
      return failed_;
    }
  }
  return size - s.avail_out;
}

absl::StatusOr<std::unique_ptr<ByteSource>> DecompressIfXz(std::unique_ptr<ByteSource> source) {
  auto peekable = std::make_unique<PeekableSource>(std::move(source));
  absl::StatusOr<absl::string_view> head = peekable->Peek(kXzMagic.size());
  if (!head.ok()) return head.status();
  if (!LooksLikeXz(*head)) return std::unique_ptr<ByteSource>(std::move(peekable));
  return std::unique_ptr<ByteSource>(std::make_unique<XzSource>(std::move(peekable)));
}

std::string DecompressXzPrefix(absl::string_view head, size_t max_output) {
  std::string out;
  if (!LooksLikeXz(head)) return out;
  LzmaDecoder decoder;
  lzma_stream& s = decoder.lzma;
  if (lzma_stream_decoder(&s, kXzMemoryLimit, LZMA_CONCATENATED) != LZMA_OK) return out;
  out.resize(max_output);
  s.next_in = reinterpret_cast<const uint8_t*>(head.data());
  s.avail_in = head.size();
  s.next_out = reinterpret_cast<uint8_t*>(out.data());
  s.avail_out = out.size();
  // LZMA_RUN: `head` is a prefix, so running out of input is not an error here.
  while (s.avail_out > 0) {
    const size_t before_in = s.avail_in;
    const size_t before_out = s.avail_out;
    if (lzma_code(&s, LZMA_RUN) != LZMA_OK) break;
    if (s.avail_in == before_in && s.avail_out == before_out) break;
  }
  out.resize(max_output - s.avail_out);
  return out;
}

}  // namespace portrace::trace
