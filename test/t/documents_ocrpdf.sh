#!/usr/bin/env bash
# test/t/documents_ocrpdf.sh: imgtrans_ocr_pdf makes a searchable PDF whose
# text layer is what imgtrans_ocr_text returns for the same pages (pdftotext
# -raw reads it back in tesseract's order), for an image, a multi-page TIFF,
# scanned and mixed PDFs and a page list; and it never leaves a file in the
# temporary-file area: after success, an error, statement_timeout and
# pg_terminate_backend in the middle of a document.  Needs the test cluster
# from scripts/test.sh (PGHOST etc.), as a superuser (pg_ls_dir).
set -uo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
source test/tap.sh
tap_db t_documents_ocrpdf

F=test/fixtures
tmp=$(mktemp -d /tmp/imgtrans-ocrpdf.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
for i in $(seq 20); do cp $F/cheque.png "$tmp/c$i.png"; done
img2pdf "$tmp"/c{1..20}.png -o "$tmp/twenty.pdf"
dir=$(cluster_filedir $F/pages.tif $F/scan.pdf $F/mixed.pdf $F/hello.png "$tmp/twenty.pdf")
db() { psql -XAtq -c "$1"; }
# the words of a text, a form feed (a page break) as a word of its own
words() { sed 's/\f/\n\f\n/g' | tr -s ' \n' '\n\n' | sed '/^$/d'; }
# all DESC COND...: ok if every COND (a shell test string) holds
all() { local d=$1 c; shift; for c in "$@"; do eval "$c" || { not_ok "$d"; return; }; done; ok "$d"; }
tmpfiles() { db "SELECT count(*) FROM pg_ls_dir('base/pgsql_tmp', true, false)"; }

for case in "pages.tif|NULL" "pages.tif|'{3,1}'" "scan.pdf|NULL" "mixed.pdf|NULL" "hello.png|NULL"; do
  file=${case%|*} pages=${case#*|}
  db "SELECT encode(imgtrans_ocr_pdf(pg_read_binary_file('$dir/$file'), pages => $pages), 'base64')" \
    | base64 -d >"$tmp/out.pdf"
  want=$(db "SELECT imgtrans_ocr_text(pg_read_binary_file('$dir/$file'), pages => $pages)" | words)
  # pdftotext ends every page with a form feed; imgtrans_ocr_text puts one between pages
  got=$(pdftotext -raw "$tmp/out.pdf" - | words | sed '$ { /^\f$/d }')
  n=$(pdfinfo "$tmp/out.pdf" | awk '/^Pages:/ {print $2}')
  npages=$(db "SELECT coalesce(cardinality($pages::int[]), (SELECT count(*) FROM imgtrans_doc_info(pg_read_binary_file('$dir/$file'))))")
  all "$file pages $pages: $n pages, pdftotext finds the words of imgtrans_ocr_text ($(echo "$want" | grep -vc $'\f'))" \
    '[ -n "$want" ]' '[ "$want" = "$got" ]' '[ "$n" = "$npages" ]'
done
check "no file left in pgsql_tmp after success" [ "$(tmpfiles)" = 0 ]

# pages out of range is found after the temp directory is made
out=$(db "SELECT imgtrans_ocr_pdf(pg_read_binary_file('$dir/pages.tif'), pages => '{9}')" 2>&1)
all "pages out of range: ERROR, no file left" '[ "$(tmpfiles)" = 0 ]' '[[ "$out" == *"page 9 is out of range"* ]]'

t0=$(now_ms)
out=$(psql -XAtq -c "SET statement_timeout = 1500" \
  -c "SELECT length(imgtrans_ocr_pdf(pg_read_binary_file('$dir/twenty.pdf')))" 2>&1)
t=$(( $(now_ms) - t0 ))
all "statement_timeout 1.5 s stops a 20-page document ($t ms), no file left" \
  '[ "$(tmpfiles)" = 0 ]' '[[ "$out" == *"statement timeout"* ]]' '[ "$t" -lt 4000 ]'

psql -XAtq -c "SELECT length(imgtrans_ocr_pdf(pg_read_binary_file('$dir/twenty.pdf')))" >/dev/null 2>&1 &
bg=$!
for i in $(seq 100); do [ "$(tmpfiles)" != 0 ] && break; sleep 0.1; done
seen=$(tmpfiles)
sleep 0.5
db "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%twenty.pdf%' AND pid <> pg_backend_pid()" >/dev/null
wait $bg
sleep 0.3
all "pg_terminate_backend mid-document: the directory it had ($seen) is gone" '[ "$seen" = 1 ]' '[ "$(tmpfiles)" = 0 ]'
check "the server still answers" [ "$(db 'SELECT 1')" = 1 ]
tap_done
