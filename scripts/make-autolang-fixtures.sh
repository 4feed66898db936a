#!/bin/sh
# make-autolang-fixtures.sh - the fixtures of source => 'auto' (sql/autolang.sql).
#
# Usage:  scripts/make-autolang-fixtures.sh [OUTDIR]
#
# What it is for: a page in a script other than Latin, so that OSD names
# it and the one installed language of that script is chosen.
# Requirements (Debian 12): imagemagick, fonts-dejavu-core (DejaVu Sans has
# Cyrillic), libheif-examples; for the check, tesseract-ocr-rus.
#
#  ru.png    two short Russian paragraphs, DejaVu Sans 40 px, 8-bit gray,
#            300 dpi (OSD: Cyrillic); OCR with rus reads it exactly
#  ru.heic   ru.png as a HEIC photo (quality 60)
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
ls -l "$OUT/ru.png" "$OUT/ru.heic"

if command -v tesseract >/dev/null 2>&1; then
    got=$(OMP_THREAD_LIMIT=1 tesseract "$OUT/ru.png" - -l rus 2>/dev/null | tr -d '\f' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}')
    [ "$got" = "$RU_TEXT" ] && echo "OK   ru.png reads exactly with rus" || { echo "FAIL ru.png: $got"; exit 1; }
    OMP_THREAD_LIMIT=1 tesseract "$OUT/ru.png" - --psm 0 2>/dev/null | grep -q 'Script: Cyrillic' \
        && echo "OK   ru.png OSD script Cyrillic" || { echo "FAIL ru.png OSD script"; exit 1; }
fi
