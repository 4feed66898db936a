#!/usr/bin/env bash
# bench/accuracy.sh: OCR accuracy and cost with and without preprocess => '{auto}'.
#
# For every image of the shared dev set (../shared/ocr-dev: 32 real scans,
# forms, receipts, photos, Fraktur pages and text lines with ground truth,
# read from there, never copied into the repository) and for synthetic
# variants of the project's fixtures (rotated 90/180/270, skewed -7..+10
# degrees, noise, low contrast, inverted, small type, uneven light): character error rate
# and word recall without preprocessing and with auto, what auto decided
# (imgtrans_preprocess_plan), the OCR times, the worst per-image loss of
# auto against none, and the means, each checked against issue 17's targets.
# About 2 minutes on 2 cores.  ACCURACY_STEPS=1 adds every single step
# (about 10 minutes), ACCURACY_ONLY=REGEX a subset, ACCURACY_MARKDOWN=1 the
# README table; IMGTRANS_PRIVATE_PG=DIR as for scripts/test.sh.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
imgtrans_locked "$0" "$@"
cd "$IMGTRANS_ROOT"
trap 'cluster_stop; rm -rf "${WORK:-/nonexistent}"' EXIT

imgtrans_deps
imgtrans_build
WORK=$(mktemp -d /tmp/imgtrans-accuracy.XXXXXX)
gcc -O2 -o "$WORK/editdist" bench/editdist.c
DEVSET=${OCR_DEV:-$IMGTRANS_ROOT/../shared/ocr-dev}

# synthetic variants of two fixtures; their ground truth is the text
# make-fixtures.sh printed on the fixture, in reading order with lines
# grouped by vertical position, as in the dev set
mkdir -p "$WORK/img"
C=/usr/bin/convert
for base in doc cheque; do
  src=test/fixtures/$base.png
  cp "$src" "$WORK/img/$base.png"
  cp "test/fixtures/$base.gt.txt" "$WORK/img/$base.gt.txt"
  for a in 90 180 270; do $C "$src" -rotate $a "$WORK/img/$base~rot$a.png"; done
  for a in -7 3 10; do $C "$src" -background white -rotate $a "$WORK/img/$base~skew$a.png"; done
  $C "$src" -seed 7 -attenuate 0.6 +noise Gaussian "$WORK/img/$base~noise.png"
  $C "$src" +level 35%,65% "$WORK/img/$base~lowcontrast.png"
  $C "$src" -negate "$WORK/img/$base~inverted.png"
  $C "$src" -resize 30% -density 90 -units PixelsPerInch "$WORK/img/$base~small.png"
  # uneven light: a vignette down to 15 %, a gradient down to 20 % (a page photographed under a lamp)
  size=$(identify -format '%wx%h' "$src")
  $C "$src" \( -size "$size" radial-gradient:white-'gray(15%)' \) -compose multiply -composite "$WORK/img/$base~shadow.png"
  $C "$src" \( -size "$size" gradient:white-'gray(20%)' \) -compose multiply -composite "$WORK/img/$base~gradient.png"
  for v in "$WORK/img/$base"~*.png; do cp "$WORK/img/$base.gt.txt" "${v%.png}.gt.txt"; done
done

cluster_start >/dev/null
dir=$(cluster_filedir "$WORK/img" "$DEVSET")
psql -Xq -c "CREATE EXTENSION imgtrans"
{
  for f in "$DEVSET"/*.png "$DEVSET"/*.tif "$DEVSET"/*.jpg "$DEVSET"/*.jpeg; do
    n=$(basename "$f"); printf '%s\tdevset\t%s\t%s\n' "${n%%.*}" "$dir/ocr-dev/$n" "$DEVSET/${n%%.*}.gt.txt"
  done
  for f in "$WORK"/img/*.png; do
    n=$(basename "$f" .png)
    case "$n" in *~*) set=synthetic ;; *) set=synthetic-upright ;; esac
    printf '%s\t%s\t%s\t%s\n' "$n" "$set" "$dir/img/$n.png" "${f%.png}.gt.txt"
  done
} >"$WORK/manifest"
echo "host: $(nproc) CPUs, $(uptime | sed 's/.*load/load/')"
python3 bench/accuracy.py "$WORK/manifest" "$WORK/editdist"
