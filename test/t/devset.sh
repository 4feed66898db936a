#!/usr/bin/env bash
# test/t/devset.sh: every image of the shared OCR dev set (../shared/ocr-dev,
# real public scans, receipts and photos) gives byte-identical text from
# imgtrans_ocr_text() and from the tesseract CLI (`tesseract FILE - -l eng
# --psm 3`).  Needs the test cluster from scripts/test.sh (PGHOST etc.).
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
source test/tap.sh
tap_db t_devset

DEVSET=${IMGTRANS_DEVSET:-$(cd .. && pwd)/shared/ocr-dev}
if [ ! -d "$DEVSET" ]; then
  not_ok "dev set directory $DEVSET exists"
  tap_done; exit 1
fi
dir=$(cluster_filedir "$DEVSET")/ocr-dev

for img in "$DEVSET"/*.png "$DEVSET"/*.tif "$DEVSET"/*.jpg "$DEVSET"/*.jpeg; do
  name=$(basename "$img")
  cli=$(OMP_THREAD_LIMIT=1 tesseract "$img" - -l eng --psm 3 2>/dev/null | md5sum | cut -d' ' -f1)
  db=$(psql -XAtq -c "SELECT md5(imgtrans_ocr_text(pg_read_binary_file('$dir/$name'), 'eng', 3))")
  if [ "$cli" = "$db" ] && [ -n "$db" ]; then
    ok "$name: imgtrans_ocr_text = tesseract CLI"
  else
    not_ok "$name: imgtrans_ocr_text ($db) != tesseract CLI ($cli)"
  fi
done
tap_done
