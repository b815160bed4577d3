// Writes the platform rule traces that qtest scripts cannot express — string I/O and long log
// floods — as canonical traces into testdata/platform/rules. Run by hand:
//   bazel run //tools:make_platform_traces -- $PWD/testdata/platform/rules
// The output is deterministic; the traces are committed.
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "trace/byte_source.h"
#include "trace/event.h"
#include "trace/trace_file.h"

namespace {

using portrace::trace::BatchBuilder;
using portrace::trace::EventBatch;

int Write(const std::string& path, const std::string& machine,
          const std::function<void(BatchBuilder&)>& fill) {
  auto sink = portrace::trace::OpenFileSink(path);
  if (!sink.ok()) {
    std::fprintf(stderr, "%s\n", std::string(sink.status().message()).c_str());
    return 1;
  }
  portrace::trace::TraceHeader header;
  header.set_producer("tools/make_platform_traces");
  header.set_machine(machine);
  auto writer = portrace::trace::TraceWriter::Create(sink->get(), header);
  if (!writer.ok()) return 1;
  EventBatch batch;
  BatchBuilder builder(&batch);
  fill(builder);
  // Batches of 16384 events, as the writer would make them.
  EventBatch chunk;
  BatchBuilder chunk_builder(&chunk);
  portrace::trace::BatchCursor cursor(batch);
  while (!cursor.Done()) {
    const auto e = cursor.Next();
    if (e.kind == portrace::trace::PORT_WRITE)
      chunk_builder.PortWrite(e.address, e.width, e.value, e.flags);
    if (e.kind == portrace::trace::PORT_READ) chunk_builder.PortRead(e.address, e.width, e.flags);
    if (e.kind == portrace::trace::TIME_ADVANCE) chunk_builder.TimeAdvance(e.value);
    if (chunk.op_size() == 16384) {
      if (!(*writer)->WriteBatch(chunk).ok()) return 1;
      chunk.Clear();
    }
  }
  if (!(*writer)->WriteBatch(chunk).ok() || !(*writer)->Finish().ok()) return 1;
  std::printf("%s\n", path.c_str());
  return 0;
}

// The magic read, then `lines` log lines of 99 bytes, `gap_ns` apart.
void LogFlood(BatchBuilder& b, int lines, uint64_t gap_ns) {
  b.PortRead(0x10, 2);
  for (int line = 0; line < lines; ++line) {
    if (gap_ns > 0) b.TimeAdvance(gap_ns);
    for (int i = 0; i < 99; ++i) b.PortWrite(0x12, 1, 'a' + line % 26);
    b.PortWrite(0x12, 1, '\n');
  }
}

void Handshake(BatchBuilder& b, bool string_build) {
  b.PortRead(0x10, 2);
  b.PortRead(0x12, 1);
  b.PortWrite(0x12, 2, 0x1);
  if (string_build) {
    // REP OUTSL of two dwords to 0x10: the build number written twice.
    b.PortWrite(0x10, 4, 0x1, portrace::trace::FLAG_STRING_IO);
    b.PortWrite(0x10, 4, 0x1, portrace::trace::FLAG_STRING_IO);
  } else {
    b.PortWrite(0x10, 4, 0x1);
  }
  b.PortRead(0x10, 2);
  b.PortWrite(0x10, 2, 0x3);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_platform_traces DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  int failed = 0;
  failed |= Write(dir + "/log-throttled.trace", "xen-trad",
                  [](BatchBuilder& b) { LogFlood(b, 1400, 0); });
  // Half a second between lines: the bucket (256 B/s) keeps up with 100 bytes a line.
  failed |= Write(dir + "/log-throttled-near-miss.trace", "xen-trad",
                  [](BatchBuilder& b) { LogFlood(b, 1400, 500000000); });
  failed |=
      Write(dir + "/string-io.trace", "xen-trad", [](BatchBuilder& b) { Handshake(b, true); });
  failed |= Write(dir + "/string-io-near-miss.trace", "xen-trad", [](BatchBuilder& b) {
    Handshake(b, false);
    // win-xenbus logs a whole line with one REP OUTSB to 0x12: legal.
    for (char c : std::string("XEN|UNPLUG: NICS\n")) {
      b.PortWrite(0x12, 1, static_cast<uint8_t>(c), portrace::trace::FLAG_STRING_IO);
    }
  });
  return failed;
}
