#!/usr/bin/env python3
"""bombify.py - turn small real images into "decompression bomb" test fixtures.

Python 3 standard library only.  Used by scripts/make-fixtures.sh.

A decompression bomb here is a *small* file (a few hundred bytes) whose
header declares a huge raster (by default 60000 x 60000 = 3.6 Gpixel, i.e.
~14 GB as a 32 bpp leptonica Pix).  Code under test must reject such files
by looking at the declared dimensions *before* decoding.  The pixel data is
left as it was in the small source image, so a decoder that trusts the header
will either try to allocate the huge buffer or fail on truncated data.

Usage:
    bombify.py patch SRC DST [WIDTH HEIGHT]
        Copy SRC to DST, rewriting the dimension fields of the header.
        The format is detected from the magic bytes of SRC:
          PNG   IHDR width/height, IHDR CRC32 recomputed.
          JPEG  height/width of every SOFn frame header (SOF0, SOF1, SOF2, ...).
          TIFF  ImageWidth (256) / ImageLength (257) in the first IFD;
                SHORT or LONG, little or big endian (SHORT holds <= 65535).
                RowsPerStrip (278), if present, is set to the new height so
                the single-strip layout (StripOffsets count) stays consistent.
          WebP  a VP8X chunk declaring the canvas WIDTH x HEIGHT (24-bit
                width-1/height-1 fields) is inserted (or an existing VP8X is
                patched); the inner VP8L/VP8 image chunk is kept unchanged.
                Note: VP8L/VP8 bitstreams cannot express more than 16384 /
                16383 pixels per side, so the big size can only live in VP8X.
          GIF   logical screen descriptor AND the first image descriptor.
          BMP   BITMAPINFOHEADER biWidth/biHeight (biSizeImage set to 0,
                which is legal for BI_RGB).
          PNM   (P1-P6) the text header is rewritten to "Px\\nW H\\n[maxval\\n]"
                and the first 64 bytes of the original raster are kept.
    bombify.py webp-vp8l SRC DST [WIDTH HEIGHT]
        Patch the 14-bit width-1/height-1 fields of a simple (no VP8X)
        lossless VP8L WebP file; WIDTH/HEIGHT must be <= 16384.
    bombify.py wide-png DST WIDTH HEIGHT
        Write a real, fully decodable, all-white 8-bit grayscale PNG of the
        given size (zlib level 9).  Used for huge-side.png (40000 x 10):
        tiny pixel count but wider than tesseract's 32767 px limit.
        (ImageMagick's Debian policy forbids images wider than 16K px, which
        is why this is generated here.)
    bombify.py info FILE...
        Print "FILE FORMAT WIDTHxHEIGHT" as read from the header only
        (nothing is decoded).  Exit status 1 if a file cannot be parsed.
"""

import struct
import sys
import zlib

DEFAULT_W = 60000
DEFAULT_H = 60000


def detect(data):
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:2] == b"BM":
        return "bmp"
    if data[:1] == b"P" and data[1:2] in b"123456" and len(data) > 2 and data[2:3].isspace():
        return "pnm"
    raise ValueError("unknown image format")


# ---------------------------------------------------------------- PNG
def png_chunks(data):
    pos = 8
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        yield pos, length, ctype
        pos += 12 + length
        if ctype == b"IEND":
            break


def png_patch(data, w, h):
    data = bytearray(data)
    pos, length, ctype = next(png_chunks(data))
    if ctype != b"IHDR" or length != 13:
        raise ValueError("PNG: first chunk is not IHDR")
    struct.pack_into(">II", data, pos + 8, w, h)
    crc = zlib.crc32(bytes(data[pos + 4:pos + 8 + length])) & 0xFFFFFFFF
    struct.pack_into(">I", data, pos + 8 + length, crc)
    return bytes(data)


def png_info(data):
    pos, length, ctype = next(png_chunks(data))
    if ctype != b"IHDR":
        raise ValueError("PNG: first chunk is not IHDR")
    w, h = struct.unpack(">II", data[pos + 8:pos + 16])
    crc = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
    if crc != zlib.crc32(data[pos + 4:pos + 8 + length]) & 0xFFFFFFFF:
        raise ValueError("PNG: bad IHDR CRC")
    return w, h


def png_write_white(path, w, h):
    raw = (b"\x00" + b"\xff" * w) * h          # filter type 0 + white row
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)   # 8-bit gray

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)

    out = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
           + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(out)


# ---------------------------------------------------------------- JPEG
SOF_MARKERS = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def jpeg_sofs(data):
    """Yield offsets of SOFn segment markers (the 0xFF byte)."""
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise ValueError("JPEG: lost marker sync at %d" % pos)
        marker = data[pos + 1]
        if marker == 0xFF:          # fill byte
            pos += 1
            continue
        if marker == 0xD9 or marker == 0xDA:   # EOI / start of scan
            break
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        seglen = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        if marker in SOF_MARKERS:
            yield pos
        pos += 2 + seglen


def jpeg_patch(data, w, h):
    if w > 65535 or h > 65535:
        raise ValueError("JPEG: dimensions are 16-bit")
    data = bytearray(data)
    n = 0
    for pos in jpeg_sofs(data):
        # FF Cn | Lf(2) | P(1) | Y(2) height | X(2) width
        struct.pack_into(">HH", data, pos + 5, h, w)
        n += 1
    if not n:
        raise ValueError("JPEG: no SOF marker")
    return bytes(data)


def jpeg_info(data):
    for pos in jpeg_sofs(data):
        h, w = struct.unpack(">HH", data[pos + 5:pos + 9])
        return w, h
    raise ValueError("JPEG: no SOF marker")


# ---------------------------------------------------------------- TIFF
def tiff_entries(data):
    e = "<" if data[:2] == b"II" else ">"
    ifd = struct.unpack(e + "I", data[4:8])[0]
    n = struct.unpack(e + "H", data[ifd:ifd + 2])[0]
    for i in range(n):
        off = ifd + 2 + 12 * i
        tag, typ, count = struct.unpack(e + "HHI", data[off:off + 8])
        yield e, off, tag, typ, count


def tiff_patch(data, w, h):
    data = bytearray(data)
    done = set()
    for e, off, tag, typ, count in tiff_entries(data):
        if tag not in (256, 257, 278):
            continue
        # RowsPerStrip (278) is raised to the new height too, so the file still
        # has exactly one strip and libtiff accepts the directory as valid.
        val = w if tag == 256 else h
        if count != 1:
            raise ValueError("TIFF: tag %d has count %d" % (tag, count))
        if typ == 3:            # SHORT: value left-justified in the 4-byte field
            if val > 65535:
                raise ValueError("TIFF: %d does not fit a SHORT" % val)
            struct.pack_into(e + "HH", data, off + 8, val, 0)
        elif typ == 4:          # LONG
            struct.pack_into(e + "I", data, off + 8, val)
        else:
            raise ValueError("TIFF: tag %d has type %d" % (tag, typ))
        done.add(tag)
    if not {256, 257} <= done:
        raise ValueError("TIFF: ImageWidth/ImageLength not found")
    return bytes(data)


def tiff_info(data):
    vals = {}
    for e, off, tag, typ, count in tiff_entries(data):
        if tag in (256, 257):
            fmt = e + ("H" if typ == 3 else "I")
            vals[tag] = struct.unpack(fmt, data[off + 8:off + 8 + struct.calcsize(fmt)])[0]
    return vals[256], vals[257]


# ---------------------------------------------------------------- WebP
def webp_chunks(data):
    pos = 12
    while pos + 8 <= len(data):
        fourcc, size = struct.unpack("<4sI", data[pos:pos + 8])
        yield pos, fourcc, size
        pos += 8 + size + (size & 1)


def u24(v):
    return struct.pack("<I", v)[:3]


def webp_patch(data, w, h):
    if not (1 <= w <= 1 << 24 and 1 <= h <= 1 << 24):
        raise ValueError("WebP: VP8X canvas is 24-bit")
    chunks = list(webp_chunks(data))
    first_pos, first_cc, _ = chunks[0]
    if first_cc == b"VP8X":
        data = bytearray(data)
        data[first_pos + 12:first_pos + 18] = u24(w - 1) + u24(h - 1)
        return bytes(data)
    if first_cc not in (b"VP8L", b"VP8 "):
        raise ValueError("WebP: unexpected first chunk %r" % first_cc)
    flags = 0
    if first_cc == b"VP8L":
        # VP8L header: 0x2f, then 14 bits w-1, 14 bits h-1, 1 bit alpha_is_used
        bits = struct.unpack("<I", data[first_pos + 9:first_pos + 13])[0]
        if (bits >> 28) & 1:
            flags |= 0x10                      # ALPHA flag
    vp8x = b"VP8X" + struct.pack("<I", 10) + bytes([flags, 0, 0, 0]) + u24(w - 1) + u24(h - 1)
    body = b"WEBP" + vp8x + data[12:]
    return b"RIFF" + struct.pack("<I", len(body)) + body


def webp_vp8l_patch(data, w, h):
    if not (1 <= w <= 16384 and 1 <= h <= 16384):
        raise ValueError("VP8L: dimensions are 14-bit (max 16384)")
    pos, cc, _ = next(webp_chunks(data))
    if cc != b"VP8L" or data[pos + 8] != 0x2F:
        raise ValueError("not a simple VP8L WebP file")
    data = bytearray(data)
    bits = struct.unpack("<I", data[pos + 9:pos + 13])[0]
    bits = (bits & ~0x0FFFFFFF) | (w - 1) | ((h - 1) << 14)
    struct.pack_into("<I", data, pos + 9, bits)
    return bytes(data)


def webp_info(data):
    pos, cc, size = next(webp_chunks(data))
    if cc == b"VP8X":
        c = data[pos + 12:pos + 18]
        return (int.from_bytes(c[0:3], "little") + 1, int.from_bytes(c[3:6], "little") + 1)
    if cc == b"VP8L":
        bits = struct.unpack("<I", data[pos + 9:pos + 13])[0]
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if cc == b"VP8 ":
        w, h = struct.unpack("<HH", data[pos + 14:pos + 18])
        return w & 0x3FFF, h & 0x3FFF
    raise ValueError("WebP: unexpected first chunk %r" % cc)


# ---------------------------------------------------------------- GIF
def gif_image_descriptor(data):
    pos = 13
    packed = data[10]
    if packed & 0x80:
        pos += 3 * (2 << (packed & 7))
    while pos < len(data):
        b = data[pos]
        if b == 0x2C:
            return pos
        if b == 0x21:                       # extension: label + sub-blocks
            pos += 2
            while data[pos] != 0:
                pos += 1 + data[pos]
            pos += 1
        else:
            raise ValueError("GIF: unexpected block 0x%02x" % b)
    raise ValueError("GIF: no image descriptor")


def gif_patch(data, w, h):
    if w > 65535 or h > 65535:
        raise ValueError("GIF: dimensions are 16-bit")
    data = bytearray(data)
    struct.pack_into("<HH", data, 6, w, h)            # logical screen
    pos = gif_image_descriptor(data)
    struct.pack_into("<HH", data, pos + 5, w, h)      # after sep, left, top
    return bytes(data)


def gif_info(data):
    sw, sh = struct.unpack("<HH", data[6:10])
    pos = gif_image_descriptor(data)
    iw, ih = struct.unpack("<HH", data[pos + 5:pos + 9])
    if (sw, sh) != (iw, ih):
        raise ValueError("GIF: screen %dx%d != image %dx%d" % (sw, sh, iw, ih))
    return sw, sh


# ---------------------------------------------------------------- BMP
def bmp_patch(data, w, h):
    data = bytearray(data)
    hdr = struct.unpack("<I", data[14:18])[0]
    if hdr < 40:
        raise ValueError("BMP: not a BITMAPINFOHEADER (size %d)" % hdr)
    struct.pack_into("<ii", data, 18, w, h)
    struct.pack_into("<I", data, 34, 0)       # biSizeImage: 0 is valid for BI_RGB
    return bytes(data)


def bmp_info(data):
    w, h = struct.unpack("<ii", data[18:26])
    return w, abs(h)


# ---------------------------------------------------------------- PNM
def pnm_header(data):
    """Return (magic, [numbers], offset of raster)."""
    magic = data[:2].decode()
    want = 2 if magic in ("P1", "P4") else 3
    nums, pos = [], 2
    while len(nums) < want:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            while data[pos:pos + 1] not in (b"\n", b"\r"):
                pos += 1
            continue
        start = pos
        while data[pos:pos + 1].isdigit():
            pos += 1
        nums.append(int(data[start:pos]))
    return magic, nums, pos + 1         # single whitespace before raster


def pnm_patch(data, w, h):
    magic, nums, raster = pnm_header(data)
    hdr = "%s\n%d %d\n" % (magic, w, h)
    if len(nums) == 3:
        hdr += "%d\n" % nums[2]
    return hdr.encode() + data[raster:raster + 64]


def pnm_info(data):
    magic, nums, _ = pnm_header(data)
    return nums[0], nums[1]


PATCH = dict(png=png_patch, jpeg=jpeg_patch, tiff=tiff_patch, webp=webp_patch,
             gif=gif_patch, bmp=bmp_patch, pnm=pnm_patch)
INFO = dict(png=png_info, jpeg=jpeg_info, tiff=tiff_info, webp=webp_info,
            gif=gif_info, bmp=bmp_info, pnm=pnm_info)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd in ("patch", "webp-vp8l") and len(args) in (2, 4):
        w, h = (int(args[2]), int(args[3])) if len(args) == 4 else (DEFAULT_W, DEFAULT_H)
        with open(args[0], "rb") as f:
            data = f.read()
        if cmd == "patch":
            out = PATCH[detect(data)](data, w, h)
        else:
            out = webp_vp8l_patch(data, w, h)
        with open(args[1], "wb") as f:
            f.write(out)
        return 0
    if cmd == "wide-png" and len(args) == 3:
        png_write_white(args[0], int(args[1]), int(args[2]))
        return 0
    if cmd == "info" and args:
        rc = 0
        for path in args:
            with open(path, "rb") as f:
                data = f.read()
            try:
                fmt = detect(data)
                w, h = INFO[fmt](data)
                print("%s %s %dx%d" % (path, fmt, w, h))
            except (ValueError, IndexError, KeyError, struct.error) as e:
                print("%s ERROR %s" % (path, e))
                rc = 1
        return rc
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
