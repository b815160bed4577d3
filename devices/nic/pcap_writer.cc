#include "devices/nic/pcap_writer.h"

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace portrace::devices {
namespace {

void PutLe32(std::ostream* out, uint32_t v) {
  const char bytes[4] = {static_cast<char>(v), static_cast<char>(v >> 8),
                         static_cast<char>(v >> 16), static_cast<char>(v >> 24)};
  out->write(bytes, 4);
}

void PutLe16(std::ostream* out, uint16_t v) {
  const char bytes[2] = {static_cast<char>(v), static_cast<char>(v >> 8)};
  out->write(bytes, 2);
}

bool IsHex(const std::string& text) {
  return text.size() % 2 == 0 &&
         std::all_of(text.begin(), text.end(), [](char c) { return absl::ascii_isxdigit(c); });
}

}  // namespace

PcapWriter::PcapWriter(std::ostream* out) : out_(out) {
  PutLe32(out_, 0xa1b2c3d4);  // magic: microsecond timestamps
  PutLe16(out_, 2);           // version 2.4
  PutLe16(out_, 4);
  PutLe32(out_, 0);  // thiszone
  PutLe32(out_, 0);  // sigfigs
  PutLe32(out_, kSnapLength);
  PutLe32(out_, 1);  // LINKTYPE_ETHERNET
}

absl::Status PcapWriter::AddFrame(uint64_t t_ns, absl::Span<const uint8_t> frame) {
  const uint64_t us = t_ns / 1000;
  const uint32_t kept = static_cast<uint32_t>(std::min<size_t>(frame.size(), kSnapLength));
  PutLe32(out_, static_cast<uint32_t>(us / 1000000));
  PutLe32(out_, static_cast<uint32_t>(us % 1000000));
  PutLe32(out_, kept);
  PutLe32(out_, static_cast<uint32_t>(std::min<size_t>(frame.size(), UINT32_MAX)));
  out_->write(reinterpret_cast<const char*>(frame.data()), kept);
  if (!out_->good()) return absl::DataLossError("pcap: writing the capture failed");
  ++frames_;
  return absl::OkStatus();
}

absl::StatusOr<bool> PcapWriter::AddDeviceEvent(uint64_t t_ns, const sim::DeviceEvent& event) {
  if (event.kind != "tx") return false;
  if (!IsHex(event.text)) {
    return absl::InvalidArgumentError(
        absl::StrCat("pcap: ", event.device, " tx event text is not a hex frame"));
  }
  const std::string bytes = absl::HexStringToBytes(event.text);
  absl::Status status = AddFrame(
      t_ns, absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  if (!status.ok()) return status;
  return true;
}

}  // namespace portrace::devices
