#!/usr/bin/env python3
"""scripts/make-accuracy-fixtures.py: the fixtures that pin what
preprocess => '{auto}' decides (sql/auto_plan.sql) and how EXIF orientation
is applied (sql/exif.sql).  Run after scripts/make-fixtures.sh (it reads
hello.png and doc.png).

Usage: scripts/make-accuracy-fixtures.py [FIXTURE_DIR]   (default test/fixtures)

One fixture per failure mode auto had on pages it was not tuned on:
  auto-line.png      one scanned text line, 1547 x 46 px, binary, full of
                     tall thin strokes ([l|1] brackets): too few lines for a
                     skew estimate, glyphs a quarter of the image tall, and
                     stems that a rule finder measuring in median glyph
                     heights took for box edges.
  auto-600dpi.png    doc.png's text scanned at 600 dpi into 5.3 megapixels
                     (glyphs ~70 px): measured on a reduced copy, scaled down.
  auto-photo.jpg     a phone photo of a receipt on a dark, uneven table:
                     mostly dark (an "invert if dark" rule turned it to a
                     negative), paper edges and separator lines that are long
                     thin runs but no box.
  auto-fraktur.png   a ruled box around lines full of long s and brackets:
                     strokes over twice as tall as the median glyph; the
                     box's rules are painted, the letters' stems are not.
  auto-negative.png  doc.png as a negative (light text on black): its dark
                     components are the letters' counters and gaps, which
                     looked like 8 px type (a second, scaled pass on a page
                     that read perfectly); measured on the light ink it
                     measures as doc.png.
  auto-texture.jpg   a photo-like texture without text (plasma and grain):
                     small blobs that measure as 5 px "glyphs" and thin runs
                     that meet at corners like a ruled box.  Its paper level
                     varies by more than a quarter of the gray range (a
                     photo), so no rules are painted, and tesseract finds no word in it,
                     so it is not read again scaled up.
  auto-shadow.png    doc.png under a lamp (the light falls off from the centre
                     to 15 % at the corners): tesseract's one threshold for the
                     page loses the words in the shadow; its paper level varies
                     by over a quarter of the gray range, so auto reads it again
                     with the paper flattened, and keeps that reading.

And the EXIF fixtures: writes hello-exif1.jpg .. hello-exif8.jpg (every Orientation value, in an APP1
Exif segment), hello-exif6.tif and hello-exif7.tif (the TIFF Orientation tag), hello-exif8.png (an
eXIf chunk) and hello-exif5.webp (an EXIF chunk of an extended WebP).  Each
file stores the inverse of its orientation's transform applied to hello.png,
so a viewer that honours the tag shows exactly hello.png.  Needs ImageMagick
(/usr/bin/convert) for the pixel transforms and encoders; the tags are
written here, byte by byte, so the result does not depend on what
ImageMagick does with EXIF.  Deterministic: metadata stripped.
"""
import os
import struct
import subprocess
import sys
import zlib

# what turns the upright page into the stored one, per Orientation value
# (the inverse of what a viewer applies)
STORE = {1: [], 2: ["-flop"], 3: ["-rotate", "180"], 4: ["-flip"], 5: ["-transpose"],
         6: ["-rotate", "270"], 7: ["-transverse"], 8: ["-rotate", "90"]}
CONVERT = os.environ.get("CONVERT", "/usr/bin/convert")


def tiff_blob(orientation):
    """A big-endian TIFF structure whose IFD0 holds only Orientation."""
    return (b"MM\0*" + struct.pack(">I", 8) + struct.pack(">H", 1) +
            struct.pack(">HHIHH", 274, 3, 1, orientation, 0) + struct.pack(">I", 0))


def encode(src, orientation, fmt):
    args = [CONVERT, src] + STORE[orientation] + ["+repage", "-strip"]
    if fmt == "webp":
        args += ["-define", "webp:lossless=true"]
    if fmt == "tif":
        args += ["-compress", "lzw", "-orient", ORIENT_NAMES[orientation]]
    return subprocess.run(args + ["%s:-" % ("tiff" if fmt == "tif" else fmt)],
                          check=True, capture_output=True).stdout


ORIENT_NAMES = {1: "TopLeft", 2: "TopRight", 3: "BottomRight", 4: "BottomLeft",
                5: "LeftTop", 6: "RightTop", 7: "RightBottom", 8: "LeftBottom"}


def jpeg_with_exif(data, orientation):
    assert data[:2] == b"\xff\xd8"
    payload = b"Exif\0\0" + tiff_blob(orientation)
    return data[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + data[2:]


def png_with_exif(data, orientation):
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    ihdr_end = 8 + 12 + struct.unpack(">I", data[8:12])[0]
    body = tiff_blob(orientation)
    chunk = struct.pack(">I", len(body)) + b"eXIf" + body + \
        struct.pack(">I", zlib.crc32(b"eXIf" + body) & 0xffffffff)
    return data[:ihdr_end] + chunk + data[ihdr_end:]


def webp_with_exif(data, orientation, width, height):
    """Simple (VP8L) WebP -> extended: VP8X with the EXIF flag, image, EXIF."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    image = data[12:]
    vp8x = b"VP8X" + struct.pack("<I", 10) + bytes([0x08, 0, 0, 0]) + \
        (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    body = tiff_blob(orientation)
    exif = b"EXIF" + struct.pack("<I", len(body)) + body + (b"\0" if len(body) & 1 else b"")
    riff = b"WEBP" + vp8x + image + exif
    return b"RIFF" + struct.pack("<I", len(riff)) + riff


def convert(*args):
    subprocess.run([CONVERT] + list(args), check=True)


FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
FONT_CONDENSED = "/usr/share/fonts/truetype/dejavu/DejaVuSerifCondensed.ttf"
FONT_MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
GRAY_PNG = ["-colorspace", "Gray", "-depth", "8", "-strip", "-define", "png:include-chunk=pHYs",
            "-define", "png:exclude-chunks=date,time", "-define", "png:color-type=0",
            "-define", "png:bit-depth=8"]


def failure_modes(out):
    j = lambda name: os.path.join(out, name)
    # one line of text: 1547 x 46, binary, 100 dpi
    convert("-size", "1547x46", "xc:white", "-font", FONT, "-pointsize", "26", "-fill", "black",
            "-annotate", "+12+33", "[Illinois] (1 lull) {bill} |fill| ill-will, lilt; 1911 [tall]",
            "-threshold", "50%", *GRAY_PNG, "-units", "PixelsPerInch", "-density", "100",
            j("auto-line.png"))
    # doc.png at 3.5x, 600 dpi
    convert(j("doc.png"), "-filter", "Triangle", "-resize", "350%", "-threshold", "50%",
            *GRAY_PNG, "-units", "PixelsPerInch", "-density", "600", j("auto-600dpi.png"))
    # receipt photo: paper with text and separators on a dark gradient table
    receipt = j("auto-photo-paper.tmp.png")
    convert("-size", "420x700", "xc:#eeeae0", "-font", FONT_MONO, "-pointsize", "20",
            "-fill", "#202020", "-annotate", "+30+60",
            "CORNER STORE\n12 MAIN STREET\n--------------------------\n"
            "MILK 2L            2.49\nBREAD              1.99\nAPPLES 1KG         3.20\n"
            "COFFEE BEANS       8.75\n--------------------------\nTOTAL             16.43\n"
            "CASH              20.00\nCHANGE             3.57\n\nTHANK YOU",
            "-stroke", "#303030", "-strokewidth", "2", "-draw", "line 30,540 390,540", receipt)
    convert("-size", "900x1300", "gradient:#3a2a1e-#6a5440", "-seed", "3", "-attenuate", "0.4",
            "+noise", "Gaussian", receipt, "-geometry", "+240+260", "-composite",
            "-blur", "0x0.6", "-strip", "-quality", "88", j("auto-photo.jpg"))
    os.remove(receipt)
    # Fraktur-like: long s, brackets, f, l in a ruled box; mostly x-height
    # letters, so the tall strokes are over twice the median glyph height
    convert("-size", "1100x420", "xc:white", "-font", FONT, "-pointsize", "30",
            "-fill", "black", "-annotate", "+70+95",
            "[ſo] ein neuer ſinn, (ſo) ſeine waare\nmuſs uns ſo (ſo) immer ſein, [ſie]\n"
            "er ſah es nun an (ſo) wie ein ſaum\n{ſo} zu ſeiner ruhe, ſo waren [ſie]",
            "-fill", "none", "-stroke", "black", "-strokewidth", "2",
            "-draw", "rectangle 40,40 1060,380", *GRAY_PNG, "-units", "PixelsPerInch",
            "-density", "300", j("auto-fraktur.png"))
    # doc.png as a negative
    convert(j("doc.png"), "-negate", *GRAY_PNG, j("auto-negative.png"))
    # doc.png under a lamp: the light falls off from the centre to 15 %
    size = subprocess.run(["identify", "-format", "%wx%h", j("doc.png")], check=True,
                          capture_output=True, text=True).stdout
    convert(j("doc.png"), "(", "-size", size, "radial-gradient:white-gray15", ")",
            "-compose", "multiply", "-composite", *GRAY_PNG, j("auto-shadow.png"))
    # texture: a warm plasma with grain, no text
    convert("-seed", "5", "-size", "640x400", "plasma:tan-sienna", "-blur", "0x2", "-seed", "4",
            "-attenuate", "0.3", "+noise", "Gaussian", "-strip", "-quality", "85",
            j("auto-texture.jpg"))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures")
    failure_modes(out)
    src = os.path.join(out, "hello.png")
    w, h = 528, 90  # hello.png
    for o in range(1, 9):
        with open(os.path.join(out, "hello-exif%d.jpg" % o), "wb") as f:
            f.write(jpeg_with_exif(encode(src, o, "jpeg"), o))
    for o in (6, 7):
        with open(os.path.join(out, "hello-exif%d.tif" % o), "wb") as f:
            f.write(encode(src, o, "tif"))
    with open(os.path.join(out, "hello-exif8.png"), "wb") as f:
        f.write(png_with_exif(encode(src, 8, "png"), 8))
    with open(os.path.join(out, "hello-exif5.webp"), "wb") as f:
        sw, sh = (h, w)  # orientation 5 stores the page transposed
        f.write(webp_with_exif(encode(src, 5, "webp"), 5, sw, sh))


if __name__ == "__main__":
    main()
