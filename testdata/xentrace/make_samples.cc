// Writes the xentrace samples (samples.h) and the xentrace fuzz seeds, truncated and garbled
// variants included:
//   bazel run //testdata/xentrace:make_samples -- "$PWD/testdata/xentrace"
//   "$PWD/testdata/fuzz/xentrace"
#include <cstdio>
#include <string>

#include "testdata/xentrace/samples.h"
#include "testdata/xentrace/xentrace_writer.h"

namespace {

bool WriteFile(const std::string& path, const std::string& bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    std::fprintf(stderr, "%s: cannot create\n", path.c_str());
    return false;
  }
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

// The 64-bit forms of the IOPORT records and a window of zero bytes.
std::string WideRecords() {
  using namespace portrace::testdata;
  XentraceWriter w;
  w.Window(3);
  w.Window(2);
  w.Record(kTrcHvmIoportWrite | kTrc64Flag, {0x3f8, 0, 0x41});    // older: u32 data
  w.Record(kTrcHvmIoportRead | kTrc64Flag, {0x3fd, 0, 0x60, 0});  // newer: u64 data
  w.Record(kTrcHvmIoportWrite | kTrc64Flag, {0x1f0, 0});          // rep outsw
  w.Record(0x00082017, {0xfee00000, 0x0});                        // IOMEM_READ: skipped
  return w.bytes();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s SAMPLE_DIR FUZZ_SEED_DIR\n", argv[0]);
    return 2;
  }
  const std::string samples = argv[1];
  const std::string seeds = argv[2];
  const std::string boot = portrace::testdata::HvmBootSample();
  const std::string xen3 = portrace::testdata::Xen3IoSample();
  std::string bad_window = boot;
  bad_window[8] = 0x03;  // a window size that is not a whole number of u32s
  std::string garbled = boot;
  for (size_t i = 40; i < 56 && i < garbled.size(); ++i) garbled[i] = static_cast<char>(0xa5);
  const bool ok =
      WriteFile(samples + "/hvm-boot.xentrace", boot) &&
      WriteFile(samples + "/xen3-io.xentrace", xen3) &&
      WriteFile(seeds + "/hvm-boot.xentrace", boot) &&
      WriteFile(seeds + "/xen3-io.xentrace", xen3) &&
      WriteFile(seeds + "/wide-records.xentrace", WideRecords()) &&
      WriteFile(seeds + "/truncated-record.xentrace", boot.substr(0, boot.size() - 3)) &&
      WriteFile(seeds + "/truncated-window.xentrace", boot.substr(0, 44)) &&
      WriteFile(seeds + "/bad-window-size.xentrace", bad_window) &&
      WriteFile(seeds + "/garbled.xentrace", garbled);
  return ok ? 0 : 1;
}
