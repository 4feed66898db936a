#!/usr/bin/env python3
"""heifify.py - edit the boxes of a HEIF file that heif-enc wrote, for test fixtures.

What it is for: libheif's heif-enc (Debian 12, libheif-examples) writes no
transformative properties and never a bomb, so the HEIF fixtures that need
them are made from its output by editing the ISOBMFF boxes here (standard
library only).  It never decodes or re-encodes pixels: the coded image in
'mdat' is copied byte for byte, only 'meta' changes (and the 'iloc' offsets
that point past it) -- except 'av1', which rewrites the AV1 sequence
header OBU in the item data and nothing else of the coded image.

Usage:
  heifify.py transform IN OUT irot:N|imir:N ...   append irot (N*90 degrees
                                                 counter-clockwise) / imir
                                                 (axis N) properties to the
                                                 primary item, in order
  heifify.py ispe IN OUT W H [K]                 set the K-th ispe (0: the
                                                 first, the primary's with
                                                 heif-enc) to W x H
  heifify.py grid OUT COLS ROWS W H TILE.heic ...  a grid image as an iPhone
                                                 writes one: the coded
                                                 images of the tiles (each
                                                 a heif-enc output, row by
                                                 row) as hidden items, a
                                                 'grid' primary item of
                                                 W x H (cropped from the
                                                 tiles) in 'idat'
  heifify.py sps IN OUT W H                      set pic_width/height_in_luma_samples
                                                 in the SPS of the first hvcC to
                                                 W x H (ispe stays as it was: the
                                                 coded stream lies, not the box)
  heifify.py av1 IN OUT W H                      set max_frame_width/height_minus_1
                                                 in the AV1 sequence header of the
                                                 first av01 item's data to W-1 x H-1
                                                 (the header rebuilt with wider
                                                 fields if need be, the OBU, iloc
                                                 and mdat lengths fixed up; ispe
                                                 stays as it was)
  heifify.py info FILE ...                       print the boxes (and each hvcC's
                                                 SPS size, each av1C's and av01
                                                 item's sequence header size)

Never run a decoder (heif-convert, ImageMagick) on a file 'ispe', 'sps' or
'av1' made into a bomb.
"""
import struct
import sys

CONTAINERS = {b'meta': 4, b'iprp': 0, b'ipco': 0, b'iinf': 6}


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


def iloc_items(data):
    """The items of iloc: (item, method, base position, base, [(offset position,
    offset, length)]); a position is where the field is in data."""
    typ, start, size, hdr = find(data, [b'meta', b'iloc'])
    p = start + hdr
    version = data[p]
    p += 4
    off_size, len_size = data[p] >> 4, data[p] & 15
    base_size, idx_size = data[p + 1] >> 4, (data[p + 1] & 15) if version else 0
    p += 2

    def rd(p, n):
        return int.from_bytes(data[p:p + n], 'big') if n else 0

    count, p = (rd(p, 2), p + 2) if version < 2 else (rd(p, 4), p + 4)
    items = []
    for _ in range(count):
        item, p = (rd(p, 2), p + 2) if version < 2 else (rd(p, 4), p + 4)
        method = 0
        if version in (1, 2):
            method = rd(p, 2) & 15
            p += 2
        p += 2  # data_reference_index
        base_pos, base = p, rd(p, base_size)
        p += base_size
        extents = []
        for _ in range(rd(p, 2)):
            q = p + 2 + idx_size
            extents.append((q, rd(q, off_size), rd(q + off_size, len_size)))
            p = q + off_size + len_size - 2
        p += 2
        items.append((item, method, base_pos, base, extents, base_size, off_size))
    return items


def shift_iloc(data, meta_end, delta):
    """Moves iloc offsets that point past meta (into mdat) by delta."""
    for item, method, base_pos, base, extents, base_size, off_size in iloc_items(data):
        if method != 0:
            continue
        if base and base >= meta_end:
            data[base_pos:base_pos + base_size] = (base + delta).to_bytes(base_size, 'big')
        elif not base:
            for pos, off, length in extents:
                if off >= meta_end:
                    data[pos:pos + off_size] = (off + delta).to_bytes(off_size, 'big')


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


def box(typ, body):
    return struct.pack('>I4s', 8 + len(body), typ) + body


def full(typ, version, flags, body):
    return box(typ, struct.pack('>I', (version << 24) | flags) + body)


def tile_parts(path):
    """(hvcC box, ispe box, coded bytes) of the primary item of a heif-enc file."""
    data = bytearray(open(path, 'rb').read())
    ipco = find(data, [b'meta', b'iprp', b'ipco'])
    props = {b[0]: bytes(data[b[1]:b[1] + b[2]])
             for b in boxes(data, ipco[1] + 8, ipco[1] + ipco[2])
             if b[0] in (b'hvcC', b'ispe')}
    item, method, base_pos, base, extents, _, _ = iloc_items(data)[0]
    assert method == 0 and len(extents) == 1, 'a tile must be one coded image'
    off, length = base + extents[0][1], extents[0][2]
    return props[b'hvcC'], props[b'ispe'], bytes(data[off:off + length])


def grid(out, cols, rows, width, height, tiles):
    parts = [tile_parts(t) for t in tiles]
    n = len(parts)
    assert n == cols * rows
    gid = n + 1
    hdlr = full(b'hdlr', 0, 0, struct.pack('>I4s12x', 0, b'pict') + b'\0')
    pitm = full(b'pitm', 0, 0, struct.pack('>H', gid))
    infes = b''.join(full(b'infe', 2, 1, struct.pack('>HH4s', i + 1, 0, b'hvc1') + b'\0')
                     for i in range(n))
    infes += full(b'infe', 2, 0, struct.pack('>HH4s', gid, 0, b'grid') + b'\0')
    iinf = full(b'iinf', 0, 0, struct.pack('>H', n + 1) + infes)
    iref = full(b'iref', 0, 0, box(b'dimg', struct.pack('>HH', gid, n) +
                                   b''.join(struct.pack('>H', i + 1) for i in range(n))))
    idat = box(b'idat', struct.pack('>BBBBHH', 0, 0, rows - 1, cols - 1, width, height))
    # properties: each tile's hvcC, the tiles' ispe (all alike), the grid's ispe
    ipco_body = b''.join(p[0] for p in parts) + parts[0][1] + \
        full(b'ispe', 0, 0, struct.pack('>II', width, height))
    ipco = box(b'ipco', ipco_body)
    entries = b''.join(struct.pack('>HBBB', i + 1, 2, 0x80 | (i + 1), n + 1) for i in range(n))
    entries += struct.pack('>HBB', gid, 1, n + 2)
    ipma = full(b'ipma', 0, 0, struct.pack('>I', n + 1) + entries)
    iprp = box(b'iprp', ipco + ipma)
    ftyp = box(b'ftyp', b'heic' + struct.pack('>I', 0) + b'mif1heic')

    def meta_with(offsets):
        locs = b''.join(struct.pack('>HHHHII', i + 1, 0, 0, 1, offsets[i], len(parts[i][2]))
                        for i in range(n))
        locs += struct.pack('>HHHHII', gid, 1, 0, 1, 0, 8)  # construction method 1: idat
        iloc = full(b'iloc', 1, 0, struct.pack('>BBH', 0x44, 0x00, n + 1) + locs)
        return full(b'meta', 0, 0, hdlr + pitm + iloc + iinf + iref + idat + iprp)

    first = len(ftyp) + len(meta_with([0] * n)) + 8
    offsets, pos = [], first
    for p in parts:
        offsets.append(pos)
        pos += len(p[2])
    mdat = box(b'mdat', b''.join(p[2] for p in parts))
    open(out, 'wb').write(ftyp + meta_with(offsets) + mdat)


def unescape(nal):
    """A NAL unit without its emulation prevention bytes (00 00 03)."""
    out, zeros = bytearray(), 0
    for b in nal:
        if zeros >= 2 and b == 3:
            zeros = 0
            continue
        out.append(b)
        zeros = zeros + 1 if b == 0 else 0
    return bytes(out)


def escape(rbsp):
    out, zeros = bytearray(), 0
    for b in rbsp:
        if zeros >= 2 and b <= 3:
            out.append(3)
            zeros = 0
        out.append(b)
        zeros = zeros + 1 if b == 0 else 0
    return bytes(out)


def sps_fields(bits):
    """(bit position of pic_width_in_luma_samples, of what follows the
    height, width, height) in an SPS given as a string of '0'/'1'."""
    def ue(p):
        z = 0
        while bits[p + z] == '0':
            z += 1
        return int(bits[p + z:p + 2 * z + 1], 2) - 1, p + 2 * z + 1
    p = 16 + 4
    max_sub = int(bits[p:p + 3], 2)
    p += 4 + 96  # temporal_id_nesting_flag, general profile_tier_level
    flags = []
    for _ in range(max_sub):
        flags.append((bits[p] == '1', bits[p + 1] == '1'))
        p += 2
    if max_sub:
        p += 2 * (8 - max_sub)
    for profile, level in flags:
        p += (88 if profile else 0) + (8 if level else 0)
    _, p = ue(p)  # sps_seq_parameter_set_id
    chroma, p = ue(p)
    if chroma == 3:
        p += 1
    start = p
    w, p = ue(p)
    h, p = ue(p)
    return start, p, w, h


def sps_size(nal):
    r = unescape(nal)
    return sps_fields(''.join('%08d' % int(bin(b)[2:]) for b in r))[2:]


def sps_resize(nal, w, h):
    r = unescape(nal)
    bits = ''.join('%08d' % int(bin(b)[2:]) for b in r)
    start, end, _, _ = sps_fields(bits)

    def ue(v):
        x = bin(v + 1)[2:]
        return '0' * (len(x) - 1) + x
    rest = bits[end:].rstrip('0')[:-1]  # without rbsp_stop_one_bit and alignment
    out = bits[:start] + ue(w) + ue(h) + rest + '1'
    out += '0' * (-len(out) % 8)
    return escape(bytes(int(out[i:i + 8], 2) for i in range(0, len(out), 8)))


def hvcc_nals(body):
    """(position, length) in body of each NAL unit of an hvcC."""
    out, p = [], 23
    for _ in range(body[22]):
        count = struct.unpack('>H', body[p + 1:p + 3])[0]
        p += 3
        for _ in range(count):
            n = struct.unpack('>H', body[p:p + 2])[0]
            out.append((p + 2, n))
            p += 2 + n
    return out


def set_sps(data, w, h):
    meta = find(data, [b'meta'])
    meta_end = meta[1] + meta[2]
    typ, start, size, hdr = find(data, [b'meta', b'iprp', b'ipco', b'hvcC'])
    body = bytes(data[start + hdr:start + size])
    new, last = bytearray(), 0
    for pos, n in hvcc_nals(body):
        if (body[pos] >> 1) & 0x3f == 33:
            sps = sps_resize(body[pos:pos + n], w, h)
            new += body[last:pos - 2] + struct.pack('>H', len(sps)) + sps
            last = pos + n
    new += body[last:]
    delta = len(new) - len(body)
    assert delta >= 0, 'a smaller SPS is not handled'
    data[start + hdr:start + size] = new[:len(body)]
    grow(data, [b'meta', b'iprp', b'ipco', b'hvcC'], start + size, new[len(body):])
    shift_iloc(data, meta_end, delta)
    return data


def bitstring(data):
    return ''.join('{:08b}'.format(b) for b in data)


def av1_seq_fields(bits):
    """(bit position of frame_width_bits_minus_1, of what follows
    max_frame_height_minus_1, width, height) in an AV1 sequence header
    OBU's payload (AV1 5.5.1) given as a string of '0'/'1'."""
    p = [0]

    def f(n):
        v = int(bits[p[0]:p[0] + n], 2) if n else 0
        p[0] += n
        return v

    def uvlc():
        z = 0
        while bits[p[0]] == '0':
            z += 1
            p[0] += 1
        p[0] += 1
        return f(z) + (1 << z) - 1 if z < 32 else (1 << 32) - 1

    f(3)  # seq_profile
    f(1)  # still_picture
    if f(1):  # reduced_still_picture_header
        f(5)
    else:
        decoder_model, delay_len = False, 0
        if f(1):  # timing_info_present_flag
            f(64)
            if f(1):
                uvlc()
            decoder_model = f(1) == 1
            if decoder_model:
                delay_len = f(5) + 1
                f(32 + 10)
        initial_delay = f(1) == 1
        for _ in range(f(5) + 1):
            f(12)
            if f(5) > 7:
                f(1)
            if decoder_model and f(1):
                f(2 * delay_len + 1)
            if initial_delay and f(1):
                f(4)
    start = p[0]
    wb, hb = f(4) + 1, f(4) + 1
    w, h = f(wb) + 1, f(hb) + 1
    return start, p[0], w, h


def av1_seq_resize(payload, w, h):
    """The payload of a sequence header OBU declaring a W x H frame, its
    frame_width/height_bits_minus_1 the fewest bits that hold W-1 and H-1."""
    bits = bitstring(payload)
    start, end, _, _ = av1_seq_fields(bits)
    wb, hb = max((w - 1).bit_length(), 1), max((h - 1).bit_length(), 1)
    assert wb <= 16 and hb <= 16, 'AV1 frame sizes have at most 16 bits'
    rest = bits[end:].rstrip('0')[:-1]  # without trailing_bits()
    out = bits[:start] + '{:04b}{:04b}'.format(wb - 1, hb - 1) + \
        '{:0{}b}'.format(w - 1, wb) + '{:0{}b}'.format(h - 1, hb) + rest + '1'
    out += '0' * (-len(out) % 8)
    return bytes(int(out[i:i + 8], 2) for i in range(0, len(out), 8))


def leb128(v):
    out = bytearray()
    while True:
        out.append((v & 0x7f) | (0x80 if v > 0x7f else 0))
        v >>= 7
        if not v:
            return bytes(out)


def av1_obus(data, off, end):
    """(type, start, payload start, payload size) of each OBU in
    data[off:end] (the low-overhead format: a unit without obu_size runs to
    the end)."""
    out = []
    while off < end:
        h, p = data[off], off + 1
        if h & 4:
            p += 1
        size = end - p
        if h & 2:
            size, shift = 0, 0
            while True:
                b = data[p]
                p += 1
                size |= (b & 0x7f) << shift
                shift += 7
                if not b & 0x80:
                    break
        out.append(((h >> 3) & 15, off, p, size))
        off = p + size
    return out


def av01_items(data):
    """The iloc entries (as iloc_items gives them) of the av01 items."""
    iinf = find(data, [b'meta', b'iinf'])
    av01 = set()
    for typ, start, size, hdr in boxes(data, iinf[1] + iinf[3] + 6, iinf[1] + iinf[2]):
        if typ == b'infe' and data[start + 8] >= 2:
            wide = data[start + 8] == 3
            item = int.from_bytes(data[start + 12:start + (16 if wide else 14)], 'big')
            kind = data[start + (18 if wide else 16):start + (22 if wide else 20)]
            if kind == b'av01':
                av01.add(item)
    return [i for i in iloc_items(data) if i[0] in av01]


def set_av1(data, w, h):
    item, method, base_pos, base, extents, _, off_size = av01_items(data)[0]
    assert method == 0 and len(extents) == 1, 'one extent in mdat only'
    ext_pos, ext_off, ext_len = extents[0]
    first = base + ext_off
    seq = next(o for o in av1_obus(data, first, first + ext_len) if o[0] == 1)
    typ, start, pstart, psize = seq
    assert data[start] & 2, 'a sequence header without obu_size is not handled'
    payload = av1_seq_resize(bytes(data[pstart:pstart + psize]), w, h)
    hdr_len = 2 if data[start] & 4 else 1
    obu = bytes(data[start:start + hdr_len]) + leb128(len(payload)) + payload
    delta = len(obu) - (pstart + psize - start)
    mdat = next(b for b in boxes(data, 0, len(data)) if b[0] == b'mdat')
    data[start:pstart + psize] = obu
    # mdat, the item's extent and the extents after it
    assert mdat[3] == 8 and mdat[1] < start < mdat[1] + mdat[2]
    data[mdat[1]:mdat[1] + 4] = struct.pack('>I', mdat[2] + delta)
    len_size = (data[find(data, [b'meta', b'iloc'])[1] + 12] & 15)
    data[ext_pos + off_size:ext_pos + off_size + len_size] = \
        (ext_len + delta).to_bytes(len_size, 'big')
    for it in iloc_items(data):
        if it[1] != 0:
            continue
        if it[3] and it[3] > start:
            data[it[2]:it[2] + it[5]] = (it[3] + delta).to_bytes(it[5], 'big')
        elif not it[3]:
            for pos, off, length in it[4]:
                if off > start:
                    data[pos:pos + it[6]] = (off + delta).to_bytes(it[6], 'big')
    return data


def av1_sizes(data, off, end):
    return ''.join(' seq %dx%d' % av1_seq_fields(bitstring(data[p:p + n]))[2:]
                   for t, s, p, n in av1_obus(data, off, end) if t == 1)


def info(path):
    data = open(path, 'rb').read()

    def show(off, end, depth):
        for typ, start, size, hdr in boxes(data, off, end):
            extra = ''
            if typ == b'ispe':
                extra = ' %dx%d' % struct.unpack('>II', data[start + 12:start + 20])
            elif typ in (b'irot', b'imir'):
                extra = ' %d' % data[start + 8]
            elif typ == b'hvcC':
                body = data[start + hdr:start + size]
                extra = ''.join(' SPS %dx%d' % sps_size(body[p:p + n])
                                for p, n in hvcc_nals(body) if (body[p] >> 1) & 0x3f == 33)
            elif typ == b'av1C':
                extra = av1_sizes(data, start + hdr + 4, start + size)
            print('%s%s %d%s' % ('  ' * depth, typ.decode('latin1'), size, extra))
            if typ in CONTAINERS:
                show(start + hdr + CONTAINERS[typ], start + size, depth + 1)
    print(path)
    show(0, len(data), 1)
    for it in av01_items(data):
        if it[1] == 0 and len(it[4]) == 1:
            first = it[3] + it[4][0][1]
            print('  av01 item %d, %d bytes:%s' % (it[0], it[4][0][2],
                                                  av1_sizes(data, first, first + it[4][0][2])))


def main(argv):
    cmd = argv[1]
    if cmd == 'info':
        for path in argv[2:]:
            info(path)
        return
    if cmd == 'grid':
        grid(argv[2], int(argv[3]), int(argv[4]), int(argv[5]), int(argv[6]), argv[7:])
        return
    data = bytearray(open(argv[2], 'rb').read())
    if cmd == 'transform':
        data = transform(data, argv[4:])
    elif cmd == 'av1':
        data = set_av1(data, int(argv[4]), int(argv[5]))
    elif cmd == 'sps':
        data = set_sps(data, int(argv[4]), int(argv[5]))
    elif cmd == 'ispe':
        data = set_ispe(data, int(argv[4]), int(argv[5]), int(argv[6]) if len(argv) > 6 else 0)
    else:
        sys.exit(__doc__)
    open(argv[3], 'wb').write(bytes(data))


if __name__ == '__main__':
    main(sys.argv)
