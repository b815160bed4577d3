// libFuzzer entry point for the canonical trace reader (see trace_reader_fuzz_lib.h).
#include <cstddef>
#include <cstdint>

#include "fuzz/trace_reader_fuzz_lib.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return portrace::fuzz::FuzzTraceReader(data, size);
}
