#!/usr/bin/env python3
"""Writes the IDE fidelity images (deterministic, recognisable pattern per sector):
  testdata/fidelity/ide-disk.img  1 MiB raw disk, 512-byte sectors
  testdata/fidelity/ide-cd.iso    256 KiB CD image, 2048-byte sectors
Each sector starts with "PORTRACE <kind> <lba as 8 hex digits>\n" and is filled with
(lba * 31 + offset) & 0xff after it."""
import os

def image(path, kind, sector, count):
    with open(path, "wb") as f:
        for lba in range(count):
            head = ("PORTRACE %s %08x\n" % (kind, lba)).encode()
            body = bytes((lba * 31 + i) & 0xff for i in range(len(head), sector))
            f.write(head + body)

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "fidelity")
image(os.path.join(here, "ide-disk.img"), "DISK", 512, 2048)
image(os.path.join(here, "ide-cd.iso"), "CD", 2048, 128)
