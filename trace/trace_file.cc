#include "trace/trace_file.h"

#include <libdeflate.h>
#include <zstd.h>

#include <cstring>

#include "absl/base/internal/endian.h"
#include "absl/strings/str_format.h"
#include "base/status_macros.h"
#include "trace/event.h"

namespace portrace::trace {
namespace {

// CRC-32 (the zlib/IEEE polynomial) by libdeflate, about 3.5x zlib's speed here; the value is
// the same as zlib's crc32().
uint32_t Crc32(absl::string_view bytes) { return libdeflate_crc32(0, bytes.data(), bytes.size()); }

void PutU32(char* out, uint32_t value) { absl::little_endian::Store32(out, value); }
uint32_t GetU32(const char* in) { return absl::little_endian::Load32(in); }

}  // namespace

bool LooksLikeCanonicalTrace(absl::string_view head) {
  return head.size() >= kFileMagic.size() && head.substr(0, kFileMagic.size()) == kFileMagic;
}

absl::StatusOr<std::unique_ptr<TraceWriter>> TraceWriter::Create(ByteSink* sink, TraceHeader header,
                                                                 TraceWriterOptions options) {
  std::unique_ptr<TraceWriter> writer(new TraceWriter(sink, options));
  header.set_format_version(kFormatVersion);
  PT_RETURN_IF_ERROR(sink->Write(kFileMagic));
  std::string raw;
  if (!header.SerializeToString(&raw)) {
    return absl::InternalError("cannot serialise the trace header");
  }
  PT_RETURN_IF_ERROR(writer->WriteFrame(FrameKind::kHeader, raw));
  return writer;
}

absl::Status TraceWriter::WriteBatch(const EventBatch& batch) {
  if (batch.op_size() == 0) return absl::OkStatus();
  PT_RETURN_IF_ERROR(ValidateBatch(batch));
  std::string raw;
  if (!batch.SerializeToString(&raw)) return absl::InternalError("cannot serialise a batch");
  PT_RETURN_IF_ERROR(WriteFrame(FrameKind::kEvents, raw));
  events_written_ += batch.op_size();
  return absl::OkStatus();
}

absl::Status TraceWriter::WriteFrame(FrameKind kind, const std::string& raw) {
  if (raw.size() > kMaxFrameSize) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: frame of %u bytes exceeds the limit of %u; write smaller batches",
                        sink_->name(), raw.size(), kMaxFrameSize));
  }
  absl::string_view stored = raw;
  Codec codec = Codec::kNone;
  if (options_.codec == Codec::kZstd && !raw.empty()) {
    compressed_.resize(ZSTD_compressBound(raw.size()));
    const size_t n = ZSTD_compress(compressed_.data(), compressed_.size(), raw.data(), raw.size(),
                                   options_.zstd_level);
    if (ZSTD_isError(n)) {
      return absl::InternalError(absl::StrCat("zstd: ", ZSTD_getErrorName(n)));
    }
    // Keep the compressed form only when it pays.
    if (n < raw.size()) {
      stored = absl::string_view(compressed_.data(), n);
      codec = Codec::kZstd;
    }
  }
  char prefix[kFrameHeaderSize];
  PutU32(prefix, kFrameMagic);
  prefix[4] = static_cast<char>(kind);
  prefix[5] = static_cast<char>(codec);
  prefix[6] = 0;
  prefix[7] = 0;
  PutU32(prefix + 8, static_cast<uint32_t>(stored.size()));
  PutU32(prefix + 12, static_cast<uint32_t>(raw.size()));
  PutU32(prefix + 16, Crc32(stored));
  PT_RETURN_IF_ERROR(sink_->Write(absl::string_view(prefix, sizeof prefix)));
  return sink_->Write(stored);
}

absl::Status TraceWriter::Finish() { return sink_->Close(); }

absl::StatusOr<std::unique_ptr<TraceReader>> TraceReader::Open(std::unique_ptr<ByteSource> source) {
  std::unique_ptr<TraceReader> reader(new TraceReader(std::move(source)));
  char magic[8];
  PT_ASSIGN_OR_RETURN(const size_t got, reader->ReadFully(magic, sizeof magic));
  const std::string& name = reader->source_->name();
  if (got < sizeof magic || absl::string_view(magic, sizeof magic) != kFileMagic) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: offset 0: not a portrace trace (bad magic; expected \"PRTRACE\\n\")", name));
  }
  reader->offset_ = sizeof magic;
  FrameKind kind;
  const uint64_t header_offset = reader->offset_;
  absl::string_view raw;
  PT_ASSIGN_OR_RETURN(const bool have, reader->ReadFrame(&kind, &raw));
  if (!have) {
    return absl::DataLossError(
        absl::StrFormat("%s: offset %u: trace ends before its header frame", name, header_offset));
  }
  if (kind != FrameKind::kHeader) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: offset %u: first frame is not a header (kind %u)", name, header_offset,
                        static_cast<unsigned>(kind)));
  }
  if (!reader->header_.ParseFromArray(raw.data(), static_cast<int>(raw.size()))) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: offset %u: header frame does not parse", name, header_offset));
  }
  if (reader->header_.format_version() != kFormatVersion) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: offset %u: unknown format version %u (this portrace reads version %u)",
                        name, header_offset, reader->header_.format_version(), kFormatVersion));
  }
  return reader;
}

absl::StatusOr<size_t> TraceReader::ReadFully(char* buffer, size_t size) {
  size_t done = 0;
  while (done < size) {
    PT_ASSIGN_OR_RETURN(const size_t got, source_->Read(buffer + done, size - done));
    if (got == 0) break;
    done += got;
  }
  return done;
}

char* TraceReader::Buffer::Reserve(size_t size, size_t keep) {
  if (size > capacity) {
    const size_t grown = std::max(size, capacity * 2);
    std::unique_ptr<char[]> larger(new char[grown]);
    if (keep > 0) std::memcpy(larger.get(), bytes.get(), keep);
    bytes = std::move(larger);
    capacity = grown;
  }
  return bytes.get();
}

absl::StatusOr<bool> TraceReader::ReadFrame(FrameKind* kind, absl::string_view* raw) {
  const std::string& name = source_->name();
  const uint64_t start = offset_;
  char prefix[kFrameHeaderSize];
  PT_ASSIGN_OR_RETURN(const size_t got, ReadFully(prefix, sizeof prefix));
  if (got == 0) return false;
  if (got < sizeof prefix) {
    return absl::DataLossError(
        absl::StrFormat("%s: offset %u: truncated frame header (%u of %u bytes)", name, start, got,
                        kFrameHeaderSize));
  }
  if (GetU32(prefix) != kFrameMagic) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: offset %u: bad frame magic 0x%08x (expected 0x%08x)", name, start,
                        GetU32(prefix), kFrameMagic));
  }
  const uint8_t kind_byte = static_cast<uint8_t>(prefix[4]);
  const uint8_t codec = static_cast<uint8_t>(prefix[5]);
  const uint32_t stored_size = GetU32(prefix + 8);
  const uint32_t raw_size = GetU32(prefix + 12);
  const uint32_t crc = GetU32(prefix + 16);
  if (kind_byte != static_cast<uint8_t>(FrameKind::kHeader) &&
      kind_byte != static_cast<uint8_t>(FrameKind::kEvents)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: offset %u: unknown frame kind %u", name, start, kind_byte));
  }
  if (codec != static_cast<uint8_t>(Codec::kNone) && codec != static_cast<uint8_t>(Codec::kZstd)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: offset %u: unknown frame codec %u", name, start, codec));
  }
  if (prefix[6] != 0 || prefix[7] != 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: offset %u: reserved frame bytes are not zero", name, start));
  }
  if (stored_size > kMaxFrameSize || raw_size > kMaxFrameSize) {
    return absl::DataLossError(absl::StrFormat(
        "%s: offset %u: frame length %u (raw %u) exceeds the limit of %u bytes; corrupt length?",
        name, start, stored_size, raw_size, kMaxFrameSize));
  }
  if (codec == static_cast<uint8_t>(Codec::kNone) && stored_size != raw_size) {
    return absl::DataLossError(
        absl::StrFormat("%s: offset %u: uncompressed frame with stored size %u but raw size %u",
                        name, start, stored_size, raw_size));
  }
  // Grow the buffer as bytes actually arrive, so a lying length on a short input costs at most
  // what the input holds (plus a step).
  size_t have = 0;
  while (have < stored_size) {
    const size_t step = std::min<size_t>(stored_size - have, 1u << 20);
    char* buffer = stored_.Reserve(have + step, have);
    PT_ASSIGN_OR_RETURN(const size_t n, ReadFully(buffer + have, step));
    have += n;
    if (n < step) {
      return absl::DataLossError(absl::StrFormat("%s: offset %u: truncated frame (%u of %u bytes)",
                                                 name, start, have, stored_size));
    }
  }
  const absl::string_view stored(stored_.bytes.get(), stored_size);
  if (Crc32(stored) != crc) {
    return absl::DataLossError(
        absl::StrFormat("%s: offset %u: frame checksum mismatch", name, start));
  }
  if (codec == static_cast<uint8_t>(Codec::kZstd)) {
    const unsigned long long content = ZSTD_getFrameContentSize(stored.data(), stored.size());
    if (content != raw_size) {
      return absl::DataLossError(
          absl::StrFormat("%s: offset %u: compressed frame declares %u bytes, the frame header %u",
                          name, start, content, raw_size));
    }
    char* out = raw_.Reserve(raw_size, 0);
    const size_t n = ZSTD_decompress(out, raw_size, stored.data(), stored.size());
    if (ZSTD_isError(n) || n != raw_size) {
      return absl::DataLossError(absl::StrFormat("%s: offset %u: frame does not decompress (%s)",
                                                 name, start,
                                                 ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short"));
    }
    *raw = absl::string_view(out, raw_size);
  } else {
    *raw = stored;
  }
  offset_ = start + kFrameHeaderSize + stored_size;
  *kind = static_cast<FrameKind>(kind_byte);
  return true;
}

absl::Status TraceReader::Fail(absl::Status status) {
  failed_ = status;
  return status;
}

absl::StatusOr<bool> TraceReader::Next(EventBatch* batch) {
  batch->Clear();
  if (!failed_.ok()) return failed_;
  while (true) {
    const uint64_t start = offset_;
    FrameKind kind;
    absl::string_view raw;
    absl::StatusOr<bool> have = ReadFrame(&kind, &raw);
    if (!have.ok()) return Fail(have.status());
    if (!*have) return false;
    const std::string& name = source_->name();
    if (kind != FrameKind::kEvents) {
      return Fail(absl::InvalidArgumentError(
          absl::StrFormat("%s: offset %u: a second header frame", name, start)));
    }
    if (!batch->ParseFromArray(raw.data(), static_cast<int>(raw.size()))) {
      return Fail(absl::InvalidArgumentError(
          absl::StrFormat("%s: offset %u: event batch does not parse", name, start)));
    }
    if (absl::Status valid = ValidateBatch(*batch); !valid.ok()) {
      return Fail(absl::InvalidArgumentError(
          absl::StrFormat("%s: offset %u: %s", name, start, valid.message())));
    }
    if (batch->op_size() > 0) return true;
  }
}

}  // namespace portrace::trace
