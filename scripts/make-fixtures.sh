#!/bin/sh
# Option lists ($PNGOPT, $DPI, $SEED) are split on purpose:
# shellcheck disable=SC2086
# make-fixtures.sh - regenerate the image test fixtures in test/fixtures/.
#
# Usage:  scripts/make-fixtures.sh [--no-verify] [OUTDIR]
#         (OUTDIR defaults to test/fixtures next to this script's parent dir)
#
# Requirements (Debian 12 packages): imagemagick (ImageMagick 6, called as
# /usr/bin/convert; override with CONVERT=...), fonts-dejavu-core, python3
# (standard library only), and for the verification step tesseract-ocr +
# tesseract-ocr-eng.  The output is deterministic for a given set of package
# versions: fixed fonts, sizes and seeds; metadata (timestamps, gAMA, bKGD,
# tEXt, EXIF...) is stripped with -strip and png:exclude-chunks, and PNGs only
# keep a pHYs chunk for the 300 DPI resolution.
#
# Files written (see test/fixtures/README.md for the full table):
#
#  Text images (8-bit grayscale, 300 DPI where the format can store it)
#   hello.png            "Hello imgtrans world", one line, DejaVu Sans 48 px.
#                        Basic happy path; OCR must be exactly that text.
#   hello.{jpg,tif,webp,gif,bmp,pnm}
#                        Same image in every other format leptonica 1.82
#                        reads (JPEG q90, TIFF LZW, lossless WebP, GIF,
#                        uncompressed 8-bit BMP, binary PGM P5): format
#                        detection / decoding; OCR must equal hello.png's.
#   doc.png              Two short English paragraphs (simple vocabulary for
#                        Apertium en->es); paragraph/block structure, exact OCR.
#   doc-rot90.png, doc-rot180.png, doc-rot270.png
#                        doc.png rotated clockwise by 90/180/270 degrees:
#                        orientation detection / auto-rotation.
#   doc-skew5.png        doc.png rotated 5 degrees clockwise (white fill):
#                        deskew.
#   doc-small.png        doc.png at 30% size (glyphs about 9 px high, 90 dpi):
#                        scaling small type up.
#   cheque.png           Fake Indian bank cheque (IFSC, A/C no, PAN, name,
#                        amount, date): PII detection / redaction.  The words
#                        SBIN0001234 and ABCDE1234F OCR as exact single words.
#                        (The IFSC line uses DejaVu Serif: DejaVu Sans Mono's
#                        dotted zero made tesseract read "SBINQ001234".)
#   cheque-skew7.png     cheque.png turned 7 degrees counter-clockwise (white
#                        corners): deskew and ruled-line removal.
#   doc.gt.txt, cheque.gt.txt  The text printed on doc.png / cheque.png, in
#                        reading order (lines grouped by vertical position).
#   sign.png             Photo-like colour sign (RGB, gradient background):
#                        white bold text on a blue panel, brown text on a
#                        yellow panel.  Image translation: background and
#                        ink colours, the README pictures.
#
#  Degenerate but valid images
#   tiny.png             1x1 white pixel.
#   blank.png            200x100 white, no text: OCR yields empty text.
#   huge-side.png        Real, decodable all-white 40000x10 PNG (400 kpixel,
#                        but wider than tesseract's 32767 px limit).
#
#  Bad inputs
#   truncated.png        First half of hello.png's bytes.
#   truncated.jpg        First half of hello.jpg's bytes.
#   random.bin           4096 bytes from Python random.Random(42).randbytes().
#   notimage.txt         A few lines of plain text.
#   progressive.jpg      hello.png as a progressive JPEG (ImageMagick's scans).
#   scans.jpg            progressive.jpg with its smallest scan repeated to 150
#                        scans: over the 100 imgtrans decodes (libjpeg decodes
#                        every scan over the whole image, uninterruptibly)
#
#  Decompression bombs: tiny files whose header declares 60000x60000 pixels
#  (3.6 Gpixel); made from 16x16 images by scripts/bombify.py:
#   bomb.png bomb.jpg bomb.tif bomb.webp bomb.gif bomb.bmp bomb.pnm
#   bomb-vp8l.webp       Simple lossless WebP whose VP8L header declares the
#                        format maximum 16384x16384 (268 Mpixel, 1 GiB as a
#                        32 bpp Pix) and is internally consistent, unlike
#                        bomb.webp whose VP8X canvas disagrees with its 16x16
#                        VP8L bitstream (libwebp rejects that in WebPGetInfo).
#
# Never decode the bomb files with ImageMagick (convert/display): use
# `python3 scripts/bombify.py info FILE` to read their headers.

set -eu
export LC_ALL=C

VERIFY=1
if [ "${1:-}" = "--no-verify" ]; then VERIFY=0; shift; fi

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-"$HERE/../test/fixtures"}
CONVERT=${CONVERT:-/usr/bin/convert}
PY=${PYTHON:-python3}
BOMBIFY="$HERE/bombify.py"
FONTDIR=${FONTDIR:-/usr/share/fonts/truetype/dejavu}
SANS=$FONTDIR/DejaVuSans.ttf
SANSB=$FONTDIR/DejaVuSans-Bold.ttf
MONO=$FONTDIR/DejaVuSansMono.ttf
SERIF=$FONTDIR/DejaVuSerif.ttf

for f in "$SANS" "$SANSB" "$MONO" "$SERIF"; do
    [ -r "$f" ] || { echo "missing font $f (apt-get install fonts-dejavu-core)" >&2; exit 1; }
done
"$CONVERT" -version | grep -q ImageMagick || { echo "$CONVERT is not ImageMagick" >&2; exit 1; }

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

# Output options for 8-bit grayscale PNGs at 300 DPI with no other metadata.
# (-strip would also drop pHYs, so it is explicitly re-included.)
PNGOPT="-colorspace Gray -depth 8 -strip -units PixelsPerInch -density 300
 -define png:include-chunk=pHYs -define png:exclude-chunks=date,time
 -define png:color-type=0 -define png:bit-depth=8"
# Same for the other formats.
DPI="-strip -units PixelsPerInch -density 300"

HELLO_TEXT="Hello imgtrans world"
DOC_TEXT="The house is big. My cat sleeps on the table.
The dog is in the garden.

The weather is good today. We walk to the old
town and buy bread. The shop is near the river."

# The cheque's text in reading order, lines grouped by vertical position as
# in the dev set's ground truth (../shared/ocr-dev); tesseract itself reads
# the two columns in an order of its own.
CHEQUE_TEXT="STATE BANK OF EXAMPLE 12-03-2025
IFSC: SBIN0001234
PAY Rahul Kumar
Rupees Five Thousand Only
A/C No: 12345678901 Rs 5000.00
PAN: ABCDE1234F
Authorised Signatory"

SIGN_TEXT="Welcome to the old town

Please walk slowly

The shop is open today.
We have fresh bread."

cd "$OUT"

# ---------------------------------------------------------------- hello.*
"$CONVERT" -font "$SANS" -pointsize 48 -background white -fill black \
    label:"$HELLO_TEXT" -bordercolor white -border 16 $PNGOPT hello.png
"$CONVERT" hello.png $DPI -quality 90 -sampling-factor 1x1 hello.jpg
"$CONVERT" hello.png $DPI -depth 8 -compress lzw hello.tif
"$CONVERT" hello.png -strip -define webp:lossless=true -define webp:method=6 \
    -quality 100 hello.webp
"$CONVERT" hello.png -strip -colors 256 hello.gif
"$CONVERT" hello.png $DPI -type Grayscale -compress none BMP3:hello.bmp
"$CONVERT" hello.png -strip -depth 8 PGM:hello.pnm

# ---------------------------------------------------------------- doc*
"$CONVERT" -font "$SANS" -pointsize 40 -interline-spacing 8 \
    -background white -fill black label:"$DOC_TEXT" \
    -bordercolor white -border 60 $PNGOPT doc.png
for a in 90 180 270; do
    "$CONVERT" doc.png -rotate $a $PNGOPT doc-rot$a.png
done
"$CONVERT" doc.png -background white -rotate 5 $PNGOPT doc-skew5.png
"$CONVERT" doc.png -resize 30% $PNGOPT -density 90 doc-small.png

# ---------------------------------------------------------------- cheque
"$CONVERT" -size 1000x450 xc:'gray(245)' \
    -fill none -stroke 'gray(90)' -strokewidth 2 -draw 'rectangle 8,8 991,441' \
    -stroke 'gray(120)' -strokewidth 1 \
    -draw 'line 40,205 960,205' -draw 'line 40,265 960,265' \
    -draw 'rectangle 720,300 960,350' \
    -stroke none -fill black \
    -font "$SANSB" -pointsize 34 -annotate +40+70   'STATE BANK OF EXAMPLE' \
    -font "$SERIF" -pointsize 28 -annotate +40+114  'IFSC: SBIN0001234' \
    -font "$MONO"  -pointsize 28 -annotate +730+70  '12-03-2025' \
    -font "$SANS"  -pointsize 30 -annotate +40+190  'PAY Rahul Kumar' \
    -font "$SANS"  -pointsize 30 -annotate +40+250  'Rupees Five Thousand Only' \
    -font "$MONO"  -pointsize 28 -annotate +40+330  'A/C No: 12345678901' \
    -font "$MONO"  -pointsize 28 -annotate +40+380  'PAN: ABCDE1234F' \
    -font "$MONO"  -pointsize 28 -annotate +740+335 'Rs 5000.00' \
    -font "$SANS"  -pointsize 22 -annotate +720+400 'Authorised Signatory' \
    $PNGOPT cheque.png
"$CONVERT" cheque.png -background white -rotate -7 $PNGOPT cheque-skew7.png
printf '%s\n' "$DOC_TEXT" >doc.gt.txt
printf '%s\n' "$CHEQUE_TEXT" >cheque.gt.txt

# ---------------------------------------------------------------- sign
"$CONVERT" -size 900x480 gradient:'#c9dbe9'-'#eee3cc' \
    -fill '#1f4e8c' -draw 'roundrectangle 30,30 870,200 24,24' \
    -fill white -font "$SANSB" -pointsize 46 -annotate +70+105 'Welcome to the old town' \
    -font "$SANS" -pointsize 34 -annotate +70+165 'Please walk slowly' \
    -fill '#f2c230' -draw 'roundrectangle 30,240 870,450 24,24' \
    -fill '#4a2c0a' -font "$SANS" -pointsize 38 -annotate +70+315 'The shop is open today.' \
    -annotate +70+380 'We have fresh bread.' \
    -alpha off $DPI -define png:include-chunk=pHYs -define png:exclude-chunks=date,time \
    -define png:color-type=2 -depth 8 sign.png

# ---------------------------------------------------------------- degenerate
"$CONVERT" -size 1x1 xc:white $PNGOPT tiny.png
"$CONVERT" -size 200x100 xc:white $PNGOPT blank.png
"$PY" "$BOMBIFY" wide-png huge-side.png 40000 10

# ---------------------------------------------------------------- bad inputs
"$PY" - <<'EOF'
import random
for src, dst in (("hello.png", "truncated.png"), ("hello.jpg", "truncated.jpg")):
    data = open(src, "rb").read()
    open(dst, "wb").write(data[:len(data) // 2])
open("random.bin", "wb").write(random.Random(42).randbytes(4096))
open("notimage.txt", "w").write(
    "This is not an image.\n"
    "It is a plain text file used as a bad input for imgtrans tests.\n"
    "Hello imgtrans world\n")
EOF

"$CONVERT" hello.png -quality 90 -interlace JPEG -strip progressive.jpg
"$PY" - <<'EOF'
data = open("progressive.jpg", "rb").read()
# its scans (SOS segment and entropy-coded data); the smallest repeated
i, scans = 2, []
while data[i + 1] != 0xD9:
    seglen = int.from_bytes(data[i + 2:i + 4], "big")
    j = i + 2 + seglen
    if data[i + 1] == 0xDA:
        while not (data[j] == 0xFF and data[j + 1] not in (0x00, *range(0xD0, 0xD8))):
            j += 1
        scans.append(data[i:j])
    i = j
small = min(scans, key=len)
open("scans.jpg", "wb").write(data[:i] + small * (150 - len(scans)) + data[i:])
EOF

# ---------------------------------------------------------------- bombs
SEED="-size 16x16 gradient:white-black -colorspace Gray -depth 8 -strip"
"$CONVERT" $SEED -define png:exclude-chunks=date,time -define png:color-type=0 "$TMP/s.png"
"$CONVERT" $SEED -quality 90 "$TMP/s.jpg"
"$CONVERT" $SEED -compress lzw "$TMP/s.tif"
"$CONVERT" $SEED -define webp:lossless=true "$TMP/s.webp"
"$CONVERT" $SEED "$TMP/s.gif"
"$CONVERT" $SEED -type Grayscale -compress none "BMP3:$TMP/s.bmp"
"$CONVERT" $SEED "PGM:$TMP/s.pnm"
for ext in png jpg tif webp gif bmp pnm; do
    "$PY" "$BOMBIFY" patch "$TMP/s.$ext" "bomb.$ext" 60000 60000
done
"$PY" "$BOMBIFY" webp-vp8l "$TMP/s.webp" bomb-vp8l.webp 16384 16384

echo "fixtures written to $OUT"
ls -l "$OUT"

# ---------------------------------------------------------------- verify
[ "$VERIFY" = 1 ] || exit 0
if ! command -v tesseract >/dev/null 2>&1; then
    echo "tesseract not found: skipping verification" >&2
    exit 0
fi
export OMP_THREAD_LIMIT=1
fail=0
ocr() {  # tesseract text without the trailing form feed / blank lines
    tesseract "$1" - --psm 3 -l eng 2>/dev/null | tr -d '\f' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}
check() {  # FILE EXPECTED
    got=$(ocr "$1")
    if [ "$got" = "$2" ]; then echo "OK   $1"; else
        echo "FAIL $1: got:"; printf '%s\n' "$got" | sed 's/^/    | /'; fail=1; fi
}
for f in hello.png hello.jpg hello.tif hello.webp hello.gif hello.bmp hello.pnm; do
    check "$f" "$HELLO_TEXT"
done
check doc.png "$DOC_TEXT"
check sign.png "$SIGN_TEXT"
check blank.png ""
check tiny.png ""
for w in SBIN0001234 ABCDE1234F 12345678901 12-03-2025 Rahul Kumar; do
    if tesseract cheque.png - --psm 3 -l eng tsv 2>/dev/null |
            awk -F'\t' -v w="$w" '$1 == 5 && $12 == w { found = 1 } END { exit !found }'; then
        echo "OK   cheque.png word $w"
    else
        echo "FAIL cheque.png word $w"; fail=1
    fi
done
"$PY" "$BOMBIFY" info bomb.png bomb.jpg bomb.tif bomb.webp bomb.gif bomb.bmp \
    bomb.pnm bomb-vp8l.webp huge-side.png || fail=1
for f in bomb.png bomb.jpg bomb.tif bomb.webp bomb.gif bomb.bmp bomb.pnm; do
    "$PY" "$BOMBIFY" info "$f" | grep -q ' 60000x60000$' || { echo "FAIL $f size"; fail=1; }
done
[ "$fail" = 0 ] && echo "all fixture checks passed"
exit $fail
