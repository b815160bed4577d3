// xz-compressed captures read as plain bytes. QEMU trace logs compress about 180:1 with xz (the
// SeaBIOS boot capture is 4 MB of text in 22 KB), so captures are kept and shared as .xz; the
// importers that take text read them without a separate decompression step.
//
// XzSource decompresses a ByteSource holding an .xz file (one or more concatenated streams, as
// `xz` and `cat a.xz b.xz` produce) while it is read, holding one block of input and liblzma's
// dictionary, never the whole output. DecompressIfXz picks by the magic bytes, so callers take
// either form of an input. Errors name the input: DataLoss for corrupt or truncated data,
// ResourceExhausted when the stream asks for a dictionary above kXzMemoryLimit.
#ifndef PORTRACE_TRACE_XZ_SOURCE_H_
#define PORTRACE_TRACE_XZ_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "trace/byte_source.h"

namespace portrace::trace {

// The six bytes every .xz stream starts with: FD '7' 'z' 'X' 'Z' 00.
inline constexpr absl::string_view kXzMagic("\xfd\x37\x7a\x58\x5a\x00", 6);

// Most memory the decoder may use. `xz -9` needs 65 MiB; a hostile header cannot ask for more.
inline constexpr uint64_t kXzMemoryLimit = uint64_t{128} << 20;

inline bool LooksLikeXz(absl::string_view head) { return head.substr(0, 6) == kXzMagic; }

// Serves the decompressed bytes of `inner`, which must hold an .xz file. Not thread-safe.
class XzSource : public ByteSource {
 public:
  explicit XzSource(std::unique_ptr<ByteSource> inner);
  ~XzSource() override;
  XzSource(const XzSource&) = delete;
  XzSource& operator=(const XzSource&) = delete;

  absl::StatusOr<size_t> Read(char* buffer, size_t size) override;
  // The inner source's name: messages name the file the user gave.
  const std::string& name() const override { return inner_->name(); }

 private:
  struct Stream;  // liblzma's lzma_stream, kept out of this header

  std::unique_ptr<ByteSource> inner_;
  std::unique_ptr<Stream> stream_;
  std::string input_;          // the current block of compressed bytes
  uint64_t input_offset_ = 0;  // compressed bytes read from `inner_` so far
  bool input_end_ = false;
  bool done_ = false;
  absl::Status failed_;
};

// Returns `source` unchanged when it does not start with kXzMagic, or an XzSource over it when
// it does. Reads (and keeps) the first bytes to decide; errors are the source's read errors.
absl::StatusOr<std::unique_ptr<ByteSource>> DecompressIfXz(std::unique_ptr<ByteSource> source);

// The first up to `max_output` decompressed bytes of `head`, a prefix of an .xz file, for format
// sniffing; fewer when `head` runs out first, empty when it is not xz or is corrupt.
std::string DecompressXzPrefix(absl::string_view head, size_t max_output);

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_XZ_SOURCE_H_
