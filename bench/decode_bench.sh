#!/usr/bin/env bash
# bench/decode_bench.sh: what decoding in the image decoder process costs
# (0.17.0), side by side in one run, ratios printed.
#
# The images: test/fixtures/sign.png scaled to 3024x4032 (a phone's 12
# megapixels) as JPEG q90, PNG, TIFF (LZW) and WebP q90, and
# test/fixtures/doc.png (a 0.4-megapixel scan) as PNG and JPEG.  On each,
# the best of ROUNDS (default 5) of the same work, imgtrans_skew's (decode,
# binarise, find the skew):
#   (a) bench/decode_loop.c: leptonica in one process, as 0.16.0's backend
#       decoded; the floor
#   (b) SELECT imgtrans_skew(image), ROUNDS calls in one transaction (a DO
#       block), timed in the server: the decoder's shared buffer stays
#       faulted in between them
#   (c) the same, one call per transaction (autocommit statements, psql's
#       \timing): the buffer past 16 MB is given back after each
# and prints b/a and c/a per image.  IMGTRANS_PRIVATE_PG=DIR as for
# scripts/test.sh; runs on a throwaway cluster removed at exit.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
imgtrans_locked "$0" "$@"
cd "$IMGTRANS_ROOT"

ROUNDS=${ROUNDS:-5}
TMP=$(mktemp -d /tmp/imgtrans-decode.XXXXXX)
trap 'cluster_stop; rm -rf "$TMP"' EXIT
imgtrans_deps
imgtrans_build
gcc -O2 -o "$TMP/decode_loop" bench/decode_loop.c $(pkg-config --cflags --libs lept)
convert test/fixtures/sign.png -resize '3024x4032!' -quality 90 "$TMP/photo.jpg"
convert "$TMP/photo.jpg" "$TMP/photo.png"
convert "$TMP/photo.jpg" -compress lzw "$TMP/photo.tif"
convert "$TMP/photo.jpg" -quality 90 "$TMP/photo.webp"
cp test/fixtures/doc.png "$TMP/scan.png"
convert test/fixtures/doc.png -quality 90 "$TMP/scan.jpg"
IMAGES="photo.jpg photo.png photo.tif photo.webp scan.png scan.jpg"

cluster_start >/dev/null
dir=$(cluster_filedir "$TMP/photo.jpg" "$TMP/photo.png" "$TMP/photo.tif" "$TMP/photo.webp" "$TMP/scan.png" \
  "$TMP/scan.jpg")
psql -Xq -c "CREATE EXTENSION imgtrans"

declare -A A B C
while IFS=$'\t' read -r f ms; do A[$(basename "$f")]=$ms; done \
  < <(cd "$TMP" && ./decode_loop "$ROUNDS" $IMAGES)
for f in $IMAGES; do
  # (b): ROUNDS calls in one DO block, each timed with clock_timestamp()
  B[$f]=$(psql -XAtq 2>&1 <<SQL | awk '/NOTICE/ {print $2}' | sort -n | head -1
CREATE TEMP TABLE t AS SELECT pg_read_binary_file('$dir/$f') AS img;
SELECT imgtrans_skew(img) FROM t \\g /dev/null
DO \$\$ DECLARE t0 timestamptz; BEGIN
  FOR i IN 1..$ROUNDS LOOP
    t0 := clock_timestamp(); PERFORM imgtrans_skew(img) FROM t;
    RAISE NOTICE '%', round(extract(epoch FROM clock_timestamp() - t0)::numeric * 1000, 1);
  END LOOP; END \$\$;
SQL
)
  # (c): one call per statement, psql's \timing
  C[$f]=$({ echo "CREATE TEMP TABLE t AS SELECT pg_read_binary_file('$dir/$f') AS img;"
            echo "SELECT imgtrans_skew(img) FROM t \\g /dev/null"; echo '\timing on'
            for _ in $(seq 1 "$ROUNDS"); do echo "SELECT imgtrans_skew(img) FROM t \\g /dev/null"; done; } |
          psql -XAtq 2>&1 | awk '/^Time:/ {print $2}' | sort -n | head -1)
done

printf '%-11s %10s %10s %10s %7s %7s\n' image "(a) ms" "(b) ms" "(c) ms" b/a c/a
for f in $IMAGES; do
  printf '%-11s %10.1f %10.1f %10.1f %7.2f %7.2f\n' "$f" "${A[$f]}" "${B[$f]}" "${C[$f]}" \
    "$(echo "${B[$f]} / ${A[$f]}" | bc -l)" "$(echo "${C[$f]} / ${A[$f]}" | bc -l)"
done
