#!/bin/sh
# make-autolang-fixtures.sh - the fixtures of source => 'auto' (sql/autolang.sql).
#
# Usage:  scripts/make-autolang-fixtures.sh [OUTDIR]
#
# What it is for: a page in a script other than Latin, so that OSD names
# it and the one installed language of that script is chosen.
# Requirements (Debian 12): imagemagick, fonts-blankenburg, fonts-dejavu-core (DejaVu Sans has
# Cyrillic), libheif-examples; for the check, tesseract-ocr-rus and
# tesseract-ocr-script-frak.
#
#  ru.png    two short Russian paragraphs, DejaVu Sans 40 px, 8-bit gray,
#            300 dpi (OSD: Cyrillic); OCR with rus reads it exactly
#  ru.heic   ru.png as a HEIC photo (quality 60)
#  fraktur.png  nine lines of Kant's "Was ist Aufklärung?" (1784) with long
#            s, in the blackletter Blankenburg 40 px (fonts-blankenburg),
#            8-bit gray, 300 dpi (OSD: Fraktur); tesseract's Fraktur script
#            model (tesseract-ocr-script-frak) reads its long s, eng reads
#            "ift", "feiner": preprocess => '{auto}''s script trial
#  fraktur-rot180.png  fraktur.png upside down
#  fraktur2.tif  fraktur.png twice, a 2-page TIFF (deflate)
set -eu
export LC_ALL=C.UTF-8
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-"$HERE/../test/fixtures"}
OUT=$(cd "$OUT" && pwd)
CONVERT=${CONVERT:-/usr/bin/convert}
SANS=${FONTDIR:-/usr/share/fonts/truetype/dejavu}/DejaVuSans.ttf
RU_TEXT="Дом большой. Моя кошка спит на столе.
Собака в саду у реки.

Погода сегодня хорошая. Мы идём в старый
город и покупаем хлеб. Магазин рядом."

"$CONVERT" -background white -fill black -font "$SANS" -pointsize 40 \
    -bordercolor white -border 24 label:"$RU_TEXT" \
    -colorspace Gray -depth 8 -strip -units PixelsPerInch -density 300 \
    -define png:include-chunk=pHYs -define png:exclude-chunks=date,time \
    -define png:color-type=0 -define png:bit-depth=8 "$OUT/ru.png"
heif-enc -q 60 -o "$OUT/ru.heic" "$OUT/ru.png" >/dev/null

# ImageMagick's label: cannot lay these lines out in one go; one label a line
FRAKTUR=${FRAKTURFONT:-/usr/share/fonts/truetype/blankenburg/Blankenburg_UNZ1A.ttf}
FRAK_TEXT="Aufklärung iſt der Ausgang des Menſchen aus
ſeiner ſelbſt verſchuldeten Unmündigkeit.
Unmündigkeit iſt das Unvermögen, ſich ſeines
Verſtandes ohne Leitung eines anderen zu
bedienen. Selbſtverſchuldet iſt dieſe Unmün-
digkeit, wenn die Urſache derſelben nicht am
Mangel des Verſtandes, ſondern der Entſchlie-
ßung und des Muthes liegt, ſich ſeiner ohne
Leitung eines andern zu bedienen."
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
i=0
echo "$FRAK_TEXT" | while IFS= read -r line; do
    i=$((i + 1))
    "$CONVERT" -background white -fill black -font "$FRAKTUR" -pointsize 40 label:"$line" "$TMP/line$i.png"
done
"$CONVERT" "$TMP"/line?.png -background white -gravity west -append +repage \
    -bordercolor white -border 30 \
    -colorspace Gray -depth 8 -strip -units PixelsPerInch -density 300 \
    -define png:include-chunk=pHYs -define png:exclude-chunks=date,time \
    -define png:color-type=0 -define png:bit-depth=8 "$OUT/fraktur.png"
# upside down: auto turns it and reads it in the Fraktur model, from one OSD
"$CONVERT" "$OUT/fraktur.png" -rotate 180 -strip -define png:exclude-chunks=date,time \
    -define png:color-type=0 -define png:bit-depth=8 "$OUT/fraktur-rot180.png"
# two pages of it in one TIFF: auto finds the Fraktur model on page 1 and
# reads page 2 in it at once
"$CONVERT" "$OUT/fraktur.png" "$OUT/fraktur.png" -compress zip -define tiff:timestamp=false \
    "$OUT/fraktur2.tif"
ls -l "$OUT/ru.png" "$OUT/ru.heic" "$OUT/fraktur.png" "$OUT/fraktur-rot180.png" "$OUT/fraktur2.tif"

if command -v tesseract >/dev/null 2>&1; then
    got=$(OMP_THREAD_LIMIT=1 tesseract "$OUT/ru.png" - -l rus 2>/dev/null | tr -d '\f' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}')
    [ "$got" = "$RU_TEXT" ] && echo "OK   ru.png reads exactly with rus" || { echo "FAIL ru.png: $got"; exit 1; }
    OMP_THREAD_LIMIT=1 tesseract "$OUT/ru.png" - --psm 0 2>/dev/null | grep -q 'Script: Cyrillic' \
        && echo "OK   ru.png OSD script Cyrillic" || { echo "FAIL ru.png OSD script"; exit 1; }
    got=$(OMP_THREAD_LIMIT=1 tesseract "$OUT/fraktur.png" - -l Fraktur 2>/dev/null)
    echo "$got" | grep -q "^ſeiner ſelbſt verſchuldeten Unmündigkeit.$" \
        && echo "OK   fraktur.png reads with Fraktur" || { echo "FAIL fraktur.png: $got"; exit 1; }
    OMP_THREAD_LIMIT=1 tesseract "$OUT/fraktur.png" - --psm 0 2>/dev/null | grep -q 'Script: Fraktur' \
        && echo "OK   fraktur.png OSD script Fraktur" || { echo "FAIL fraktur.png OSD script"; exit 1; }
fi
