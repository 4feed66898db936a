#!/bin/sh
# make-heif-fixtures.sh - the HEIF (HEIC, AVIF) test fixtures in test/fixtures/.
#
# Usage:  scripts/make-heif-fixtures.sh [OUTDIR]
#         Run after make-fixtures.sh and make-accuracy-fixtures.py: it
#         encodes their hello.png and hello-exif*.jpg.
#
# What it is for: HEIC photos as an iPhone writes them, and AVIF (sql/heif.sql).
# Requirements (Debian 12): libheif-examples (heif-enc 1.15, x265, aom 3.6), python3,
# imagemagick (to cut the tiles);
# for the check at the end, heif-info.  heif-enc writes no transformative
# properties and no bombs, so scripts/heifify.py adds them to its output by
# editing boxes (the coded image is copied byte for byte).  Never decode the
# bomb files with a real decoder (heif-convert, ImageMagick).
#
#  hello.heic          hello.png, HEVC quality 90 (a 528x90 primary image)
#  hello-irot6.heic    hello-exif6.jpg (stored turned, Exif Orientation 6,
#                      which heif-enc copies into an Exif item) with irot 3
#                      (270 degrees counter-clockwise): displayed upright
#                      only if the orientation is applied once, from irot
#  hello-t5.heic       hello-exif5.jpg (stored transposed) with irot 3 then
#                      imir 0: orientation 5, the order of the transforms
#  hello-imir4.heic    hello-exif4.jpg (stored upside down mirrored) with
#                      imir 1 (a horizontal axis): orientation 4
#  hello-grid.heic     hello.png at 200 % as an iPhone lays a photo out: a
#                      2x2 grid of 528x92 tiles (each a heif-enc output),
#                      cropped to 1056x180
#  bomb.heic           hello.heic whose primary ispe says 60000x60000
#  bomb-grid.heic      hello-grid.heic whose tiles' ispe says 60000x60000
#  bomb-thumb.heic     hello.heic with a thumbnail whose ispe says 60000x60000
#  bomb-sps.heic       hello.heic whose ispe still says 528x90 but whose HEVC
#                      SPS (in hvcC) says 16384x16384: the frame libde265
#                      would allocate
#  truncated.heic      the first half of hello.heic's bytes
#  hello.avif          hello.png, AV1 (aom) quality 90, one encoder thread:
#                      aom's output depends on its thread count (the default
#                      4 threads and 1 give different bytes), with one it is
#                      the same on every run
#  bomb-av1.avif       hello.avif whose ispe still says 528x90 but whose AV1
#                      sequence header (in the item data: heif-enc leaves
#                      av1C's configOBUs empty) says 16384x16384: the frame
#                      dav1d would allocate
set -eu
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-"$HERE/../test/fixtures"}
OUT=$(cd "$OUT" && pwd)
PY=${PYTHON:-python3}
HEIFIFY="$HERE/heifify.py"
command -v heif-enc >/dev/null || { echo "heif-enc missing (apt-get install libheif-examples)" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
cd "$OUT"

enc() {  # IN OUT [heif-enc options]
    in=$1 out=$2
    shift 2
    heif-enc -q 90 "$@" -o "$out" "$in" >/dev/null
}
enc hello.png hello.heic
enc hello-exif6.jpg "$TMP/e6.heic"
"$PY" "$HEIFIFY" transform "$TMP/e6.heic" hello-irot6.heic irot:3
enc hello-exif5.jpg "$TMP/e5.heic"
"$PY" "$HEIFIFY" transform "$TMP/e5.heic" hello-t5.heic irot:3 imir:0
enc hello-exif4.jpg "$TMP/e4.heic"
"$PY" "$HEIFIFY" transform "$TMP/e4.heic" hello-imir4.heic imir:1
"$PY" "$HEIFIFY" ispe hello.heic bomb.heic 60000 60000 0
"$PY" "$HEIFIFY" sps hello.heic bomb-sps.heic 16384 16384
enc hello.png "$TMP/thumb.heic" -t 16
# the thumbnail's first ispe (the second in ipco)
"$PY" "$HEIFIFY" ispe "$TMP/thumb.heic" bomb-thumb.heic 60000 60000 1
convert hello.png -filter point -resize 200% -background white -gravity north \
    -extent 1056x184 -crop 528x92 +repage "$TMP/tile_%d.png"
for i in 0 1 2 3; do enc "$TMP/tile_$i.png" "$TMP/tile$i.heic"; done
"$PY" "$HEIFIFY" grid hello-grid.heic 2 2 1056 180 "$TMP/tile0.heic" "$TMP/tile1.heic" \
    "$TMP/tile2.heic" "$TMP/tile3.heic"
"$PY" "$HEIFIFY" ispe hello-grid.heic bomb-grid.heic 60000 60000 0
enc hello.png hello.avif -A -p threads=1
"$PY" "$HEIFIFY" av1 hello.avif bomb-av1.avif 16384 16384
size=$(wc -c <hello.heic)
head -c $((size / 2)) hello.heic >truncated.heic

"$PY" "$HEIFIFY" info hello.heic hello-irot6.heic hello-t5.heic hello-imir4.heic hello-grid.heic \
    bomb.heic bomb-thumb.heic bomb-grid.heic bomb-sps.heic hello.avif bomb-av1.avif
heif-info hello-irot6.heic | grep -q 'Exif' || { echo "FAIL hello-irot6.heic has no Exif item" >&2; exit 1; }
"$PY" "$HEIFIFY" info bomb-av1.avif | grep -q 'seq 16384x16384' ||
    { echo "FAIL bomb-av1.avif's sequence header is not 16384x16384" >&2; exit 1; }
ls -l hello.heic hello-irot6.heic hello-t5.heic hello-imir4.heic hello-grid.heic bomb.heic \
    bomb-thumb.heic bomb-grid.heic bomb-sps.heic truncated.heic hello.avif bomb-av1.avif
