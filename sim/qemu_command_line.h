// QEMU command lines as machine options: `portrace ... --qemu-args="-machine pc -drive ... -nic
// user,model=ne2k_pci -boot order=c"` builds the machine a capture was recorded on from the very
// options QEMU was given (formats.md records them with each capture), and the fidelity suite runs
// QEMU and portrace from one `# qemu-args:` line.
//
// Words are separated by blanks; there is no quoting (a value cannot hold a blank). Understood:
//   -machine/-M pc|pc-i440fx-*[,accel=...]   the pc profile (other machine types are refused)
//   -nodefaults                               no default devices (otherwise as QEMU: serial,
//                                             parallel, floppy in CMOS, CD-ROM at index 2, VGA)
//   -drive OPTS, -hda/-hdb/-hdc/-hdd FILE, -cdrom FILE, -snapshot
//   -nic OPTS, -net nic,OPTS (-net user/none and -nic none add nothing), -device ne2k_pci|
//     ne2k_isa|rtl8139[,mac=...] (other -device types are refused)
//   -boot order=DEVICES[,...] or -boot DEVICES;  -m SIZE (MiB, or with a K/M/G suffix, or size=)
//   -serial/-parallel BACKEND (none removes the port);  -vga std|none;  -nographic (a serial port)
//   -rtc base=YYYY-MM-DDTHH:MM:SS[,...] (base=utc/localtime and other keys are ignored)
// Accepted and ignored, as they change no device a guest reaches by port I/O: -S, -display,
// -monitor, -accel, -enable-kvm, -cpu, -name, -trace, -D, -d, -qtest, -qtest-log, -no-reboot,
// -no-shutdown, -bios, -L, -chardev, -netdev (the -device naming it is what counts), -smp 1.
// Anything else is InvalidArgument naming the word, so a capture's machine is never silently
// different from what the command line says.
#ifndef PORTRACE_SIM_QEMU_COMMAND_LINE_H_
#define PORTRACE_SIM_QEMU_COMMAND_LINE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "sim/machine.h"

namespace portrace::sim {

// Applies `args` (the options after the program name) to `options`, which keeps what the command
// line does not set; the machine is pc, qemu-system-x86_64's default. `notes` (may be null) receives one line per thing QEMU would have that
// portrace does not model (the e1000 QEMU adds without -nodefaults and without a NIC).
absl::Status ApplyQemuCommandLine(absl::string_view args, MachineOptions* options,
                                  std::vector<std::string>* notes = nullptr);

}  // namespace portrace::sim

#endif  // PORTRACE_SIM_QEMU_COMMAND_LINE_H_
