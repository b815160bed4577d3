#include "fuzz/pcap_reader_fuzz_lib.h"

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "devices/nic/pcap_reader.h"
#include "devices/nic/pcap_writer.h"
#include "trace/byte_source.h"

namespace portrace::fuzz {
namespace {

void Check(bool invariant) {
  if (!invariant) __builtin_trap();
}

// Reads every record until the end or the first error, which it returns.
absl::Status ReadAll(const std::string& bytes, std::vector<devices::PcapRecord>* records) {
  absl::StatusOr<std::unique_ptr<devices::PcapReader>> reader =
      devices::PcapReader::Open(trace::MakeStringSource(bytes, "fuzz.pcap", 13));
  if (!reader.ok()) return reader.status();
  Check((*reader)->snap_length() <= devices::PcapReader::kMaxSnapLength);
  uint64_t last_end = 24;
  while (true) {
    devices::PcapRecord record;
    absl::StatusOr<bool> more = (*reader)->Next(&record);
    if (!more.ok()) {
      Check((*reader)->Next(&record).status() == more.status());
      return more.status();
    }
    if (!*more) return absl::OkStatus();
    Check(record.frame.size() <= devices::PcapReader::kMaxSnapLength);
    Check(record.offset == last_end);
    last_end = record.offset + 16 + record.frame.size();
    Check(last_end <= bytes.size());
    records->push_back(std::move(record));
  }
}

}  // namespace

int FuzzPcapReader(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  std::vector<devices::PcapRecord> records;
  const absl::Status status = ReadAll(bytes, &records);
  if (!status.ok()) {
    Check(absl::IsInvalidArgument(status) || absl::IsDataLoss(status));
    Check(absl::StrContains(status.message(), "fuzz.pcap: offset "));
  }
  // What the writer makes of the records reads back the same.
  std::ostringstream out;
  devices::PcapWriter writer(&out);
  std::vector<const devices::PcapRecord*> written;
  for (const devices::PcapRecord& record : records) {
    if (record.frame.size() > devices::PcapWriter::kSnapLength) continue;
    // The writer's seconds are 32-bit.
    if (record.t_ns / 1000000000 > 0xffffffffu) continue;
    Check(writer
              .AddFrame(record.t_ns,
                        absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(record.frame.data()),
                                            record.frame.size()))
              .ok());
    written.push_back(&record);
  }
  std::vector<devices::PcapRecord> again;
  Check(ReadAll(out.str(), &again).ok());
  Check(again.size() == written.size());
  for (size_t i = 0; i < again.size(); ++i) {
    Check(again[i].frame == written[i]->frame);
    Check(again[i].t_ns == written[i]->t_ns / 1000 * 1000);
  }
  return 0;
}

}  // namespace portrace::fuzz
