// The QEMU trace-log importer under fuzzing: any bytes (text, xz, garbage) must give well-formed
// batches or one clean error naming the input, and the events, with the region each access gets
// from the run-length "region" annotations, must not depend on where batches end. The entry
// point lives in a library so that the libFuzzer binary and the plain regression test share it.
#ifndef PORTRACE_FUZZ_QEMU_TRACE_FUZZ_LIB_H_
#define PORTRACE_FUZZ_QEMU_TRACE_FUZZ_LIB_H_

#include <cstddef>
#include <cstdint>

namespace portrace::fuzz {

// Sniffs `data` and reads it as a QEMU trace log twice, in batches of 5 events and of the
// default size. Every batch must pass ValidateBatch and hold at most one event past its limit;
// an error must be InvalidArgument, DataLoss or ResourceExhausted, name the input on one line
// and repeat on the next call; both reads must give the same events, regions and error. Traps
// when an invariant breaks; returns 0 otherwise.
int FuzzQemuTrace(const uint8_t* data, size_t size);

}  // namespace portrace::fuzz

#endif  // PORTRACE_FUZZ_QEMU_TRACE_FUZZ_LIB_H_
