#!/usr/bin/env bash
# bench/heif_bench.sh: HEIC decode time against PNG and JPEG of the same
# photo, and what loading libheif costs (why it lives in imgtrans_heif.so,
# loaded on the first HEIF image, and not in imgtrans.so).
#
#   bash bench/heif_bench.sh [RUNS]      (default 5; the best run is printed)
#
# The photo: test/fixtures/sign.png scaled to 3024x4032 (an iPhone's 12
# megapixels), saved as PNG, JPEG q90 and HEIC q90 (heif-enc).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
convert test/fixtures/sign.png -resize '3024x4032!' -quality 90 "$TMP/photo.jpg"
convert "$TMP/photo.jpg" "$TMP/photo.png"
heif-enc -q 90 -o "$TMP/photo.heic" "$TMP/photo.png" >/dev/null
gcc -O2 -o "$TMP/heif_decode" bench/heif_decode.c $(pkg-config --cflags --libs lept libheif)
"$TMP/heif_decode" "$RUNS" "$TMP/photo.png" "$TMP/photo.jpg" "$TMP/photo.heic"
# loading the libraries, as a backend does on first use (fresh process each)
for lib in libheif.so.1 liblept.so.5; do
  python3 - "$lib" <<'PY'
import ctypes, sys, time
t = time.perf_counter(); ctypes.CDLL(sys.argv[1]); t = (time.perf_counter() - t) * 1000
print("load %-14s %5.1f ms" % (sys.argv[1], t))
PY
done
du -b /usr/lib/x86_64-linux-gnu/libheif.so.1.* /usr/lib/x86_64-linux-gnu/libx265.so.* \
  /usr/lib/x86_64-linux-gnu/libde265.so.0.* /usr/lib/x86_64-linux-gnu/libaom.so.3.* \
  /usr/lib/x86_64-linux-gnu/libdav1d.so.6.* | awk '{s += $1} END {printf "libheif and the codecs it loads: %.1f MB\n", s / 1e6}'
