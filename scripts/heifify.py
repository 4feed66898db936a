#!/usr/bin/env python3
"""heifify.py - edit the boxes of a HEIF file that heif-enc wrote, for test fixtures.

What it is for: libheif's heif-enc (Debian 12, libheif-examples) writes no
transformative properties and never a bomb, so the HEIF fixtures that need
them are made from its output by editing the ISOBMFF boxes here (standard
library only).  It never decodes or re-encodes pixels: the coded image in
'mdat' is copied byte for byte, only 'meta' changes (and the 'iloc' offsets
that point past it).

Usage:
  heifify.py transform IN OUT irot:N|imir:N ...   append irot (N*90 degrees
                                                 counter-clockwise) / imir
                                                 (axis N) properties to the
                                                 primary item, in order
  heifify.py ispe IN OUT W H [K]                 set the K-th ispe (0: the
                                                 first, the primary's with
                                                 heif-enc) to W x H
  heifify.py info FILE ...                       print the boxes

Never run a decoder (heif-convert, ImageMagick) on a file 'ispe' made into a
bomb.
"""
import struct
import sys

CONTAINERS = {b'meta': 4, b'iprp': 0, b'ipco': 0}


def boxes(data, off, end):
    """(type, start, size, header length) of each box in data[off:end]."""
    out = []
    while off < end:
        size, typ = struct.unpack('>I4s', data[off:off + 8])
        hdr = 8
        if size == 1:
            size = struct.unpack('>Q', data[off + 8:off + 16])[0]
            hdr = 16
        elif size == 0:
            size = end - off
        out.append((typ, off, size, hdr))
        off += size
    return out


def find(data, path):
    """The box at a path of types, e.g. [b'meta', b'iprp', b'ipco']."""
    off, end, box = 0, len(data), None
    for typ in path:
        box = next(b for b in boxes(data, off, end) if b[0] == typ)
        off = box[1] + box[3] + CONTAINERS.get(typ, 0)
        end = box[1] + box[2]
    return box


def grow(data, path, at, insert):
    """Inserts bytes at offset at, inside the boxes of path, fixing sizes."""
    for i in range(len(path)):
        typ, start, size, hdr = find(data, path[:i + 1])
        assert hdr == 8, 'large boxes not handled'
        data[start:start + 4] = struct.pack('>I', size + len(insert))
    data[at:at] = insert


def shift_iloc(data, meta_end, delta):
    """Moves iloc offsets that point past meta (into mdat) by delta."""
    typ, start, size, hdr = find(data, [b'meta', b'iloc'])
    p = start + hdr
    version = data[p]
    p += 4
    sizes = data[p] >> 4, data[p] & 15, data[p + 1] >> 4, (data[p + 1] & 15) if version else 0
    off_size, len_size, base_size, idx_size = sizes
    p += 2
    count, p = (struct.unpack('>H', data[p:p + 2])[0], p + 2) if version < 2 else \
        (struct.unpack('>I', data[p:p + 4])[0], p + 4)

    def rd(p, n):
        return int.from_bytes(data[p:p + n], 'big') if n else 0

    def wr(p, n, v):
        if n:
            data[p:p + n] = v.to_bytes(n, 'big')

    for _ in range(count):
        p += 2 if version < 2 else 4
        method = 0
        if version in (1, 2):
            method = rd(p, 2) & 15
            p += 2
        p += 2  # data_reference_index
        base = rd(p, base_size)
        if method == 0 and base and base >= meta_end:
            wr(p, base_size, base + delta)
        p += base_size
        extents = rd(p, 2)
        p += 2
        for _ in range(extents):
            p += idx_size
            off = rd(p, off_size)
            if method == 0 and not base and off >= meta_end:
                wr(p, off_size, off + delta)
            p += off_size + len_size


def transform(data, specs):
    props = b''
    for spec in specs:
        kind, n = spec.split(':')
        assert kind in ('irot', 'imir')
        props += struct.pack('>I4sB', 9, kind.encode(), int(n))
    meta = find(data, [b'meta'])
    meta_end = meta[1] + meta[2]
    ipco = find(data, [b'meta', b'iprp', b'ipco'])
    nprops = len(boxes(data, ipco[1] + 8, ipco[1] + ipco[2]))
    grow(data, [b'meta', b'iprp', b'ipco'], ipco[1] + ipco[2], props)
    # the primary item's ipma entry (heif-enc: version 0, 8-bit indices)
    pitm = find(data, [b'meta', b'pitm'])
    primary = struct.unpack('>H', data[pitm[1] + 12:pitm[1] + 14])[0]
    ipma = find(data, [b'meta', b'iprp', b'ipma'])
    p = ipma[1] + 8
    assert data[p] == 0 and not data[p + 3] & 1, 'ipma version/flags not handled'
    entries = struct.unpack('>I', data[p + 4:p + 8])[0]
    p += 8
    for _ in range(entries):
        item, n = struct.unpack('>HB', data[p:p + 3])
        if item == primary:
            new = bytes(0x80 | (nprops + 1 + i) for i in range(len(specs)))
            grow(data, [b'meta', b'iprp', b'ipma'], p + 3 + n, new)
            data[p + 2] = n + len(specs)
            break
        p += 3 + n
    added = len(props) + len(specs)
    shift_iloc(data, meta_end, added)
    return data


def set_ispe(data, w, h, k):
    ipco = find(data, [b'meta', b'iprp', b'ipco'])
    ispes = [b for b in boxes(data, ipco[1] + 8, ipco[1] + ipco[2]) if b[0] == b'ispe']
    start = ispes[k][1]
    data[start + 12:start + 20] = struct.pack('>II', w, h)
    return data


def info(path):
    data = open(path, 'rb').read()

    def show(off, end, depth):
        for typ, start, size, hdr in boxes(data, off, end):
            extra = ''
            if typ == b'ispe':
                extra = ' %dx%d' % struct.unpack('>II', data[start + 12:start + 20])
            elif typ in (b'irot', b'imir'):
                extra = ' %d' % data[start + 8]
            print('%s%s %d%s' % ('  ' * depth, typ.decode('latin1'), size, extra))
            if typ in CONTAINERS:
                show(start + hdr + CONTAINERS[typ], start + size, depth + 1)
    print(path)
    show(0, len(data), 1)


def main(argv):
    cmd = argv[1]
    if cmd == 'info':
        for path in argv[2:]:
            info(path)
        return
    data = bytearray(open(argv[2], 'rb').read())
    if cmd == 'transform':
        data = transform(data, argv[4:])
    elif cmd == 'ispe':
        data = set_ispe(data, int(argv[4]), int(argv[5]), int(argv[6]) if len(argv) > 6 else 0)
    else:
        sys.exit(__doc__)
    open(argv[3], 'wb').write(bytes(data))


if __name__ == '__main__':
    main(sys.argv)
