# bench/scan10.sh: the 10-page scanned document of the document benchmarks.
# Source it; it defines these functions and the page list.
#
#   scan10_setup NAME  what both document benches do first: installs
#                the packages (SCAN10_PACKAGES) when missing, builds
#                imgtrans, makes TMP (/tmp/imgtrans-NAME.XXXXXX, removed with
#                the cluster at exit) and the documents in it
#   now          seconds since the epoch, for wall times
#   median       the median of the numbers on stdin (separated by blanks)
#   best         the smallest of them
#   scan10 DIR   writes DIR/p01.png .. p10.png (dev-set scans given a
#                300-dpi tag, no resampling) with their ground truth
#                DIR/pNN.gt.txt, and DIR/scan10.pdf (img2pdf) and
#                DIR/scan10.tif (ImageMagick, LZW); DIR/warm.pdf and
#                DIR/warm.tif: pages 9 and 10 alone, for warm-up runs
#
# The pages are read from OCR_DEV (../shared/ocr-dev) at bench time, into a
# temp dir: the dev set is never copied into the repository.
OCR_DEV=${OCR_DEV:-$IMGTRANS_ROOT/../shared/ocr-dev}
SCAN10_PAGES="funsd__82092117.png funsd__83443897.png funsd__85240939.png funsd__86079776_9777.png
  funsd__87137840.png sroie__000.jpg sroie__005.jpg sroie__019.jpg tesstest__phototest.tif
  tesstest__eurotext.tif"

scan10() {
  local dir=$1 i=0 p
  for p in $SCAN10_PAGES; do
    i=$((i + 1))
    convert "$OCR_DEV/$p" -units PixelsPerInch -density 300 "$dir/p$(printf %02d $i).png"
    cp "$OCR_DEV/${p%.*}.gt.txt" "$dir/p$(printf %02d $i).gt.txt"
  done
  img2pdf "$dir"/p??.png -o "$dir/scan10.pdf"
  convert "$dir"/p??.png -compress lzw "$dir/scan10.tif"
  # two small pages of each kind, for warm-up runs
  img2pdf "$dir"/p09.png "$dir"/p10.png -o "$dir/warm.pdf"
  convert "$dir"/p09.png "$dir"/p10.png -compress lzw "$dir/warm.tif"
}

SCAN10_PACKAGES="ocrmypdf img2pdf poppler-utils imagemagick"

scan10_setup() {
  unset OMP_THREAD_LIMIT
  TMP=$(mktemp -d "/tmp/imgtrans-$1.XXXXXX")
  trap 'set +e; cluster_stop; rm -rf "$TMP"' EXIT
  IMGTRANS_PACKAGES="$IMGTRANS_PACKAGES $SCAN10_PACKAGES" imgtrans_deps
  imgtrans_build
  log "building a 10-page PDF and TIFF from the dev set in $TMP"
  scan10 "$TMP"
}

now() { date +%s.%N; }

median() { tr -s ' \n' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

best() { tr -s ' \n' '\n' | grep -v '^$' | sort -g | head -n 1; }
