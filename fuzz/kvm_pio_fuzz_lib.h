// The kvm_pio importer under fuzzing: any bytes must give well-formed batches or one clean error
// naming the line, however the input arrives. The entry point lives in a library so that the
// libFuzzer binary and the plain regression test share it.
#ifndef PORTRACE_FUZZ_KVM_PIO_FUZZ_LIB_H_
#define PORTRACE_FUZZ_KVM_PIO_FUZZ_LIB_H_

#include <cstddef>
#include <cstdint>

namespace portrace::fuzz {

// Reads `data` through the kvm_pio importer until the end or the first error. Checks that every
// batch is well formed, non-empty and at most 4096 events (a huge count must not make a huge
// batch); that an error is InvalidArgument "fuzz.txt:<line>: ..." on one line and stays; that
// reading the input in small chunks gives the same batches and error; and that the batches
// survive TraceWriter -> TraceReader unchanged. Traps when an invariant breaks; returns 0.
int FuzzKvmPioImporter(const uint8_t* data, size_t size);

}  // namespace portrace::fuzz

#endif  // PORTRACE_FUZZ_KVM_PIO_FUZZ_LIB_H_
