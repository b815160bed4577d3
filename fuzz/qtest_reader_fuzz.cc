// libFuzzer entry point for the qtest script reader (see qtest_reader_fuzz_lib.h).
#include <cstddef>
#include <cstdint>

#include "fuzz/qtest_reader_fuzz_lib.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return portrace::fuzz::FuzzQtestReader(data, size);
}
