// libFuzzer entry point for the kvm_pio importer (see kvm_pio_fuzz_lib.h).
#include <cstddef>
#include <cstdint>

#include "fuzz/kvm_pio_fuzz_lib.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return portrace::fuzz::FuzzKvmPioImporter(data, size);
}
