#!/bin/sh
# Builds the port-access mix the benchmarks in bench/ replay, from the SeaBIOS boot capture in
# ../shared/testdata (a QEMU 7.2 `-trace 'memory_region_ops_*'` log of SeaBIOS booting on `-M pc`).
# Run by hand from anywhere; it writes into testdata/bench/:
#
#   seabios-ports.qtest   every I/O port access of the log, in order, as qtest requests:
#                         `inb|inw|inl 0xPORT` for reads, `outb|outw|outl 0xPORT 0xVALUE` for
#                         writes. MMIO (addresses from 0x10000 up) and sizes other than 1, 2 and 4
#                         are skipped.
#   seabios-regions.txt   the port ranges the capture's MemoryRegions answered, one per line:
#                         `NAME BASE LENGTH` (base in hex, length in decimal), sorted by base,
#                         never overlapping; '#' lines say how each range was derived.
#   seabios-ports.trace   the .qtest converted to a canonical trace (zstd) by
#                         `portrace convert`.
#
#   tools/make_bench_mix.sh [LOG.xz]
#
# Regions are grouped by the log's `mr` pointer as well as its name: QEMU gives several regions
# one name ('ide' is the command block and the control port of each channel, 'vga' three port
# lists, 'pic' master and slave), and merging them by name alone would swallow their neighbours.
# A region's range runs from the lowest port accessed through it to the highest access's last
# byte. A port belongs to the region whose accesses start there (first seen wins, reported in a
# comment if another region also started an access there); the other bytes of an access belong
# to its region unless already taken. Where a range would cover another region's ports it is
# split there and each piece trimmed to the ports its region touched, so ranges never overlap.
# 'io' is QEMU's root I/O region: the log shows it for unclaimed ports. It stays in the file so
# that every access of the mix lands in a mapped range.
#
# Needs POSIX sh, xz and awk; builds //cli:portrace with bazel unless $PORTRACE names a binary.
set -eu
# Paths the caller gave are relative to where they ran it; the rest to the workspace root.
absolute() { case "$1" in ""|/*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
portrace=$(absolute "${PORTRACE:-}")
log=$(absolute "${1:-}")
cd "$(dirname "$0")/.."
[ -n "$log" ] || log=../shared/testdata/seabios-ne2k-mbr.log.xz
out=testdata/bench
if ! command -v xz >/dev/null; then
  echo "make_bench_mix: xz not found (apt-get install xz-utils)" >&2
  exit 2
fi
[ -r "$log" ] || { echo "make_bench_mix: cannot read $log" >&2; exit 2; }
mkdir -p "$out"
source_name=$(basename "$log")

xz -dc "$log" | awk -v qtest="$out/seabios-ports.qtest" -v regions="$out/seabios-regions.txt" \
    -v source_name="$source_name" '
function hexval(s,    i, d, v) {
  s = tolower(s)
  if (substr(s, 1, 2) != "0x" || length(s) < 3) return -1
  v = 0
  for (i = 3; i <= length(s); i++) {
    d = index("0123456789abcdef", substr(s, i, 1)) - 1
    if (d < 0) return -1
    v = v * 16 + d
  }
  return v
}
# "0x00ff" -> "0xff", "0x0" -> "0x0".
function normhex(s) {
  s = tolower(substr(s, 3))
  sub(/^0+/, "", s)
  return "0x" (s == "" ? "0" : s)
}
function hex(n) { return sprintf("0x%x", n) }
BEGIN {
  suffix[1] = "b"; suffix[2] = "w"; suffix[4] = "l"
  print "# Port accesses of " source_name " in order (tools/make_bench_mix.sh)." > qtest
  print "# Captured from qemu-system-x86_64 7.2 -M pc booting SeaBIOS." > qtest
  print "# Reads carry no values." > qtest
}
$1 == "memory_region_ops_read" || $1 == "memory_region_ops_write" {
  if ($2 != "cpu" || $4 != "mr" || $6 != "addr" || $8 != "value" || $10 != "size" ||
      $12 != "name") { malformed++; next }
  addr = hexval($7); size = $11 + 0
  if (addr < 0 || hexval($9) < 0) { malformed++; next }
  if (addr >= 65536) { mmio++; next }
  if (!(size in suffix)) { odd_size++; next }
  name = $0
  sub(/^.* name \047/, "", name); sub(/\047$/, "", name); gsub(/[ \t]/, "_", name)
  if ($1 == "memory_region_ops_read") {
    printf "in%s %s\n", suffix[size], hex(addr) > qtest
  } else {
    printf "out%s %s %s\n", suffix[size], hex(addr), normhex($9) > qtest
  }
  key = name SUBSEP $5
  if (!(key in group)) {
    group[key] = ++groups; gname[groups] = name; gmr[groups] = $5
    glo[groups] = addr; ghi[groups] = addr + size
    names_mrs[name]++
  }
  g = group[key]
  if (addr < glo[g]) glo[g] = addr
  if (addr + size > ghi[g]) ghi[g] = addr + size
  n++; aport[n] = addr; asize[n] = size; agroup[n] = g
}
END {
  # Who owns each port: first the ports accesses start at, then the rest of their bytes.
  for (i = 1; i <= n; i++) {
    p = aport[i]; g = agroup[i]
    if (!(p in owner)) { owner[p] = g; continue }
    if (owner[p] != g && !((p, g) in clash_seen)) {
      clash_seen[p, g] = 1
      fmt = "# port %s: accessed through %s (mr %s) and later %s (mr %s); kept %s"
      notes[++nnotes] = sprintf(fmt, hex(p), gname[owner[p]], gmr[owner[p]],
          gname[g], gmr[g], gname[owner[p]])
    }
  }
  for (i = 1; i <= n; i++) {
    for (b = aport[i] + 1; b < aport[i] + asize[i]; b++) if (!(b in owner)) owner[b] = agroup[i]
  }
  for (g = 1; g <= groups; g++) {
    if (names_mrs[gname[g]] > 1 && !(gname[g] in named)) {
      named[gname[g]] = 1
      notes[++nnotes] = sprintf("# %s: %d MemoryRegions of that name (distinct mr); one range each",
          gname[g], names_mrs[gname[g]])
    }
    # Split the span at ports other regions own; trim each piece to ports this region touched.
    pieces = 0; start = -1; last = -1; blockers = ""
    for (b = glo[g]; b <= ghi[g]; b++) {
      blocked = b == ghi[g] || ((b in owner) && owner[b] != g)
      if (b < ghi[g] && blocked && index(" " blockers " ", " " gname[owner[b]] " ") == 0)
        blockers = blockers (blockers == "" ? "" : " ") gname[owner[b]]
      if (blocked) {
        if (start >= 0) { pieces++; pbase[g, pieces] = start; plen[g, pieces] = last - start + 1 }
        start = -1; last = -1
      } else if ((b in owner) && owner[b] == g) {
        if (start < 0) start = b
        last = b
      }
    }
    npieces[g] = pieces
    if (blockers != "") {
      text = ""
      for (k = 1; k <= pieces; k++) text = text sprintf(" %s+%d", hex(pbase[g, k]), plen[g, k])
      notes[++nnotes] = sprintf("# %s (mr %s): span %s+%d covers ports of %s; split into%s",
          gname[g], gmr[g], hex(glo[g]), ghi[g] - glo[g], blockers, text)
    }
    for (k = 1; k <= pieces; k++) {
      lines++; lbase[lines] = pbase[g, k]
      line[lines] = sprintf("%s %s %d", gname[g], hex(pbase[g, k]), plen[g, k])
    }
  }
  # Sort by base (insertion sort; a few dozen lines).
  for (i = 2; i <= lines; i++) {
    b = lbase[i]; t = line[i]
    for (j = i - 1; j >= 1 && lbase[j] > b; j--) { lbase[j + 1] = lbase[j]; line[j + 1] = line[j] }
    lbase[j + 1] = b; line[j + 1] = t
  }
  print "# Port ranges of the MemoryRegions in " source_name " (tools/make_bench_mix.sh)." > regions
  print "# NAME BASE LENGTH: base in hex, length in decimal; sorted, never overlapping." > regions
  print "# Grouped by name and mr pointer; a range runs from the lowest port accessed" > regions
  print "# to the end of the highest access, split where it would cover another region" > regions
  print "# (see the lines below)." > regions
  print "# io is QEMU\047s root I/O region: the ports nothing claimed." > regions
  for (i = 1; i <= nnotes; i++) print notes[i] > regions
  for (i = 1; i <= lines; i++) print line[i] > regions
  err = "cat 1>&2"
  printf "make_bench_mix: %d port accesses, %d regions in %d ranges; ", n, groups, lines | err
  printf "skipped %d MMIO, %d odd sizes, %d malformed\n", mmio, odd_size, malformed | err
}'

if [ -z "$portrace" ]; then
  bazel build //cli:portrace
  portrace=bazel-bin/cli/portrace
fi
"$portrace" convert "$out/seabios-ports.qtest" "$out/seabios-ports.trace"
ls -l "$out"/seabios-ports.qtest "$out"/seabios-ports.trace "$out"/seabios-regions.txt >&2
