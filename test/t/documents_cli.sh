#!/usr/bin/env bash
# test/t/documents_cli.sh: documents give what the tools people use today
# give.  A multi-page TIFF: imgtrans_ocr_text and imgtrans_ocr_tsv are
# byte-identical to `tesseract FILE - [tsv]`, imgtrans_ocr_hocr to its hOCR
# but for the file name tesseract writes.  PDFs (scanned, mixed): the text
# is byte-identical to pdftoppm -r 300 -gray pages run through the tesseract
# CLI as one TIFF.  Needs the test cluster from scripts/test.sh (PGHOST etc.).
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
source test/tap.sh
tap_db t_documents_cli

F=test/fixtures
dir=$(cluster_filedir $F/pages.tif $F/scan.pdf $F/mixed.pdf)
tmp=$(mktemp -d /tmp/imgtrans-doccli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
tess() { OMP_THREAD_LIMIT=1 tesseract "$@" -l eng --psm 3 2>/dev/null; }
db() { psql -XAtq -c "$1"; }

cli=$(tess $F/pages.tif - | md5sum | cut -d' ' -f1)
got=$(db "SELECT md5(imgtrans_ocr_text(pg_read_binary_file('$dir/pages.tif')))")
check "3-page TIFF: imgtrans_ocr_text = tesseract CLI (form feeds between pages)" [ "$cli" = "$got" ]
cli=$(tess $F/pages.tif - tsv | md5sum | cut -d' ' -f1)
got=$(db "SELECT md5(imgtrans_ocr_tsv(pg_read_binary_file('$dir/pages.tif')))")
check "3-page TIFF: imgtrans_ocr_tsv = tesseract CLI tsv" [ "$cli" = "$got" ]
cli=$(tess $F/pages.tif - hocr | sed "s|image \"[^\"]*\"|image \"unknown\"|" | md5sum | cut -d' ' -f1)
got=$(db "SELECT md5(imgtrans_ocr_hocr(pg_read_binary_file('$dir/pages.tif')))")
check "3-page TIFF: imgtrans_ocr_hocr = tesseract CLI hocr (but the file name)" [ "$cli" = "$got" ]

for pdf in scan mixed; do
  pdftoppm -r 300 -gray -tiff $F/$pdf.pdf "$tmp/$pdf"
  convert "$tmp/$pdf"-*.tif "$tmp/$pdf.tif"
  cli=$(tess "$tmp/$pdf.tif" - | md5sum | cut -d' ' -f1)
  got=$(db "SELECT md5(imgtrans_ocr_text(pg_read_binary_file('$dir/$pdf.pdf')))")
  check "$pdf.pdf: imgtrans_ocr_text = pdftoppm -r 300 + tesseract CLI" [ "$cli" = "$got" ]
done
tap_done
