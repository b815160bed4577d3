// libFuzzer entry point for the xentrace importer (see xentrace_fuzz_lib.h).
#include <cstddef>
#include <cstdint>

#include "fuzz/xentrace_fuzz_lib.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return portrace::fuzz::FuzzXentraceImporter(data, size);
}
