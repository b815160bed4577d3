// libFuzzer entry point for the QEMU trace-log importer (see qemu_trace_fuzz_lib.h).
#include <cstddef>
#include <cstdint>

#include "fuzz/qemu_trace_fuzz_lib.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return portrace::fuzz::FuzzQemuTrace(data, size);
}
