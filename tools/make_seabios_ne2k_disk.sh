#!/bin/sh
# Rebuilds testdata/qemu-trace/seabios-ne2k-mbr.img, the disk of the shared capture
# seabios-ne2k-mbr.log.xz, whose mbr.img was not shared. Everything here is what the capture
# itself shows the guest reading from ide0:
#  * IDENTIFY DEVICE (#40559-#40814): 16 cylinders x 16 heads x 63 sectors, 16384 LBA sectors,
#    so the image is 8 MiB;
#  * READ SECTORS of LBA 0 (#42548-#42803): the boot sector: `cli; hlt; jmp $+2`, one bootable
#    Linux partition (type 0x83) from LBA 2048 for 8192 sectors, and the 0x55 0xaa signature.
# SeaBIOS reads nothing else from the disk before the boot sector halts the CPU.
#   tools/make_seabios_ne2k_disk.sh [OUT]
set -eu
cd "$(dirname "$0")/.."
out=${1:-testdata/qemu-trace/seabios-ne2k-mbr.img}
rm -f "$out"
truncate -s 8M "$out"
patch() {  # OFFSET HEX-BYTES (printf of octal escapes: dash's printf has no \x)
  hex=$2
  octal=
  while [ -n "$hex" ]; do
    octal="$octal\\$(printf '%03o' "0x$(printf '%.2s' "$hex")")"
    hex=${hex#??}
  done
  printf "$octal" | dd of="$out" bs=1 seek="$1" conv=notrunc status=none
}
patch 0 faf4eb00
patch 446 8001010083feffff0008000000200000
patch 510 55aa
