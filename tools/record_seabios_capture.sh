#!/bin/sh
# Records testdata/qemu-trace/seabios-nodefaults-ide.log.xz: QEMU's trace log
# (-trace 'memory_region_ops_*') of SeaBIOS booting a `pc -nodefaults` machine from the disk image
# testdata/qemu-trace/seabios-disk.img (512 KiB: a boot sector that halts, then a pattern of
# ((sector * 7 + byte) & 0xff)), with an empty IDE CD-ROM and an ne2k_pci NIC. Unlike the shared
# capture, its disk image is here, so IDE data replays can be compared byte for byte:
#   portrace analyze --machine=pc --serial --boot=order=c \
#     --drive=file=testdata/qemu-trace/seabios-disk.img,format=raw,if=ide,index=0 \
#     --drive=if=ide,index=2,media=cdrom --nic=model=ne2k_pci testdata/qemu-trace/seabios-nodefaults-ide.log.xz
# Run by hand (needs qemu-system-x86); the guest halts in its boot sector, so QEMU is stopped
# after a few seconds.
set -eu
cd "$(dirname "$0")/.."
qemu=${PORTRACE_QEMU:-qemu-system-x86_64}
command -v "$qemu" >/dev/null || { echo "record_seabios_capture: $qemu not found" >&2; exit 2; }
out=testdata/qemu-trace
python3 - "$out/seabios-disk.img" <<'PY'
import sys
img = bytearray(512 * 1024)
for sector in range(1, len(img) // 512):
    img[sector * 512:(sector + 1) * 512] = bytes((sector * 7 + i) & 0xff for i in range(512))
img[0:4] = bytes([0xfa, 0xf4, 0xeb, 0xfd])  # cli; hlt; jmp $-1
img[510:512] = bytes([0x55, 0xaa])
open(sys.argv[1], "wb").write(img)
PY
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
timeout 10 "$qemu" -machine pc -nodefaults -display none -serial null -monitor none -accel tcg \
  -drive "file=$out/seabios-disk.img,format=raw,if=ide,index=0,snapshot=on" \
  -drive if=ide,index=2,media=cdrom -nic user,model=ne2k_pci \
  -trace 'memory_region_ops_*' -D "$tmp/capture.log" -boot order=c || true
xz -9 -c "$tmp/capture.log" > "$out/seabios-nodefaults-ide.log.xz"
echo "$out/seabios-nodefaults-ide.log.xz: $(wc -l < "$tmp/capture.log") lines"
