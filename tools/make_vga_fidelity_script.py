#!/usr/bin/env python3
"""Writes testdata/fidelity/pc-vga.qtest, the std VGA fidelity script (record QEMU's replies with
tools/record_fidelity.sh testdata/fidelity/pc-vga.qtest)."""
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "fidelity",
                   "pc-vga.qtest")
VRAM = 0xfd000000
MMIO = 0xfebd0000
LOW = 0xa0000

lines = []


def c(text):
    lines.append("")
    lines.append("# " + text)


def r(text):
    lines.append(text)


def outb(port, value): r("outb 0x%x 0x%x" % (port, value))
def outw(port, value): r("outw 0x%x 0x%x" % (port, value))
def outl(port, value): r("outl 0x%x 0x%x" % (port, value))
def inb(port): r("inb 0x%x" % port)
def inw(port): r("inw 0x%x" % port)
def inl(port): r("inl 0x%x" % port)
def wb(addr, value): r("writeb 0x%x 0x%x" % (addr, value))
def ww(addr, value): r("writew 0x%x 0x%x" % (addr, value))
def wl(addr, value): r("writel 0x%x 0x%x" % (addr, value))
def wq(addr, value): r("writeq 0x%x 0x%x" % (addr, value))
def rb(addr): r("readb 0x%x" % addr)
def rw(addr): r("readw 0x%x" % addr)
def rl(addr): r("readl 0x%x" % addr)
def rq(addr): r("readq 0x%x" % addr)


def seq(index, value): outb(0x3c4, index); outb(0x3c5, value)
def gfx(index, value): outb(0x3ce, index); outb(0x3cf, value)
def vbe(index, value): outw(0x1ce, index); outw(0x1cf, value)
def vbe_read(index): outw(0x1ce, index); inw(0x1cf)


def vbe_dump():
    for index in range(0, 11):
        vbe_read(index)


def crt(index, value, port=0x3d4): outb(port, index); outb(port + 1, value)


header = """# Fidelity: QEMU 7.2's std VGA (devices/pc/std_vga.h, vga_core.h, edid.h): the VGA registers at
# 0x3b0-0x3df, the Bochs VBE registers at 0x1ce-0x1d1, the legacy window at 0xa0000, BAR0 video
# memory and the BAR2 MMIO parts (EDID, VGA ports, VBE registers, QEMU extended registers).
# Written by tools/make_vga_fidelity_script.py.
# qemu-args: -machine pc -nodefaults -vga std
# Not here: the VGA BIOS ROM (not modelled) and anything the display shows."""
lines.extend(header.split("\n"))

c("1. BAR0 (16 MiB VRAM) at 0x%x, BAR2 (4 KiB MMIO) at 0x%x, memory decoding on." % (VRAM, MMIO))
outl(0xcf8, 0x80001010); outl(0xcfc, VRAM)
outl(0xcf8, 0x80001018); outl(0xcfc, MMIO)
outl(0xcf8, 0x80001004); outw(0xcfc, 0x3)
for reg in (0x10, 0x18, 0x04):
    outl(0xcf8, 0x80001000 | reg); inl(0xcfc)

c("2. Every VGA port after reset (mono I/O set: the colour ports 0x3d0-0x3df read 0xff).")
for port in range(0x3b0, 0x3e0):
    inb(port)

c("3. Misc output: the colour set; bit 4 is dropped; then the mono ports read 0xff and drop writes.")
outb(0x3c2, 0xff); inb(0x3cc); inb(0x3c2)
outb(0x3c2, 0x67); inb(0x3cc)
for port in (0x3b4, 0x3b5, 0x3ba, 0x3d4, 0x3d5, 0x3da):
    inb(port)
outb(0x3b4, 0x0e); outb(0x3b5, 0x55); outb(0x3ba, 0x10)
inb(0x3d4); inb(0x3ca)

c("4. Input status 1 toggles; feature control keeps bit 4 (read at 0x3ca).")
for _ in range(5):
    inb(0x3da)
outb(0x3da, 0xff); inb(0x3ca); outb(0x3da, 0x00); inb(0x3ca)
inb(0x3c7); inb(0x3c3); inb(0x3cb); inb(0x3cd); inb(0x3c6)
outb(0x3c6, 0x12); inb(0x3c6)

c("5. Sequencer: index masked to 3 bits, write masks per register; a word write sets index and data.")
for index in range(0, 10):
    outb(0x3c4, index); inb(0x3c4); outb(0x3c5, 0xff); inb(0x3c5)
for index in range(0, 8):
    seq(index, 0x00)
outw(0x3c4, 0x0f02); inb(0x3c4); inb(0x3c5)
outw(0x3c4, 0x0e04); inw(0x3c4); inw(0x3c5)
outb(0x3c4, 0x02); outw(0x3c5, 0x0307); inb(0x3c5); inb(0x3c6)
seq(0x02, 0x00); seq(0x04, 0x00)

c("6. Graphics controller: index masked to 4 bits, write masks; word accesses.")
for index in list(range(0, 18)) + [0x3f, 0xff]:
    outb(0x3ce, index); inb(0x3ce); outb(0x3cf, 0xff); inb(0x3cf)
for index in range(0, 9):
    gfx(index, 0x00)
outw(0x3ce, 0x0508); inw(0x3ce); inw(0x3cf)
inl(0x3cc); inw(0x3cf)
gfx(0x08, 0xff)

c("7. Attribute controller: the flip-flop (reset by reading 0x3da), index bits, masks, 0x3c0 reads.")
inb(0x3da)
for index in list(range(0, 0x16)) + [0x1f, 0x20, 0x33, 0x3f, 0xff]:
    outb(0x3c0, index); inb(0x3c0); outb(0x3c0, 0xff); inb(0x3c0); inb(0x3c1)
inb(0x3da)
outb(0x3c0, 0x10); outb(0x3c0, 0x5a); outb(0x3c0, 0x11); inb(0x3c1); inb(0x3c0)
inb(0x3da); inb(0x3c0)
outw(0x3c0, 0x2012); inb(0x3c1); inb(0x3c0); inb(0x3da)
outb(0x3c0, 0x20)

c("8. CRTC (colour ports): 256 registers, any index; CR11 bit 7 protects CR0-CR7 but CR7 bit 4.")
for index in list(range(0, 0x19)) + [0x20, 0x7f, 0x80, 0xff]:
    outb(0x3d4, index); inb(0x3d4); outb(0x3d5, index ^ 0x5a); inb(0x3d5)
crt(0x11, 0x80)
for index in range(0, 8):
    outb(0x3d4, index); outb(0x3d5, 0xff); inb(0x3d5)
crt(0x07, 0x00); inb(0x3d5)
crt(0x11, 0x00)
for index in range(0, 8):
    outb(0x3d4, index); outb(0x3d5, 0xa5); inb(0x3d5)
outw(0x3d4, 0x3c0e); inw(0x3d4); inw(0x3d5); inw(0x3d6)
inw(0x3da); inl(0x3d4)
outl(0x3d4, 0x1234560f); outb(0x3d4, 0x0f); inb(0x3d5)

c("9. DAC: write and read cycles of three, the state register, partial cycles, index wrap.")
outb(0x3c8, 0x00)
for value in range(1, 13):
    outb(0x3c9, value * 5)
inb(0x3c8); inb(0x3c7)
outb(0x3c7, 0x00); inb(0x3c7)
for _ in range(12):
    inb(0x3c9)
inb(0x3c8)
outb(0x3c8, 0x10); outb(0x3c9, 0x3f); outb(0x3c9, 0x2a)
outb(0x3c8, 0x10); outb(0x3c9, 0x01)
outb(0x3c7, 0x10); inb(0x3c9); inb(0x3c9); inb(0x3c9)
outb(0x3c8, 0xff)
for value in (0x11, 0x22, 0x33, 0x44, 0x55, 0x66):
    outb(0x3c9, value)
inb(0x3c8)
outb(0x3c7, 0xff)
for _ in range(6):
    inb(0x3c9)
outb(0x3c7, 0x00); inw(0x3c8); inw(0x3c9)
outb(0x3c8, 0x20); outw(0x3c8, 0x3f21); inb(0x3c8)

c("10. VBE after reset, index and data widths, 0x1d0 (data again) and 0x1d1 (no handler).")
vbe_dump()
outw(0x1ce, 0x0b); inw(0x1cf); outw(0x1ce, 0xffff); inw(0x1ce); inw(0x1cf)
outw(0x1ce, 0x00); inw(0x1d0); inw(0x1d1); inb(0x1ce); inb(0x1cf); inl(0x1ce)
outb(0x1ce, 0x03); inw(0x1ce); outl(0x1ce, 0x3); inw(0x1ce)
outw(0x1d1, 0x4); inw(0x1ce)

c("11. VBE ID: only 0xb0c0-0xb0c5 are taken.")
for value in (0xb0c0, 0xb0c6, 0x1234, 0xb0c3, 0xb0bf, 0xb0c5):
    vbe(0, value); vbe_read(0)

c("12. VBE registers written while disabled keep what is written; GETCAPS reads the maxima.")
for index, value in ((1, 1023), (2, 0), (3, 7), (5, 0x1ff), (6, 5), (7, 99), (8, 0xffff), (9, 3)):
    vbe(index, value)
vbe_dump()
vbe(4, 0x02)
vbe_dump()
vbe(4, 0x00)

c("13. Enable 1024x768x32 with the LFB: virtual size, offsets reset, VGA registers reprogrammed.")
vbe(1, 1024); vbe(2, 768); vbe(3, 32); vbe(5, 0)
vbe(4, 0x41)
vbe_dump()
for index in (0x01, 0x07, 0x09, 0x12, 0x13, 0x17, 0x18):
    outb(0x3d4, index); inb(0x3d5)
for index in (0x05, 0x06):
    outb(0x3ce, index); inb(0x3cf)
for index in (0x01, 0x02, 0x04):
    outb(0x3c4, index); inb(0x3c5)
vbe(4, 0x43); vbe_dump(); vbe(4, 0x41)

c("14. Validation while enabled: odd and huge widths, bad depths, heights, offsets, virtual width.")
for index, value in ((1, 1023), (1, 0), (1, 0xffff), (1, 800), (3, 7), (3, 15), (3, 24), (3, 4),
                     (3, 0xffff), (3, 8), (2, 0), (2, 0xffff), (2, 600), (6, 4), (6, 0xffff),
                     (6, 2048), (8, 0xffff), (9, 0xffff), (8, 16), (9, 8), (7, 1), (1, 16000),
                     (2, 12000), (3, 32), (1, 8), (3, 4)):
    vbe(index, value); vbe_read(index); vbe_read(7); vbe_read(8); vbe_read(9)
for index in (0x01, 0x07, 0x12, 0x13):
    outb(0x3d4, index); inb(0x3d5)

c("15. The bank register is masked to the 64 KiB pages of video memory; disable, then ENABLE again.")
vbe(5, 0x1ff); vbe_read(5); vbe(5, 0x100); vbe_read(5); vbe(5, 3); vbe_read(5)
vbe(4, 0x00); vbe_dump()
vbe(1, 640); vbe(2, 480); vbe(3, 8); vbe(4, 0xe1); vbe_dump()
vbe(4, 0x01); vbe_dump()
vbe(10, 0x1234); vbe_read(10); vbe(0x20, 0x5); vbe_read(0x20)
vbe(4, 0x00)

c("16. Text mode through the window (odd/even, memory map 3 at 0xb8000): planes 0/1, then 2/3.")
gfx(0x06, 0x0e); gfx(0x05, 0x10); gfx(0x04, 0x00); seq(0x04, 0x02); seq(0x02, 0x03)
for i in range(8):
    wb(0xb8000 + i, 0x41 + i)
ww(0xb8010, 0x0741); wl(0xb8020, 0x1f421e43); wq(0xb8030, 0x0102030405060708)
for i in range(8):
    rb(0xb8000 + i)
rw(0xb8000); rl(0xb8020); rq(0xb8030); rb(0xb0000); rb(0xa0000); rb(0xbffff)
rl(VRAM); rl(VRAM + 4); rl(VRAM + 0x40); rl(VRAM + 0x60)
seq(0x02, 0x04); gfx(0x04, 0x02)
wb(0xb8000, 0x99); wb(0xb8001, 0x88); rb(0xb8000); rb(0xb8001); rl(VRAM)
seq(0x02, 0x08); wb(0xb8001, 0x77); rb(0xb8001); rl(VRAM)
gfx(0x04, 0x00); rb(0xb8000); rb(0xb8001)
gfx(0x06, 0x0a); rb(0xb0000); rb(0xb0001); rb(0xb8000); wb(0xb7fff, 0x12); rb(0xb7fff)

c("17. Planar mode (memory map 1, no odd/even): write mode 0 with rotate, set/reset, functions, bit mask.")
gfx(0x06, 0x05); gfx(0x05, 0x00); seq(0x04, 0x06); seq(0x02, 0x0f)
gfx(0x00, 0x00); gfx(0x01, 0x00); gfx(0x03, 0x00); gfx(0x08, 0xff)
wb(LOW, 0xa5); rl(VRAM)
for plane in range(4):
    gfx(0x04, plane); rb(LOW)
gfx(0x03, 0x03); wb(LOW + 1, 0x81); rl(VRAM + 4)
gfx(0x03, 0x00); gfx(0x01, 0x05); gfx(0x00, 0x0c); wb(LOW + 2, 0x3c); rl(VRAM + 8)
gfx(0x01, 0x00); gfx(0x00, 0x00)
for func, addr in ((0x08, 3), (0x10, 4), (0x18, 5)):
    wb(LOW + addr, 0xf0); rb(LOW); gfx(0x03, func); wb(LOW + addr, 0x3c); gfx(0x03, 0x00)
    rl(VRAM + 4 * addr)
gfx(0x08, 0x0f); rb(LOW); wb(LOW + 6, 0xff); rl(VRAM + 24); gfx(0x08, 0xff)
seq(0x02, 0x05); wb(LOW + 7, 0x66); rl(VRAM + 28); seq(0x02, 0x0f)
seq(0x02, 0x00); wb(LOW + 7, 0x11); rl(VRAM + 28); seq(0x02, 0x0f)

c("18. Write modes 1 (latch copy), 2 (colour per plane) and 3 (rotated bit mask from the data).")
rb(LOW); gfx(0x05, 0x01); wb(LOW + 8, 0x00); rl(VRAM + 32)
gfx(0x05, 0x02); wb(LOW + 9, 0x0a); rl(VRAM + 36); gfx(0x08, 0x33); wb(LOW + 9, 0x05); rl(VRAM + 36)
gfx(0x08, 0xff)
gfx(0x05, 0x03); gfx(0x00, 0x09); wb(LOW + 10, 0xf0); rl(VRAM + 40)
gfx(0x03, 0x04); wb(LOW + 10, 0x0f); rl(VRAM + 40); gfx(0x03, 0x00)
gfx(0x05, 0x00); gfx(0x00, 0x00)

c("19. Read mode 1: colour compare against GR2 over the planes GR7 selects.")
wl(VRAM + 48, 0x0ff0f00f)
gfx(0x05, 0x08)
for compare, care in ((0x00, 0x0f), (0x0f, 0x0f), (0x05, 0x0f), (0x05, 0x05), (0x0a, 0x00),
                      (0x01, 0x01)):
    gfx(0x02, compare); gfx(0x07, care); rb(LOW + 12)
gfx(0x05, 0x00); gfx(0x02, 0x00); gfx(0x07, 0x00)

c("20. Widths in the window: words and dwords go byte by byte through the latch.")
wl(LOW + 16, 0x44332211); rl(LOW + 16); rq(LOW + 16); rw(LOW + 17); rl(VRAM + 64)
rl(VRAM + 68)

c("21. Memory maps 0 (128 KiB) and 2 (0xb0000, 32 KiB) in chain 4 mode; then 0xa0000 reads 0xff.")
seq(0x04, 0x0e); gfx(0x06, 0x01)
wb(LOW + 0x10003, 0x5e); rb(LOW + 0x10003); rl(VRAM + 0x10000); rb(0xbffff)
seq(0x02, 0x07); wb(LOW + 0x20, 0x11); wb(LOW + 0x23, 0x22); rl(LOW + 0x20); seq(0x02, 0x0f)
gfx(0x06, 0x09); rb(LOW); wb(LOW + 5, 0x33); rb(0xb0000); wb(0xb0001, 0x44); rl(VRAM); rb(0xb8000)
gfx(0x06, 0x05); seq(0x04, 0x06)

c("22. VBE banks: 8 bpp with memory map 1 and chain 4 through the VBE shadow sequencer.")
vbe(1, 640); vbe(2, 480); vbe(3, 8); vbe(4, 0x81)
outb(0x3c4, 0x04); inb(0x3c5); outb(0x3c4, 0x02); inb(0x3c5); outb(0x3ce, 0x06); inb(0x3cf)
wb(LOW, 0x10); wb(LOW + 1, 0x20); rl(VRAM)
vbe(5, 2); wb(LOW + 0xfffe, 0xab); rb(LOW + 0xfffe); rb(LOW + 0x10000); rb(VRAM + 0x2fffe)
wl(LOW + 0xfffe, 0x04030201); rl(LOW + 0xfffe); rw(VRAM + 0x2fffe)
gfx(0x06, 0x00); outb(0x3ce, 0x06); inb(0x3cf)
vbe(4, 0x01); vbe_read(5); rb(LOW); rl(VRAM)
vbe(4, 0x00); rb(LOW)

c("23. Enabling clears the visible lines unless NOCLEARMEM.")
wl(VRAM, 0x11223344); wl(VRAM + 640 * 2 - 4, 0x55667788); wl(VRAM + 640 * 4, 0x99aabbcc)
vbe(1, 640); vbe(2, 2); vbe(3, 8); vbe(4, 0xc1)
rl(VRAM); rl(VRAM + 640 * 2 - 4); rl(VRAM + 640 * 4); vbe(4, 0x00)
wl(VRAM, 0x11223344); vbe(4, 0x41)
rl(VRAM); rl(VRAM + 640 * 2 - 4); rl(VRAM + 640 * 4); vbe(4, 0x00)

c("24. 4 bpp: planar through the VBE shadow; VIRT_HEIGHT wraps at 65536 for tiny lines.")
vbe(1, 8); vbe(2, 1); vbe(3, 4); vbe(4, 0x81); vbe_dump()
wb(LOW + 0x40, 0x5a); rb(LOW + 0x40); rl(VRAM + 0x100)
vbe(4, 0x00)
seq(0x02, 0x0f); seq(0x04, 0x06); gfx(0x06, 0x05); gfx(0x05, 0x00)

c("25. BAR0 video memory: any width and alignment.")
wq(VRAM + 0x1000, 0x8877665544332211); rq(VRAM + 0x1000); rl(VRAM + 0x1003); rw(VRAM + 0x1007)
wb(VRAM + 0xffffff, 0x5c); rb(VRAM + 0xffffff); rw(VRAM + 0xfffffe)
r("write 0x%x 0x8 0x0102030405060708" % (VRAM + 0x2001)); r("read 0x%x 0x10" % (VRAM + 0x2000))
r("memset 0x%x 0x6 0xee" % (VRAM + 0x3000)); r("read 0x%x 0x8" % (VRAM + 0x3000))

c("26. BAR2 EDID (384 bytes; bytewise, read-only), and the gap after it.")
r("read 0x%x 0x180" % MMIO)
for off in (0x00, 0x08, 0x7e, 0x7f, 0x80, 0xff, 0x100, 0x17f, 0x180, 0x3ff):
    rb(MMIO + off)
rw(MMIO + 0x08); rl(MMIO + 0x08); rq(MMIO + 0x08); rl(MMIO + 0x17e); rl(MMIO + 0x17d)
wb(MMIO + 0x08, 0x00); rb(MMIO + 0x08); wl(MMIO + 0x200, 0); rl(MMIO + 0x200)

c("27. BAR2 VGA ports: 0x400 + n is port 0x3c0 + n; word writes go index first.")
ww(MMIO + 0x404, 0x0f02); rb(MMIO + 0x405); rw(MMIO + 0x404)
wb(MMIO + 0x404, 0x04); rb(MMIO + 0x405); ww(MMIO + 0x404, 0x0604)
rl(MMIO + 0x40c); rb(MMIO + 0x41a); rb(MMIO + 0x41a); rw(MMIO + 0x419)
ww(MMIO + 0x414, 0x550e); rb(MMIO + 0x415); outb(0x3d4, 0x0e); inb(0x3d5)
wb(MMIO + 0x402, 0x66); rb(MMIO + 0x40c); rb(MMIO + 0x3fa + 0x10); rb(MMIO + 0x41a)
wl(MMIO + 0x408, 0x3f2a1500); rl(MMIO + 0x408)
outb(0x3c7, 0x15); inb(0x3c9); inb(0x3c9); inb(0x3c9)
rl(MMIO + 0x41e); rl(MMIO + 0x41c); rw(MMIO + 0x41f); rq(MMIO + 0x400)
wb(MMIO + 0x402, 0x67); inb(0x3cc)

c("28. BAR2 VBE registers: index = offset / 2; accesses move the 0x1ce index; narrow accesses.")
for index in range(0, 11):
    rw(MMIO + 0x500 + 2 * index)
inw(0x1ce)
rl(MMIO + 0x500); rq(MMIO + 0x500); rb(MMIO + 0x501); rb(MMIO + 0x514); rw(MMIO + 0x514)
inw(0x1ce)
ww(MMIO + 0x502, 800); rw(MMIO + 0x502); wb(MMIO + 0x503, 0x03); rw(MMIO + 0x502)
wl(MMIO + 0x502, 0x02580320); rw(MMIO + 0x502); rw(MMIO + 0x504)
ww(MMIO + 0x506, 16); ww(MMIO + 0x508, 0x41); rl(MMIO + 0x500); rl(MMIO + 0x504); rl(MMIO + 0x50c)
inw(0x1ce); outw(0x1ce, 4); inw(0x1cf)
ww(MMIO + 0x508, 0x00); rw(MMIO + 0x508); rw(MMIO + 0x50e); ww(MMIO + 0x50e, 5)
rl(MMIO + 0x512); rw(MMIO + 0x516); rl(MMIO + 0x4ff)

c("29. BAR2 QEMU extended registers: 4-byte accesses only; byte order.")
rl(MMIO + 0x600); rl(MMIO + 0x604); rb(MMIO + 0x600); rw(MMIO + 0x604); rl(MMIO + 0x602)
rq(MMIO + 0x600); rl(MMIO + 0x5ff)
wl(MMIO + 0x604, 0xbebebebe); rl(MMIO + 0x604); wl(MMIO + 0x604, 0x12345678); rl(MMIO + 0x604)
ww(MMIO + 0x604, 0x1e1e); rl(MMIO + 0x604); wl(MMIO + 0x604, 0x1e1e1e1e); rl(MMIO + 0x604)
wl(MMIO + 0x600, 0); rl(MMIO + 0x600)

c("30. BAR2 gaps read all ones and drop writes; the BAR's last byte; command memory off.")
for off in (0x420, 0x4fe, 0x516, 0x5fe, 0x608, 0x800, 0xffc):
    rb(MMIO + off); rl(MMIO + off)
wl(MMIO + 0x800, 0); rl(MMIO + 0x800); rl(MMIO + 0xfff); rq(MMIO + 0xffc)
outl(0xcf8, 0x80001004); outw(0xcfc, 0x0)
rb(MMIO); rl(MMIO + 0x600); rl(VRAM + 0x1000)
outw(0xcfc, 0x3); rb(MMIO)

open(OUT, "w").write("\n".join(lines) + "\n")
print("%s: %d requests" % (OUT, sum(1 for l in lines if l and not l.startswith("#"))))
