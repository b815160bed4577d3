#include "fuzz/trace_reader_fuzz_lib.h"

#include <zlib.h>

#include <string>
#include <vector>

#include "absl/base/internal/endian.h"
#include "google/protobuf/stubs/logging.h"
#include "trace/byte_source.h"
#include "trace/event.h"
#include "trace/qtest_script.h"
#include "trace/trace_file.h"

namespace portrace::fuzz {
namespace {

using trace::EventBatch;

void Check(bool invariant) {
  if (!invariant) __builtin_trap();
}

// Reads all batches of a canonical trace; returns the first error or OK.
absl::Status ReadAll(const std::string& bytes, trace::TraceHeader* header,
                     std::vector<EventBatch>* batches) {
  absl::StatusOr<std::unique_ptr<trace::TraceReader>> reader =
      trace::TraceReader::Open(trace::MakeStringSource(bytes, "fuzz.trace"));
  if (!reader.ok()) return reader.status();
  *header = (*reader)->header();
  EventBatch batch;
  while (true) {
    absl::StatusOr<bool> more = (*reader)->Next(&batch);
    if (!more.ok()) {
      // The source stays failed, with the same error.
      Check((*reader)->Next(&batch).status() == more.status());
      Check(batch.op_size() == 0);
      return more.status();
    }
    if (!*more) {
      Check(batch.op_size() == 0);
      return absl::OkStatus();
    }
    Check(batch.op_size() > 0);
    Check(trace::ValidateBatch(batch).ok());
    batches->push_back(batch);
  }
}

// Rewrites the CRC of every complete frame after the magic to match its stored bytes, so that
// mutations reach the decoding behind the checksum instead of stopping at it.
std::string WithValidChecksums(std::string bytes) {
  size_t offset = trace::kFileMagic.size();
  while (offset + trace::kFrameHeaderSize <= bytes.size()) {
    char* frame = bytes.data() + offset;
    if (absl::little_endian::Load32(frame) != trace::kFrameMagic) break;
    const uint32_t stored = absl::little_endian::Load32(frame + 8);
    if (stored > bytes.size() - offset - trace::kFrameHeaderSize) break;
    const char* body = frame + trace::kFrameHeaderSize;
    const uLong crc = crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(body), stored);
    absl::little_endian::Store32(frame + 16, static_cast<uint32_t>(crc));
    offset += trace::kFrameHeaderSize + stored;
  }
  return bytes;
}

void CheckInput(const std::string& bytes) {
  trace::TraceHeader header;
  std::vector<EventBatch> batches;
  const absl::Status status = ReadAll(bytes, &header, &batches);
  if (!status.ok()) {
    Check(absl::IsInvalidArgument(status) || absl::IsDataLoss(status));
  }
  if (header.format_version() == 0) return;  // Open failed: no header to write back

  // Whatever was read is well formed, so it can be written back, read again and rendered as a
  // qtest script.
  for (trace::Codec codec : {trace::Codec::kNone, trace::Codec::kZstd}) {
    std::string rewritten;
    trace::StringSink sink(&rewritten);
    trace::TraceWriterOptions options;
    options.codec = codec;
    options.zstd_level = 1;
    absl::StatusOr<std::unique_ptr<trace::TraceWriter>> writer =
        trace::TraceWriter::Create(&sink, header, options);
    Check(writer.ok());
    for (const EventBatch& batch : batches) Check((*writer)->WriteBatch(batch).ok());
    Check((*writer)->Finish().ok());
    trace::TraceHeader header_again;
    std::vector<EventBatch> again;
    Check(ReadAll(rewritten, &header_again, &again).ok());
    Check(header_again.SerializeAsString() == header.SerializeAsString());
    Check(again.size() == batches.size());
    for (size_t i = 0; i < again.size(); ++i) {
      Check(again[i].SerializeAsString() == batches[i].SerializeAsString());
    }
  }
  std::string script;
  trace::StringSink script_sink(&script);
  trace::QtestScriptWriter script_writer(&script_sink);
  for (const EventBatch& batch : batches) Check(script_writer.WriteBatch(batch).ok());
}

}  // namespace

int FuzzTraceReader(const uint8_t* data, size_t size) {
  // Protobuf logs every header whose strings are not UTF-8 before refusing it; the refusal is
  // what is under test, the log line only slows the fuzzer down.
  static const bool quiet = [] {
    google::protobuf::SetLogHandler(nullptr);
    return true;
  }();
  (void)quiet;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  CheckInput(bytes);
  const std::string repaired = WithValidChecksums(bytes);
  if (repaired != bytes) CheckInput(repaired);
  return 0;
}

}  // namespace portrace::fuzz
