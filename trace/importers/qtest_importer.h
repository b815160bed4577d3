// qtest scripts (QEMU's qtest protocol requests, one per line; formats.md §1) as an importer.
// Sniffed by the first line that is neither blank nor a '#' comment starting with a qtest
// command word.
//
// portrace's dialect adds one command QEMU does not know (trace/qtest_command.h):
//   nic_rx INDEX 0xHEXBYTES
// a frame of 1..65535 bytes (an even number of hex digits, "0x" optional) arriving from the
// network at the machine's NIC INDEX (0..255: the machine's own NIC first, then each --nic in
// order); it becomes a NIC_RECEIVE event and the qtest exporter writes it back the same way
// ("nic_rx 0 0xffffffffffff5254..."). Such a script is for portrace only: fed to QEMU, the line
// gets "FAIL Unknown command 'nic_rx'".
#ifndef PORTRACE_TRACE_IMPORTERS_QTEST_IMPORTER_H_
#define PORTRACE_TRACE_IMPORTERS_QTEST_IMPORTER_H_

#include <memory>

#include "trace/importers/importer.h"

namespace portrace::trace {

std::unique_ptr<Importer> CreateQtestImporter();

}  // namespace portrace::trace

#endif  // PORTRACE_TRACE_IMPORTERS_QTEST_IMPORTER_H_
