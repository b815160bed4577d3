#!/bin/bash
# Records QEMU's replies for the fidelity scripts in testdata/fidelity: for each NAME.qtest,
# runs its requests (blank and comment lines dropped) through qemu-system-x86_64 with the
# arguments of its "# qemu-args:" line and writes NAME.replies, one reply per request. Run by
# hand after adding or changing a script; the suite compares portrace with these files, and with
# QEMU itself when it is installed.
#
# Requests go one at a time, each after the previous reply plus a short pause, so that QEMU's
# main loop finishes what a request started (IDE block I/O, DMA and SRST complete from bottom
# halves and the thread pool); sim/qtest_fidelity_test.cc drives live QEMU the same way.
#   tools/record_fidelity.sh [testdata/fidelity/NAME.qtest ...]
set -eu
cd "$(dirname "$0")/.."
qemu=${PORTRACE_QEMU:-qemu-system-x86_64}
command -v "$qemu" >/dev/null || { echo "record_fidelity: $qemu not found (apt-get install qemu-system-x86)" >&2; exit 2; }
[ $# -gt 0 ] || set -- testdata/fidelity/*.qtest
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for script in "$@"; do
  args=$(sed -n 's/^# qemu-args: *//p' "$script" | head -n 1)
  [ -n "$args" ] || { echo "record_fidelity: $script has no '# qemu-args:' line" >&2; exit 2; }
  # nic_rx is portrace's own qtest extension: QEMU does not know it, so no fidelity script uses it.
  if grep -q '^nic_rx' "$script"; then
    echo "record_fidelity: $script uses nic_rx, a portrace extension QEMU does not know" >&2; exit 2
  fi
  grep -v '^#' "$script" | grep -v '^$' > "$tmp/requests" || true
  want=$(wc -l < "$tmp/requests")
  : > "$tmp/replies"
  # shellcheck disable=SC2086
  coproc QEMU { exec "$qemu" -S $args -display none -qtest stdio -qtest-log /dev/null 2>/dev/null; }
  while IFS= read -r request; do
    printf '%s\n' "$request" >&"${QEMU[1]}"
    IFS= read -r -t 20 reply <&"${QEMU[0]}" || break
    printf '%s\n' "$reply" >> "$tmp/replies"
    case $request in out*) sleep 0.006 ;; *) sleep 0.002 ;; esac
  done < "$tmp/requests"
  kill "$QEMU_PID" 2>/dev/null || true
  wait "$QEMU_PID" 2>/dev/null || true
  got=$(wc -l < "$tmp/replies")
  [ "$got" -eq "$want" ] || { echo "record_fidelity: $script: $got replies for $want requests" >&2; exit 1; }
  cp "$tmp/replies" "${script%.qtest}.replies"
  echo "$script: $got replies"
done
