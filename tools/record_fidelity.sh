#!/bin/sh
# Records QEMU's replies for the fidelity scripts in testdata/fidelity: for each NAME.qtest,
# runs its requests (blank and comment lines dropped) through qemu-system-x86_64 with the
# arguments of its "# qemu-args:" line and writes NAME.replies, one reply per request. Run by
# hand after adding or changing a script; the suite compares portrace with these files, and with
# QEMU itself when it is installed.
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
  grep -v '^#' "$script" | grep -v '^$' > "$tmp/requests" || true
  want=$(wc -l < "$tmp/requests")
  # QEMU keeps running after its qtest input ends (libqtest kills it), so wait for the replies.
  # shellcheck disable=SC2086
  "$qemu" -S $args -display none -qtest stdio -qtest-log /dev/null \
    < "$tmp/requests" > "$tmp/replies" 2>/dev/null &
  pid=$!
  waited=0
  while [ "$(wc -l < "$tmp/replies")" -lt "$want" ] && kill -0 "$pid" 2>/dev/null && [ $waited -lt 600 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  got=$(wc -l < "$tmp/replies")
  [ "$got" -eq "$want" ] || { echo "record_fidelity: $script: $got replies for $want requests" >&2; exit 1; }
  cp "$tmp/replies" "${script%.qtest}.replies"
  echo "$script: $got replies"
done
