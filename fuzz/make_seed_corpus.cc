// Writes the seed corpus of //fuzz:trace_reader_fuzz: a few small canonical traces covering every
// event kind, both codecs and several batches, plus one cut short. Run once by hand:
//   bazel run //fuzz:make_seed_corpus -- "$PWD/testdata/fuzz/trace_reader"
// The output is deterministic, so re-running it leaves the checked-in files unchanged.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "trace/byte_source.h"
#include "trace/event.h"
#include "trace/qtest_script.h"
#include "trace/trace_file.h"

namespace portrace::fuzz {
namespace {

using trace::BatchBuilder;
using trace::EventBatch;

EventBatch EveryKind() {
  EventBatch batch;
  BatchBuilder b(&batch);
  b.PortRead(0x60, 1);
  b.PortReadRecorded(0x71, 1, 0x26);
  b.PortWrite(0xcf8, 4, 0x80000920);
  b.PortWrite(0x3f4, 2, 0x500);
  b.Annotate("qtest", "outw 0x3f4 0x0500");
  b.MmioRead(0xfee00000, 4);
  b.MmioReadRecorded(0xfee00030, 8, 0x50014);
  b.MmioWrite(0xe0001020, 8, 0xefefff5ecafe0000);
  b.MemoryWrite(0x2103, 4, "\x4e");
  b.MemoryWrite(0x300, 5, "hello", trace::FLAG_BASE64);
  b.MemoryFill(0x1000, 16, 0xaa);
  b.MemoryRead(0x2000, 8);
  b.MemoryRead(0x2000, 8, trace::FLAG_BASE64);
  b.MemoryReadRecorded(0x3000, "abc");
  b.TimeAdvance(100);
  b.TimeAdvanceToDeadline();
  b.TimeSet(5000);
  b.Marker("resume");
  b.Marker("endianness", trace::FLAG_QTEST);
  b.NicReceive(1, std::string("\xff\xff\xff\xff\xff\xff\x52\x54\x00\xaa\xbb\xcc\x08\x06", 14));
  return batch;
}

// A reproducer in qtest form, read in batches of four events.
std::vector<EventBatch> ReproducerBatches() {
  std::unique_ptr<trace::QtestScriptReader> reader =
      trace::QtestScriptReader::Create(trace::MakeStringSource("outl 0xcf8 0x80000920\n"
                                                               "outl 0xcfc 0xc001\n"
                                                               "outl 0xcf8 0x80000904\n"
                                                               "outw 0xcfc 0x7\n"
                                                               "outb 0x1f7 0xc8\n"
                                                               "outw 0x3f6 0xe784\n"
                                                               "outw 0x3f6 0xeb01\n"
                                                               "outb 0xc005 0x21\n"
                                                               "write 0x2103 0x1 0x4e\n"
                                                               "outb 0xc000 0x1b\n"
                                                               "outw 0x1f7 0xff35\n"),
                                       4);
  std::vector<EventBatch> batches;
  EventBatch batch;
  while (*reader->Next(&batch)) batches.push_back(batch);
  return batches;
}

std::string Trace(const std::vector<EventBatch>& batches, trace::Codec codec, bool with_metadata) {
  trace::TraceHeader header;
  header.set_producer("make_seed_corpus");
  if (with_metadata) {
    header.set_machine("pc");
    trace::KeyValue* kv = header.add_metadata();
    kv->set_key("command");
    kv->set_value("qemu-system-i386 -M pc -qtest stdio");
  }
  std::string out;
  trace::StringSink sink(&out);
  trace::TraceWriterOptions options;
  options.codec = codec;
  auto writer = trace::TraceWriter::Create(&sink, header, options);
  for (const EventBatch& batch : batches) {
    if (!(*writer)->WriteBatch(batch).ok()) std::abort();
  }
  return out;
}

bool WriteFile(const std::string& path, const std::string& bytes) {
  FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return false;
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  return std::fclose(file) == 0 && ok;
}

int Main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_seed_corpus OUTPUT_DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  const std::string every_kind = Trace({EveryKind()}, trace::Codec::kNone, false);
  const struct {
    const char* name;
    std::string bytes;
  } files[] = {
      {"header_only.trace", Trace({}, trace::Codec::kNone, true)},
      {"every_kind.trace", every_kind},
      {"every_kind_zstd.trace", Trace({EveryKind()}, trace::Codec::kZstd, true)},
      {"ide_reproducer_batches.trace", Trace(ReproducerBatches(), trace::Codec::kZstd, false)},
      {"truncated.trace", every_kind.substr(0, every_kind.size() - 7)},
  };
  for (const auto& file : files) {
    const std::string path = dir + "/" + file.name;
    if (!WriteFile(path, file.bytes)) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace
}  // namespace portrace::fuzz

int main(int argc, char** argv) { return portrace::fuzz::Main(argc, argv); }
