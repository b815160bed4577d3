// The pcap reader (devices/nic/pcap_reader.h, the input of `convert --rx-pcap`) under fuzzing:
// any bytes must give records or a clean error, within its bounds. The entry point lives in a
// library so that the libFuzzer binary and the plain regression test share it.
#ifndef PORTRACE_FUZZ_PCAP_READER_FUZZ_LIB_H_
#define PORTRACE_FUZZ_PCAP_READER_FUZZ_LIB_H_

#include <cstddef>
#include <cstdint>

namespace portrace::fuzz {

// Reads `data` as a pcap file (in short reads, so buffer boundaries are exercised). Every record
// must be within the snap-length bound, at increasing offsets inside the input; an error must be
// InvalidArgument or DataLoss naming an offset, and stay; records of up to 65535 bytes must
// survive PcapWriter and the reader again (times to the microsecond). Traps when an invariant
// breaks; returns 0 otherwise.
int FuzzPcapReader(const uint8_t* data, size_t size);

}  // namespace portrace::fuzz

#endif  // PORTRACE_FUZZ_PCAP_READER_FUZZ_LIB_H_
