// libFuzzer entry point for the pcap reader (see pcap_reader_fuzz_lib.h).
#include <cstddef>
#include <cstdint>

#include "fuzz/pcap_reader_fuzz_lib.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return portrace::fuzz::FuzzPcapReader(data, size);
}
