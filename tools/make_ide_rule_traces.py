#!/usr/bin/env python3
"""Writes the IDE rule traces testdata/ide/rules/NAME.{qtest,expect}: "!id" before a line marks
the finding it must trigger (the event index is computed here)."""
import os
D = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "ide", "rules") + "/"
DISK = "file=testdata/fidelity/ide-disk.img,format=raw,if=ide,index=0"
CD = "file=testdata/fidelity/ide-cd.iso,format=raw,if=ide,index=2,media=cdrom"
PCI = ["outl 0xcf8 0x80000920", "outl 0xcfc 0xc001", "outl 0xcf8 0x80000904", "outw 0xcfc 0x5"]
PCI_NOBM = ["outl 0xcf8 0x80000920", "outl 0xcfc 0xc001", "outl 0xcf8 0x80000904", "outw 0xcfc 0x1"]
def task(count, lba): return ["outb 0x1f2 0x%x" % count, "outb 0x1f3 0x%x" % (lba & 0xff), "outb 0x1f4 0x%x" % ((lba >> 8) & 0xff), "outb 0x1f5 0x%x" % ((lba >> 16) & 0xff), "outb 0x1f6 0x%x" % (0xe0 | (lba >> 24) & 0xf)]
W256 = ["inw 0x1f0"] * 256
cases = {
 # name: (comment, drives, machine, lines; "!rule " prefix marks a trigger)
 "command-while-busy": ("IDENTIFY again before the first one's data was read.", [DISK], "pc",
    ["outb 0x1f7 0xec", "!ide.command-while-busy outb 0x1f7 0xec"] + W256),
 "command-while-busy-near": ("The data is read before the next command.", [DISK], "pc",
    ["outb 0x1f7 0xec"] + W256 + ["inb 0x1f7", "outb 0x1f7 0xec"] + W256),
 "register-write-while-busy": ("Task file written while the drive holds DRQ.", [DISK], "pc",
    ["outb 0x1f7 0xec", "!ide.register-write-while-busy outb 0x1f2 0x1"] + W256),
 "register-write-while-busy-near": ("Task file written once the transfer is over.", [DISK], "pc",
    ["outb 0x1f7 0xec"] + W256 + ["outb 0x1f2 0x1"]),
 "data-without-drq": ("Data port read with no command.", [DISK], "pc", ["!ide.data-without-drq inw 0x1f0"]),
 "data-without-drq-near": ("Data port read during IDENTIFY.", [DISK], "pc", ["outb 0x1f7 0xec", "inw 0x1f0"]),
 "data-width": ("Data port read as a byte during a transfer.", [DISK], "pc", ["outb 0x1f7 0xec", "!ide.data-width inb 0x1f0"] + W256[1:]),
 "data-width-near": ("Data port read as words and dwords.", [DISK], "pc", ["outb 0x1f7 0xec", "inl 0x1f0"] + W256[2:]),
 "read-past-end": ("One word more than IDENTIFY gives.", [DISK], "pc", ["outb 0x1f7 0xec"] + W256 + ["!ide.read-past-end inw 0x1f0"]),
 "read-past-end-near": ("Exactly what IDENTIFY gives.", [DISK], "pc", ["outb 0x1f7 0xec"] + W256 + ["inb 0x1f7"]),
 "lba-out-of-range": ("READ SECTORS at LBA 2048 of a 2048-sector disk.", [DISK], "pc", task(1, 2048) + ["!ide.lba-out-of-range outb 0x1f7 0x20"]),
 "lba-out-of-range-near": ("READ SECTORS of the last sector.", [DISK], "pc", task(1, 2047) + ["outb 0x1f7 0x20"] + W256),
 "dma-without-prd": ("READ DMA of 2 sectors with a PRD table for 1.", [DISK], "pc", PCI + ["writel 0x1000 0x10000", "writel 0x1004 0x80000200", "outl 0xc004 0x1000"] + task(2, 1) + ["outb 0x1f7 0xc8", "!ide.dma-without-prd outb 0xc000 0x9"]),
 "dma-without-prd-near": ("READ DMA of 2 sectors with a PRD table for 2.", [DISK], "pc", PCI + ["writel 0x1000 0x10000", "writel 0x1004 0x80000400", "outl 0xc004 0x1000"] + task(2, 1) + ["outb 0x1f7 0xc8", "outb 0xc000 0x9"]),
 "dma-prd-unterminated": ("A PRD table whose entries never set the end-of-table bit.", [DISK], "pc", PCI + ["memset 0x1000 0x1000 0x0", "outl 0xc004 0x1000"] + ["writel 0x%x 0x1" % (0x1004 + 8 * k) for k in range(512)] + task(1, 1) + ["outb 0x1f7 0xc8", "!ide.dma-prd-unterminated outb 0xc000 0x9"]),
 "dma-prd-unterminated-near": ("The last entry carries the end-of-table bit.", [DISK], "pc", PCI + ["writel 0x1000 0x10000", "writel 0x1004 0x80000200", "outl 0xc004 0x1000"] + task(1, 1) + ["outb 0x1f7 0xc8", "outb 0xc000 0x9"]),
 "dma-bus-master-off": ("READ DMA with bus mastering off in the PCI command register.", [DISK], "pc", PCI_NOBM + ["writel 0x1000 0x10000", "writel 0x1004 0x80000200", "outl 0xc004 0x1000"] + task(1, 1) + ["outb 0x1f7 0xc8", "!ide.dma-bus-master-off outb 0xc000 0x9"]),
 "dma-bus-master-off-near": ("The same with bus mastering on.", [DISK], "pc", PCI + ["writel 0x1000 0x10000", "writel 0x1004 0x80000200", "outl 0xc004 0x1000"] + task(1, 1) + ["outb 0x1f7 0xc8", "outb 0xc000 0x9"]),
 "srst-during-transfer": ("SRST while a PIO read is half done.", [DISK], "pc", task(1, 1) + ["outb 0x1f7 0x20", "inw 0x1f0", "!ide.srst-during-transfer outb 0x3f6 0x6", "outb 0x3f6 0x2"]),
 "srst-during-transfer-near": ("SRST after the read is complete.", [DISK], "pc", task(1, 1) + ["outb 0x1f7 0x20"] + W256 + ["outb 0x3f6 0x6", "outb 0x3f6 0x2"]),
 "absent-drive": ("READ SECTORS to the absent primary slave.", [DISK], "pc", ["outb 0x1f6 0xb0", "outb 0x1f2 0x1", "!ide.absent-drive outb 0x1f7 0x20"]),
 "absent-drive-near": ("Probing the absent slave: its status, IDENTIFY and IDENTIFY PACKET (probes, not mistakes).", [DISK], "pc", ["outb 0x1f6 0xb0", "inb 0x1f7", "outb 0x1f7 0xec", "outb 0x1f7 0xa1", "outb 0x1f6 0xa0"]),
 "unknown-command": ("Command 0x55 and ATAPI opcode 0xff.", [DISK, CD], "pc", ["!ide.unknown-command outb 0x1f7 0x55", "outb 0x174 0x0", "outb 0x175 0x8", "outb 0x177 0xa0", "outw 0x170 0xff", "outw 0x170 0x0", "outw 0x170 0x0", "outw 0x170 0x0", "outw 0x170 0x0", "!ide.unknown-command outw 0x170 0x0"]),
 "unknown-command-near": ("IDENTIFY PACKET DEVICE to the disk (a probe it aborts), then IDENTIFY PACKET DEVICE and TEST UNIT READY on the CD-ROM.", [DISK, CD], "pc", ["outb 0x1f7 0xa1", "outb 0x177 0xa1"] + ["inw 0x170"] * 256 + ["outb 0x177 0xa0"] + ["outw 0x170 0x0"] * 6),
 "use-after-unplug": ("Linux unplugs the IDE disks, then a command reaches the removed disk.", [DISK], "xen-upstream", ["inw 0x10", "inb 0x12", "outw 0x12 0x3", "outl 0x10 0x1", "inw 0x10", "outw 0x10 0x1", "!platform.use-after-unplug outb 0x1f7 0xec"]),
 "use-after-unplug-near": ("After the unplug only the CD-ROM, which stays, is used.", [DISK, CD], "xen-upstream", ["inw 0x10", "inb 0x12", "outw 0x12 0x3", "outl 0x10 0x1", "inw 0x10", "outw 0x10 0x1", "outb 0x177 0xa1"] + ["inw 0x170"] * 256),
}
for name, (comment, drives, machine, lines) in cases.items():
    out = ["# " + comment]
    expect = ["machine: " + machine] + ["drive: " + d for d in drives]
    for idx, l in enumerate(lines):
        parts = l.split(" ")
        while parts[0].startswith("!"):
            expect.append("expect: %s@%d" % (parts[0][1:], idx)); parts = parts[1:]
        out.append(" ".join(parts))
    open(D + name + ".qtest", "w").write("\n".join(out) + "\n")
    open(D + name + ".expect", "w").write("\n".join(expect) + "\n")
