#include "devices/nic/pcap_reader.h"

#include <utility>

#include "absl/strings/str_format.h"
#include "base/status_macros.h"

namespace portrace::devices {
namespace {

constexpr size_t kFileHeaderSize = 24;
constexpr size_t kRecordHeaderSize = 16;
constexpr uint32_t kMagicMicro = 0xa1b2c3d4;
constexpr uint32_t kMagicNano = 0xa1b23c4d;
constexpr uint32_t kPcapngMagic = 0x0a0d0d0a;

uint32_t Swap32(uint32_t v) {
  return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

uint32_t Le32(const unsigned char* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PcapReader>> PcapReader::Open(
    std::unique_ptr<trace::ByteSource> source) {
  std::unique_ptr<PcapReader> reader(new PcapReader(std::move(source)));
  PT_RETURN_IF_ERROR(reader->ReadHeader());
  return reader;
}

uint32_t PcapReader::Field(const unsigned char* p) const {
  const uint32_t v = Le32(p);
  return swapped_ ? Swap32(v) : v;
}

absl::Status PcapReader::Fail(absl::Status status) {
  failed_ = status;
  return status;
}

absl::StatusOr<size_t> PcapReader::ReadUpTo(char* buffer, size_t size) {
  size_t got = 0;
  while (got < size) {
    PT_ASSIGN_OR_RETURN(const size_t n, source_->Read(buffer + got, size - got));
    if (n == 0) break;
    got += n;
  }
  offset_ += got;
  return got;
}

absl::Status PcapReader::ReadHeader() {
  unsigned char header[kFileHeaderSize];
  PT_ASSIGN_OR_RETURN(const size_t got, ReadUpTo(reinterpret_cast<char*>(header), kFileHeaderSize));
  const uint32_t magic = got >= 4 ? Le32(header) : 0;
  if (got >= 4) {
    if (magic == kMagicMicro || magic == kMagicNano) {
      nanosecond_ = magic == kMagicNano;
    } else if (Swap32(magic) == kMagicMicro || Swap32(magic) == kMagicNano) {
      swapped_ = true;
      nanosecond_ = Swap32(magic) == kMagicNano;
    } else if (magic == kPcapngMagic) {
      return Fail(absl::InvalidArgumentError(absl::StrFormat(
          "%s: offset 0: a pcapng file; only classic pcap is read (editcap -F pcap converts it)",
          name())));
    } else {
      return Fail(absl::InvalidArgumentError(
          absl::StrFormat("%s: offset 0: not a pcap file (magic 0x%08x)", name(), magic)));
    }
  }
  if (got < kFileHeaderSize) {
    return Fail(absl::DataLossError(
        absl::StrFormat("%s: offset 0: truncated pcap file header (%u of %u bytes)", name(), got,
                        kFileHeaderSize)));
  }
  const auto u16 = [this](const unsigned char* p) {
    return swapped_ ? (p[0] << 8 | p[1]) : (p[0] | p[1] << 8);
  };
  const int major = u16(header + 4);
  if (major != 2) {
    return Fail(absl::InvalidArgumentError(absl::StrFormat(
        "%s: offset 4: pcap version %d.%d, expected 2.x", name(), major, u16(header + 6))));
  }
  snap_length_ = Field(header + 16);
  if (snap_length_ > kMaxSnapLength) {
    return Fail(absl::InvalidArgumentError(
        absl::StrFormat("%s: offset 16: snap length %u above the limit of %u bytes", name(),
                        snap_length_, kMaxSnapLength)));
  }
  link_type_ = Field(header + 20);
  return absl::OkStatus();
}

absl::StatusOr<bool> PcapReader::Next(PcapRecord* record) {
  if (!failed_.ok()) return failed_;
  unsigned char header[kRecordHeaderSize];
  const uint64_t at = offset_;
  PT_ASSIGN_OR_RETURN(const size_t got,
                      ReadUpTo(reinterpret_cast<char*>(header), kRecordHeaderSize));
  if (got == 0) return false;
  if (got < kRecordHeaderSize) {
    return Fail(absl::DataLossError(
        absl::StrFormat("%s: offset %u: truncated pcap record header (%u of %u bytes)", name(), at,
                        got, kRecordHeaderSize)));
  }
  const uint32_t seconds = Field(header);
  const uint32_t fraction = Field(header + 4);
  const uint32_t captured = Field(header + 8);
  if (captured > kMaxSnapLength) {
    return Fail(absl::InvalidArgumentError(
        absl::StrFormat("%s: offset %u: captured length %u above the limit of %u bytes", name(),
                        at + 8, captured, kMaxSnapLength)));
  }
  record->offset = at;
  record->t_ns = uint64_t{seconds} * 1000000000 + uint64_t{fraction} * (nanosecond_ ? 1 : 1000);
  record->original_length = Field(header + 12);
  record->frame.resize(captured);
  PT_ASSIGN_OR_RETURN(const size_t data, ReadUpTo(record->frame.data(), captured));
  if (data < captured) {
    return Fail(absl::DataLossError(absl::StrFormat(
        "%s: offset %u: pcap record of %u bytes truncated after %u", name(), at, captured, data)));
  }
  return true;
}

}  // namespace portrace::devices
