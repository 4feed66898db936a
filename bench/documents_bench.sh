#!/usr/bin/env bash
# bench/documents_bench.sh: searchable PDFs and text layers, one run, side by
# side, ratios printed.
#
# Scanned input: SCAN10_PAGES (bench/scan10.sh: 10 dev-set scans from ../shared/ocr-dev, never copied
# into the repo) are given a 300-dpi resolution tag (no resampling) and put,
# at bench time and in a temp dir, into a 10-page PDF (img2pdf) and a 10-page
# TIFF (ImageMagick).  On each:
#   (a) ocrmypdf --jobs 1 --output-type pdf (Debian's ocrmypdf, what users
#       pick today), OMP_THREAD_LIMIT=1 as imgtrans uses one thread
#   (b) imgtrans_ocr_pdf(doc, dpi => 300) in a warm session (one untimed
#       warm-up call loads the engine and the PDF module), timed from the
#       client, result written to a file
# and prints seconds per page, the ratio a/b, and how many ground-truth words
# (the .gt.txt of each page, as a multiset) pdftotext finds in each output,
# page by page.
#
# Born-digital input: test/fixtures/born.pdf (reportlab, 2 pages, source
# text born.gt.txt): imgtrans_ocr_text(text_source => 'pdf') vs 'ocr', timed
# inside the server (median of ROUNDS), and whether the words equal the
# source text.
#
# Needs: ocrmypdf img2pdf poppler-utils imagemagick (SCAN10_PACKAGES, installed
# when run as root and missing).  Knobs: OCR_DEV, ROUNDS (default 3).
# Runs on a throwaway cluster that is removed at exit.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
imgtrans_locked "$0" "$@"
cd "$IMGTRANS_ROOT"

source "$IMGTRANS_ROOT/bench/scan10.sh"
ROUNDS=${ROUNDS:-3}
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
scan10_setup docbench

# ground-truth words found: per page, the multiset intersection of the page's
# .gt.txt words and the words pdftotext finds on that page of $1
gt_words() {
  python3 - "$1" "$TMP" <<'PY'
import collections, subprocess, sys
pdf, tmp = sys.argv[1], sys.argv[2]
found = total = 0
per_page = []
for i in range(1, 11):
    gt = collections.Counter(open(f"{tmp}/p{i:02d}.gt.txt", encoding="utf-8").read().split())
    out = subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), pdf, "-"],
                         capture_output=True, text=True).stdout
    got = collections.Counter(out.split())
    f = sum(min(n, got[w]) for w, n in gt.items())
    per_page.append(f"{f}/{sum(gt.values())}")
    found += f
    total += sum(gt.values())
print(found, total, ",".join(per_page))
PY
}


# --- (a) ocrmypdf -----------------------------------------------------------
declare -A SECS WORDS PERPAGE
for doc in scan10.pdf scan10.tif; do
  log "(a) ocrmypdf --jobs 1 on $doc"
  t0=$(now)
  OMP_THREAD_LIMIT=1 ocrmypdf --jobs 1 --output-type pdf -l eng "$TMP/$doc" "$TMP/a-$doc.pdf" \
    >"$TMP/ocrmypdf-$doc.log" 2>&1 || { cat "$TMP/ocrmypdf-$doc.log" >&2; exit 1; }
  SECS[a-$doc]=$(echo "$(now) - $t0" | bc)
  WORDS[a-$doc]=$(gt_words "$TMP/a-$doc.pdf")
done

# --- (b) imgtrans_ocr_pdf in a warm session ----------------------------------
cluster_start "shared_preload_libraries = 'imgtrans'"
FILEDIR=$(cluster_filedir "$TMP/scan10.pdf" "$TMP/scan10.tif" "$TMP/p01.png" test/fixtures/born.pdf)
"${PSQL[@]}" -c "CREATE EXTENSION imgtrans"
for doc in scan10.pdf scan10.tif; do
  log "(b) imgtrans_ocr_pdf on $doc"
  coproc PSQLB { "${PSQL[@]}" -At 2>&1; }
  # warm-up: engine and PDF module loaded, one page recognised, untimed
  echo "SELECT length(imgtrans_ocr_pdf(pg_read_binary_file('$FILEDIR/scan10.pdf'), pages => '{1}'));" >&"${PSQLB[1]}"
  read -r _ <&"${PSQLB[0]}"
  t0=$(now)
  echo "\\o $TMP/b-$doc.b64" >&"${PSQLB[1]}"
  echo "SELECT encode(imgtrans_ocr_pdf(pg_read_binary_file('$FILEDIR/$doc'), dpi => 300), 'base64');" >&"${PSQLB[1]}"
  echo "\\o" >&"${PSQLB[1]}"
  echo "SELECT 'done';" >&"${PSQLB[1]}"
  read -r _ <&"${PSQLB[0]}"
  SECS[b-$doc]=$(echo "$(now) - $t0" | bc)
  echo "\\q" >&"${PSQLB[1]}"
  wait "$PSQLB_PID" 2>/dev/null || true
  base64 -d "$TMP/b-$doc.b64" >"$TMP/b-$doc.pdf"
  WORDS[b-$doc]=$(gt_words "$TMP/b-$doc.pdf")
done

# --- born-digital: text layer vs OCR, timed in the server --------------------
log "born-digital born.pdf: text_source 'pdf' vs 'ocr'"
BORN=$("${PSQL[@]}" -At <<SQL
CREATE FUNCTION pg_temp.ms(src text) RETURNS float8 LANGUAGE plpgsql AS \$\$
DECLARE t timestamptz; d float8[] := '{}'; doc bytea := pg_read_binary_file('$FILEDIR/born.pdf');
BEGIN
  PERFORM imgtrans_ocr_text(doc, text_source => src);          -- warm-up
  FOR i IN 1..$ROUNDS LOOP
    t := clock_timestamp();
    PERFORM imgtrans_ocr_text(doc, text_source => src);
    d := d || extract(epoch FROM clock_timestamp() - t) * 1000;
  END LOOP;
  RETURN (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(d) x);
END \$\$;
SELECT round(pg_temp.ms('pdf')::numeric, 2) || ' ' || round(pg_temp.ms('ocr')::numeric, 1);
SQL
)
set -- $BORN
BORN_PDF_MS=$1 BORN_OCR_MS=$2
GT=$(tr -s ' \n\t\f' '\n\n\n\n' < test/fixtures/born.gt.txt | sed '/^$/d')
PDFW=$("${PSQL[@]}" -At -c "SELECT imgtrans_ocr_text(pg_read_binary_file('$FILEDIR/born.pdf'), text_source => 'pdf')" | tr -s ' \n\t\f' '\n\n\n\n' | sed '/^$/d')
OCRW=$("${PSQL[@]}" -At -c "SELECT imgtrans_ocr_text(pg_read_binary_file('$FILEDIR/born.pdf'), text_source => 'ocr')" | tr -s ' \n\t\f' '\n\n\n\n' | sed '/^$/d')
same() { [ "$1" = "$GT" ] && echo "equal to the source text" || echo "NOT equal ($(diff <(echo "$1") <(echo "$GT") | grep -c '^[<>]') words differ)"; }

# --- report -----------------------------------------------------------------
echo
echo "10 scanned pages (dev set, 300 dpi tag), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-12s %-34s %9s %9s %16s\n' input tool total_s s/page "gt words found"
for doc in scan10.pdf scan10.tif; do
  for t in a b; do
    name=$([ $t = a ] && echo "(a) ocrmypdf --jobs 1" || echo "(b) imgtrans_ocr_pdf, warm")
    set -- ${WORDS[$t-$doc]}
    printf '%-12s %-34s %9.2f %9.2f %10s / %s\n' "$doc" "$name" "${SECS[$t-$doc]}" \
      "$(echo "${SECS[$t-$doc]} / 10" | bc -l)" "$1" "$2"
    PERPAGE[$t-$doc]=$3
  done
  printf '%-12s %-34s %9.2fx\n' "$doc" "ratio a/b (s/page)" "$(echo "${SECS[a-$doc]} / ${SECS[b-$doc]}" | bc -l)"
done
echo "ground-truth words found per page:"
for k in a-scan10.pdf b-scan10.pdf a-scan10.tif b-scan10.tif; do printf '  %-14s %s\n' "$k" "${PERPAGE[$k]}"; done
echo
echo "born-digital born.pdf (2 pages), imgtrans_ocr_text, median of $ROUNDS in the server:"
printf "  text_source 'pdf' %8.2f ms   words %s\n" "$BORN_PDF_MS" "$(same "$PDFW")"
printf "  text_source 'ocr' %8.1f ms   words %s\n" "$BORN_OCR_MS" "$(same "$OCRW")"
printf "  ratio ocr/pdf %.0fx\n" "$(echo "$BORN_OCR_MS / $BORN_PDF_MS" | bc -l)"
