#!/usr/bin/env bash
# bench/documents_memory.sh: is a backend's memory flat over many document
# calls?  One session calls each function N times (default 500) on
# test/fixtures/small2.pdf (2 pages of 216 x 72 pt, at 150 dpi) and prints
# the RSS of the backend and the processes it forked (VmRSS in /proc of
# pg_backend_pid() and of its OCR process, PDF reader and image decoder) after 100, 250 and
# 500 calls, and the ratio RSS(500) / RSS(100):
#   imgtrans_ocr_pdf                      (rasterise, OCR, tesseract's PDF)
#   imgtrans_ocr, text_source => 'ocr'    (rasterise, OCR)
#   imgtrans_ocr of page 1 as a PNG       (control: OCR without poppler)
#   imgtrans_ocr of a 3-page TIFF         (pages decoded by the image decoder)
#   imgtrans_ocr, text_source => 'pdf'    (poppler's text layer)
#   failures: imgtrans_doc_info of encrypted.pdf and corrupt.pdf,
#   imgtrans_page_image of bomb-page.pdf and OCR of truncated.jpg, each
#   caught in PL/pgSQL
# A leak of a poppler, cairo or leptonica object per call shows as a ratio
# well above 1.  Runs on a throwaway cluster removed at exit (or, with
# PGHOST etc. set and BENCH_REUSE=1, on a running server that has the
# extension installed and reads test/fixtures/ from FIXTURES).
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
imgtrans_locked "$0" "$@"
cd "$IMGTRANS_ROOT"

CALLS=${CALLS:-500}
DPI=${DPI:-150}
PSQL=(psql -X -q -At -v ON_ERROR_STOP=1)

if [ -z "${BENCH_REUSE:-}" ]; then
  trap 'cluster_stop' EXIT
  imgtrans_build
  cluster_start
  FIXTURES=$(cluster_filedir test/fixtures)/fixtures
  "${PSQL[@]}" -c "CREATE EXTENSION imgtrans"
fi
FIXTURES=${FIXTURES:-$IMGTRANS_ROOT/test/fixtures}

# series NAME SQL: one fresh session, SQL run CALLS times (a DO loop of 50
# at a time), RSS printed after 100, 250 and 500 calls (scaled to CALLS)
series() {
  local name=$1 sql=$2
  python3 - "$name" "$sql" "$CALLS" "$FIXTURES" "$DPI" <<'PY'
import os, subprocess, sys, time
name, sql, calls, fx, dpi = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
p = subprocess.Popen(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, text=True, bufsize=1)
def ask(q):
    p.stdin.write(q + "\n\\echo __END__\n")
    out = []
    for line in p.stdout:
        line = line.rstrip("\n")
        if line == "__END__":
            return out
        out.append(line)
    raise SystemExit("psql ended")
pid = ask("SELECT pg_backend_pid();")[0]
def rss_kb():
    # the backend and the processes it forked (OCR process, PDF reader)
    total = 0
    for p in os.listdir("/proc"):
        try:
            st = {l.split(":")[0]: l.split()[1:] for l in open(f"/proc/{p}/status")}
        except (OSError, ValueError):
            continue
        if p == pid or st.get("PPid", [""])[0] == pid:
            total += int(st["VmRSS"][0]) if "VmRSS" in st else 0
    return total
body = sql.replace("$FX", fx).replace("$DPI", dpi)
ask(f"CREATE TEMP TABLE d AS SELECT doc, imgtrans_page_image(doc, 1, {dpi}) AS png "
    f"FROM pg_read_binary_file('{fx}/small2.pdf') AS doc;")
marks = [c * calls // 500 for c in (100, 250, 500)]
done, rss, t0 = 0, {}, time.time()
for m in marks:
    n = m - done
    ask(f"DO $$ DECLARE doc bytea := (SELECT d.doc FROM d); png bytea := (SELECT d.png FROM d); BEGIN FOR i IN 1..{n} LOOP {body} END LOOP; END $$;")
    done = m
    rss[m] = rss_kb()
p.stdin.close(); p.wait()
a, b, c = (rss[m] for m in marks)
print(f"{name:<34} RSS after {marks[0]}/{marks[1]}/{marks[2]} calls: "
      f"{a/1024:.1f} / {b/1024:.1f} / {c/1024:.1f} MB   ratio {marks[2]}/{marks[0]}: {c/a:.3f}"
      f"   ({time.time()-t0:.0f} s)")
PY
}

log "RSS over $CALLS calls per series, small2.pdf at $DPI dpi"
series "imgtrans_ocr_pdf" \
  "PERFORM length(imgtrans_ocr_pdf(doc, dpi => \$DPI));"
series "imgtrans_ocr (text_source ocr)" \
  "PERFORM count(*) FROM imgtrans_ocr(doc, dpi => \$DPI, text_source => 'ocr');"
# control: the same OCR of page 1 as a PNG (no poppler, no cairo): growth
# shared with it is tesseract's or malloc's, not the document code's
series "imgtrans_ocr of a PNG (control)" \
  "PERFORM count(*) FROM imgtrans_ocr(png);"
# a 3-page TIFF: every page decoded by the backend's image decoder (0.17.0)
series "imgtrans_ocr of a 3-page TIFF" \
  "PERFORM count(*) FROM imgtrans_ocr(pg_read_binary_file('\$FX/pages.tif'));"
series "imgtrans_ocr (text_source pdf)" \
  "PERFORM count(*) FROM imgtrans_ocr(doc, dpi => \$DPI, text_source => 'pdf');"
series "failures (encrypted/corrupt/bomb)" \
  "BEGIN PERFORM * FROM imgtrans_doc_info(pg_read_binary_file('\$FX/encrypted.pdf')); EXCEPTION WHEN OTHERS THEN NULL; END;
   BEGIN PERFORM * FROM imgtrans_doc_info(pg_read_binary_file('\$FX/corrupt.pdf')); EXCEPTION WHEN OTHERS THEN NULL; END;
   BEGIN PERFORM imgtrans_page_image(pg_read_binary_file('\$FX/bomb-page.pdf'), 1); EXCEPTION WHEN OTHERS THEN NULL; END;
   BEGIN PERFORM imgtrans_ocr_text(pg_read_binary_file('\$FX/truncated.jpg')); EXCEPTION WHEN OTHERS THEN NULL; END;"
