"""Reads a VHD image's whole virtual disk through libvhdi (pyvhdi), the independent oracle.

Usage: /usr/bin/python3 vhdi_read.py IMAGE [RAW_OUT]

Differencing parents are found as libvhdi's own tools find them: the base name of the parent
unicode name (pyvhdi's parent_filename), in the child's folder; each parent's identifier must equal
the child's parent identifier. Prints "media_size N", "sha256 HEX" and one "layer PATH" per image
(top first); with RAW_OUT also writes the raw disk there.
"""
import hashlib
import os
import sys

import pyvhdi

DIFFERENCING = 4
# One sector per read. libvhdi 20210425 misreads a read that crosses a block boundary in a
# differencing image: when the first block's tail comes from the parent, it keeps reading the parent
# past the block's end, hiding the child's sectors at the start of the next block. Sector reads never
# cross a block, whatever the block size.
CHUNK = 512


def open_chain(path):
    files = []
    while True:
        image = pyvhdi.file()
        image.open(path)
        files.append((path, image))
        if image.disk_type != DIFFERENCING:
            return files
        if len(files) > 64:
            sys.exit("chain deeper than 64 images at " + path)
        name = (image.parent_filename or "").replace("\\", "/").split("/")[-1]
        if not name:
            sys.exit(path + ": differencing image without a parent file name")
        path = os.path.join(os.path.dirname(path), name)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: vhdi_read.py IMAGE [RAW_OUT]")
    files = open_chain(os.path.abspath(sys.argv[1]))
    for (child_path, child), (parent_path, parent) in zip(files, files[1:]):
        if parent.identifier != child.parent_identifier:
            sys.exit("%s: parent identifier %s, but %s has %s" % (
                child_path, child.parent_identifier, parent_path, parent.identifier))
    # Parents first: set_parent wants a parent that can already read its own parent.
    for (_, child), (_, parent) in reversed(list(zip(files, files[1:]))):
        child.set_parent(parent)
    top = files[0][1]
    size = top.media_size
    digest = hashlib.sha256()
    out = open(sys.argv[2], "wb") if len(sys.argv) == 3 else None
    offset = 0
    while offset < size:
        data = top.read_buffer_at_offset(min(CHUNK, size - offset), offset)
        if not data:
            sys.exit("short read at offset %d of %d" % (offset, size))
        digest.update(data)
        if out:
            out.write(data)
        offset += len(data)
    if out:
        out.close()
    print("media_size", size)
    print("sha256", digest.hexdigest())
    for path, _ in files:
        print("layer", path)
    for _, image in files:
        image.close()


if __name__ == "__main__":
    main()
