#!/usr/bin/env bash
# bench/ocr_bench.sh: imgtrans OCR speed and memory benchmark, one run.
#
#   bench/ocr_bench.sh [speed|memory|all]      (default: speed)
#
# speed: side by side on the same images, interleaved round by round:
#   (a)  bench/capi_loop.c: tesseract's C API, one warm engine, no server,
#        run with OMP_THREAD_LIMIT=1 -- the floor
#   (b)  imgtrans_ocr_text(image) in one session, timed inside the server
#        with clock_timestamp() after one untimed warm-up call through the
#        same plpgsql path (so engine init and plpgsql's first planning are
#        not timed; engine init is not timed for (a) either); the server
#        runs WITHOUT OMP_THREAD_LIMIT, so only the extension's own thread
#        control (imgtrans.ocr_threads = 1) applies
#   (b2) count(*) FROM imgtrans_ocr(image): box rows, same session as (b)
#   (c)  the tesseract CLI once per image, as pytesseract does, default
#        environment (OpenMP's default threads)
#   (c1) the same CLI with OMP_THREAD_LIMIT=1, for reference
#   (d)  as (b), in a session with SET imgtrans.ocr_threads = 0 (OpenMP's
#        default threads): what the thread control buys
# and prints ms/image for each and the ratios b/a, c/b, c1/b and d/b.
#
# memory: MEMORY_CALLS (2000) OCR calls in one session on a small image,
#   mixing every OCR function, per-call vars and failing calls caught in a
#   plpgsql EXCEPTION block, printing the VmRSS/RssAnon of the backend and
#   its OCR process and image decoder together (bench/proc_rss.sh) after
#   the warm-up, every
#   500 calls and at the end.
#
# Knobs: ROUNDS (default 5), MEMORY_CALLS (2000), OCR_DEV (the shared dev
# set, default ../shared/ocr-dev), TESSDATA.  Raw timings go to bench/out/.
# Runs under the global test lock (make install writes into the system
# PostgreSQL lib dir) on a throwaway cluster that is removed at exit.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
imgtrans_locked "$0" "$@"
cd "$IMGTRANS_ROOT"

MODE=${1:-speed}
case "$MODE" in speed|memory|all) ;; *) echo "usage: $0 [speed|memory|all]" >&2; exit 2;; esac
ROUNDS=${ROUNDS:-5}
MEMORY_CALLS=${MEMORY_CALLS:-2000}
OCR_DEV=${OCR_DEV:-$IMGTRANS_ROOT/../shared/ocr-dev}
TESSDATA=${TESSDATA:-/usr/share/tesseract-ocr/5/tessdata}
OUT=$IMGTRANS_ROOT/bench/out
FIXTURES="hello.png doc.png cheque.png hello.jpg"
PAGES="tesstest__phototest.tif sroie__000.jpg funsd__82092117.png"
PSQL=(psql -X -q -v ON_ERROR_STOP=1)

# Nothing below inherits the caller's thread limit: every command that
# should have one gets it explicitly, and the server gets none.
CALLER_OMP=${OMP_THREAD_LIMIT-<unset>}
unset OMP_THREAD_LIMIT

cleanup() { set +e; cluster_stop; }
trap cleanup EXIT

# --- set-up ---------------------------------------------------------------

build_capi_loop() {
  log "building bench/capi_loop"
  gcc -O2 -Wall -Wextra -Werror -o bench/capi_loop bench/capi_loop.c \
    $(pkg-config --cflags --libs tesseract lept)
}

# copies the images where the server can read them; sets IMAGES (paths)
stage_images() {
  local f srcs=()
  for f in $FIXTURES; do srcs+=("test/fixtures/$f"); done
  for f in $PAGES; do
    if [ -f "$OCR_DEV/$f" ]; then srcs+=("$OCR_DEV/$f"); else log "skipping missing $OCR_DEV/$f"; fi
  done
  srcs+=(test/fixtures/truncated.png)
  FILEDIR=$(cluster_filedir "${srcs[@]}")
  IMAGES=()
  for f in "${srcs[@]}"; do
    [ "$(basename "$f")" = truncated.png ] || IMAGES+=("$FILEDIR/$(basename "$f")")
  done
}

# bench_img(ord, name, cls, data) and the timed per-round function
load_images() {
  local i=0 f cls values=""
  for f in "${IMAGES[@]}"; do
    i=$((i + 1))
    case " $FIXTURES " in *" $(basename "$f") "*) cls=fixture;; *) cls=page;; esac
    values="$values${values:+,}($i, '$(basename "$f")', '$cls', pg_read_binary_file('$f'))"
  done
  "${PSQL[@]}" <<SQL
CREATE EXTENSION imgtrans;
CREATE TABLE bench_img (ord int PRIMARY KEY, name text, cls text, data bytea);
INSERT INTO bench_img VALUES $values,
  (0, 'truncated.png', 'bad', pg_read_binary_file('$FILEDIR/truncated.png'));

-- one timed pass over the (first n) images: fn 'text' = imgtrans_ocr_text,
-- 'rows' = count(*) FROM imgtrans_ocr (word rows).  The warm-up call goes
-- through here too (n = 1), so that plpgsql's one-time planning of the
-- timed statement is not timed either.
CREATE FUNCTION bench_round(fn text, r int, n int DEFAULT NULL)
RETURNS TABLE (name text, round int, ms float8, chars int) LANGUAGE plpgsql AS \$\$
DECLARE
  img record;
  t0 timestamptz;
  txt text;
BEGIN
  FOR img IN SELECT b.name, b.data FROM bench_img b WHERE b.ord > 0 ORDER BY b.ord LIMIT n LOOP
    t0 := clock_timestamp();
    IF fn = 'text' THEN
      txt := imgtrans_ocr_text(img.data);
      chars := octet_length(txt);
    ELSE
      SELECT count(*) INTO chars FROM imgtrans_ocr(img.data);
    END IF;
    ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
    name := img.name;
    round := r;
    RETURN NEXT;
  END LOOP;
END \$\$;
SQL
}

print_setup() {
  echo "== setup"
  echo "host: $(nproc) CPUs, $(uptime | sed 's/.*load average/load average/')"
  echo "tesseract: $(tesseract --version 2>&1 | head -1), $(tesseract --version 2>&1 | grep -m1 leptonica | sed 's/^ *//')"
  echo "OMP_THREAD_LIMIT in the caller's environment: $CALLER_OMP (removed for this script)"
  if tr '\0' '\n' </proc/"$CLUSTER_PID"/environ | grep -q '^OMP_THREAD_LIMIT='; then
    echo "ERROR: the postmaster has OMP_THREAD_LIMIT in its environment" >&2
    exit 1
  fi
  echo "postmaster $CLUSTER_PID environment: no OMP_THREAD_LIMIT (checked in /proc/$CLUSTER_PID/environ)"
  echo "server: shared_preload_libraries = imgtrans, imgtrans.ocr_threads default = $("${PSQL[@]}" -At -c 'SHOW imgtrans.ocr_threads')"
  echo "images (lang eng, psm 3, tessdata $TESSDATA):"
  "${PSQL[@]}" -At -c "SELECT format('  %-26s %-8s %5s x %-5s %7s bytes', b.name, b.cls, i.width, i.height,
    length(b.data)) FROM bench_img b, imgtrans_image_info(b.data) i WHERE b.ord > 0 ORDER BY b.ord"
  "${PSQL[@]}" -At -F $'\t' -c "SELECT name, cls FROM bench_img WHERE ord > 0" >"$OUT/classes.tsv"
}

# --- the measured methods; each appends "method image round ms chars" -----

run_capi() {  # (a)
  # tesseract's notes ("Estimating resolution as ...") go to a file, as the
  # CLI's go to /dev/null and the server's to its log
  OMP_THREAD_LIMIT=1 bench/capi_loop -d "$TESSDATA" -l eng -p 3 -r 1 "${IMAGES[@]}" \
      2>"$OUT/capi_loop.stderr" \
    | awk -v r="$1" -F '\t' '/^#/ {next} {print "a\t" $1 "\t" r "\t" $3 "\t" $4}' \
    || { cat "$OUT/capi_loop.stderr" >&2; return 1; }
}

# one psql session: [SET threads], warm-up, thread proof, timed pass(es)
run_sql() {  # run_sql ROUND SETTINGS METHOD:FN...
  local r=$1 settings=$2 m script
  shift 2
  script="SELECT pg_backend_pid() AS bpid \\gset
\\setenv BPID :bpid
$settings
"
  for m in "$@"; do  # warm-up: one untimed call per measured function
    script="$script
SELECT count(*) FROM bench_round('${m#*:}', 0, 1) \\g /dev/null"
  done
  script="$script
SELECT format(E'INFO\tbackend %s: imgtrans.ocr_threads=%s, imgtrans_engine_info(): omp_thread_limit=%s cached_languages=%s',
  pg_backend_pid(), current_setting('imgtrans.ocr_threads'), omp_thread_limit, cached_languages) FROM imgtrans_engine_info();
\\! printf 'INFO\tbackend %s: %s threads (ls /proc/%s/task) after the warm-up call\n' \$BPID \$(ls /proc/\$BPID/task | wc -l) \$BPID
"
  for m in "$@"; do
    script="$script
SELECT '${m%%:*}', name, round, round(ms::numeric, 3), chars FROM bench_round('${m#*:}', $r);"
  done
  "${PSQL[@]}" -At -F $'\t' <<<"$script"
}

run_cli() {  # run_cli METHOD ROUND env-args...: (c)/(c1), one process per image
  local m=$1 r=$2 f t0 t1
  shift 2
  for f in "${IMAGES[@]}"; do
    t0=$EPOCHREALTIME
    env "$@" tesseract "$f" "$OUT/cli-out" -l eng --psm 3 >/dev/null 2>&1
    t1=$EPOCHREALTIME
    printf '%s\t%s\t%s\t%s\t%s\n' "$m" "$(basename "$f")" "$r" \
      "$(awk "BEGIN { printf \"%.3f\", ($t1 - $t0) * 1000 }")" "$(wc -c <"$OUT/cli-out.txt")"
  done
}

# INFO lines are shown (first round only), timing rows go to the TSV
collect() {  # collect ROUND
  awk -F '\t' -v r="$1" -v tsv="$TSV" \
    '$1 == "INFO" { if (r == 1) print "  " $2; next } { print >> tsv }'
}

speed_bench() {
  local r
  TSV=$OUT/ocr-times.tsv
  : >"$TSV"
  echo
  echo "== speed: $ROUNDS rounds over ${#IMAGES[@]} images, methods interleaved per round"
  echo "(a)  C API loop, one warm engine (one untimed warm-up call), OMP_THREAD_LIMIT=1 in its environment"
  echo "(b)  SELECT imgtrans_ocr_text(image), one session per round, timed in the server"
  echo "     (clock_timestamp() around each call) after an untimed warm-up call (hello.png)"
  echo "     of each timed function, so neither engine init nor plpgsql planning is timed"
  echo "(b2) SELECT count(*) FROM imgtrans_ocr(image) (word box rows), same session as (b)"
  echo "(c)  tesseract FILE OUT -l eng --psm 3, one process per image, default env: what pytesseract"
  echo "     runs (pytesseract also writes a temp image and starts from Python: c is its lower bound)"
  echo "(c1) the same with OMP_THREAD_LIMIT=1"
  echo "(d)  as (b) after SET imgtrans.ocr_threads = 0 (OpenMP default threads)"
  echo "server and (b)/(b2)/(d) sessions: no OMP_THREAD_LIMIT; thread state per backend:"
  for r in $(seq 1 "$ROUNDS"); do
    log "round $r/$ROUNDS"
    if [ $((r % 2)) = 1 ]; then
      run_capi "$r" >>"$TSV"
      run_sql "$r" "" b:text b2:rows | collect "$r"
    else
      run_sql "$r" "" b:text b2:rows | collect "$r"
      run_capi "$r" >>"$TSV"
    fi
    run_sql "$r" "SET imgtrans.ocr_threads = 0;" d:text | collect "$r"
    run_cli c "$r" -u OMP_THREAD_LIMIT >>"$TSV"
    run_cli c1 "$r" OMP_THREAD_LIMIT=1 >>"$TSV"
  done
  echo "after the run: $(uptime | sed 's/.*load average/load average/')"
  summarize "$TSV" "$OUT/classes.tsv"
}

summarize() {
  python3 - "$1" "$2" <<'PY'
import sys, statistics as st
from collections import defaultdict
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
cls = dict(l.rstrip("\n").split("\t") for l in open(sys.argv[2]) if l.strip())
methods = [m for m in ("a", "b", "b2", "c", "c1", "d") if any(r[0] == m for r in rows)]
ms = defaultdict(list)                   # (method, image) -> [ms per round]
chars = defaultdict(set)                 # (method, image) -> {output size}
for m, img, rnd, t, n in rows:
    ms[m, img].append(float(t))
    chars[m, img].add(n.strip())
images = [i for i in cls if (methods[0], i) in ms]
med = {k: st.median(v) for k, v in ms.items()}
best = {k: min(v) for k, v in ms.items()}

def per_image(m, imgs, stat=med):        # mean over images of per-image medians
    return sum(stat[m, i] for i in imgs) / len(imgs)

def spread(m, imgs):                     # ms/image of each round: min..max
    rounds = defaultdict(float)
    for i in imgs:
        for k, t in enumerate(ms[m, i]):
            rounds[k] += t / len(imgs)
    return min(rounds.values()), max(rounds.values())

print("\n== per image: median ms over rounds")
print("%-26s %-8s" % ("image", "class") + "".join("%9s" % m for m in methods)
      + "%7s%7s%7s%7s" % ("b/a", "c/b", "c1/b", "d/b"))
for i in images:
    print("%-26s %-8s" % (i, cls[i]) + "".join("%9.1f" % med[m, i] for m in methods)
          + "%7.2f%7.2f%7.2f%7.2f" % (med["b", i] / med["a", i], med["c", i] / med["b", i],
                                     med["c1", i] / med["b", i], med["d", i] / med["b", i]))
print("\n== ms/image (mean over images of the per-image medians; [fastest..slowest round])")
groups = [("all", images)] + [(c, [i for i in images if cls[i] == c])
                              for c in ("fixture", "page") if any(cls[i] == c for i in images)]
for g, imgs in groups:
    print("%s (%d images):" % (g, len(imgs)))
    for m in methods:
        lo, hi = spread(m, imgs)
        print("  %-3s %9.1f ms/image   [%.1f..%.1f]" % (m, per_image(m, imgs), lo, hi))
    b, bb = per_image("b", imgs), per_image("b", imgs, best)
    print("  b/a  = %.3f  (target <= 1.05; %.3f from each image's fastest round)"
          % (b / per_image("a", imgs), bb / per_image("a", imgs, best)))
    print("  c/b  = %.2f   (target >= 5; %.2f from each image's fastest round)"
          % (per_image("c", imgs) / b, per_image("c", imgs, best) / bb))
    print("  c1/b = %.2f   (CLI with OMP_THREAD_LIMIT=1)" % (per_image("c1", imgs) / b))
    print("  d/b  = %.2f   (what imgtrans.ocr_threads = 1 buys)" % (per_image("d", imgs) / b))
same = [i for i in images if chars["a", i] == chars["b", i] and len(chars["b", i]) == 1]
print("\nsame work: (a) and (b) returned the same number of characters on %d of %d images"
      % (len(same), len(images)))
print("note: fixtures are a few rendered lines, where the CLI's per-process engine load\n"
      "(~100 ms) dominates; pages are real scans, where recognition dominates and the\n"
      "gap to the CLI comes mostly from its default OpenMP threads (compare c1).")
PY
}

# --- memory ----------------------------------------------------------------

memory_bench() {
  local per=500 done=0 n
  RSS_LOG=$OUT/memory-rss.tsv
  export RSS_LOG
  : >"$RSS_LOG"
  echo
  echo "== memory: $MEMORY_CALLS OCR calls in one session on hello.png (528x90)"
  echo "cycle of 8 calls: imgtrans_ocr word rows; imgtrans_ocr_text; imgtrans_ocr_text with vars;"
  echo "imgtrans_ocr level 'all' with vars; imgtrans_ocr_hocr; imgtrans_ocr_tsv + imgtrans_ocr_alto;"
  echo "truncated.png (fails in decode, caught); valid + unknown vars (fails after the engine"
  echo "is taken and one variable is set, caught) -- failures in a plpgsql EXCEPTION block"
  local script="SELECT pg_backend_pid() AS bpid \\gset
\\setenv BPID :bpid
SELECT imgtrans_ocr_text(data) AS expected FROM bench_img WHERE name = 'hello.png' \\gset
CREATE FUNCTION pg_temp.ocr_calls(n int) RETURNS void LANGUAGE plpgsql AS \$\$
DECLARE
  img bytea := (SELECT data FROM bench_img WHERE name = 'hello.png');
  bad bytea := (SELECT data FROM bench_img WHERE name = 'truncated.png');
  wl jsonb := '{\"tessedit_char_whitelist\": \"Helowrdimgtans \"}';
  k int;
  t text;
  i int;
BEGIN
  FOR i IN 1..n LOOP
    CASE i % 8
      WHEN 0 THEN SELECT count(*) INTO k FROM imgtrans_ocr(img);
      WHEN 1 THEN t := imgtrans_ocr_text(img);
      WHEN 2 THEN t := imgtrans_ocr_text(img, vars => wl);
      WHEN 3 THEN SELECT count(*) INTO k FROM imgtrans_ocr(img, level => 'all', vars => wl);
      WHEN 4 THEN t := imgtrans_ocr_hocr(img);
      WHEN 5 THEN t := imgtrans_ocr_tsv(img) || imgtrans_ocr_alto(img);
      WHEN 6 THEN
        BEGIN
          t := imgtrans_ocr_text(bad);
          RAISE EXCEPTION 'truncated.png was accepted';
        EXCEPTION WHEN data_exception THEN NULL;
        END;
      ELSE
        BEGIN
          t := imgtrans_ocr_text(img, vars => '{\"tessedit_char_whitelist\": \"0\", \"no_such_variable\": 1}');
          RAISE EXCEPTION 'unknown variable was accepted';
        EXCEPTION WHEN undefined_object OR insufficient_privilege THEN NULL;
        END;
    END CASE;
  END LOOP;
END \$\$;
SELECT pg_temp.ocr_calls(16) \\g /dev/null
\\! bench/proc_rss.sh 0 \$BPID >>\"\$RSS_LOG\"
"
  while [ "$done" -lt "$MEMORY_CALLS" ]; do
    n=$((MEMORY_CALLS - done < per ? MEMORY_CALLS - done : per))
    done=$((done + n))
    script="$script
SELECT pg_temp.ocr_calls($n) \\g /dev/null
\\! bench/proc_rss.sh $done \$BPID >>\"\$RSS_LOG\""
  done
  script="$script
SELECT CASE WHEN imgtrans_ocr_text(data) = :'expected' THEN 'INFO	after the run, imgtrans_ocr_text(hello.png) still returns the warm-up result'
  ELSE 'INFO	ERROR: imgtrans_ocr_text(hello.png) changed during the run' END FROM bench_img WHERE name = 'hello.png';"
  local t0=$EPOCHREALTIME
  "${PSQL[@]}" -At <<<"$script" | sed 's/^INFO\t/  /'
  echo "  $MEMORY_CALLS calls (+16 warm-up) took $(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $t0 }") s"
  awk -F '\t' '
    BEGIN { printf "  %-22s %12s %12s\n", "calls (after warm-up)", "VmRSS kB", "RssAnon kB" }
    { printf "  %-22s %12d %12d\n", $1, $2, $3; c[NR] = $1; rss[NR] = $2; anon[NR] = $3 }
    END {
      printf "  growth start->end: VmRSS %+d kB, RssAnon %+d kB (%.0f bytes/call)\n",
        rss[NR] - rss[1], anon[NR] - anon[1], (anon[NR] - anon[1]) * 1024 / c[NR]
      if (NR < 3) exit
      printf "  growth %s->end:  VmRSS %+d kB, RssAnon %+d kB (%.0f bytes/call)\n", c[2],
        rss[NR] - rss[2], anon[NR] - anon[2], (anon[NR] - anon[2]) * 1024 / (c[NR] - c[2])
      g = anon[NR] - anon[2]
      print (g > 2048 ? "  verdict: RssAnon GROWS after the first 500 calls -- look for a leak" \
                      : "  verdict: no growth beyond 2 MB after the first 500 calls (no leak visible)")
    }' "$RSS_LOG"
  # tesseract would print LEAK lines to the log for what it leaked
  sleep 1
  echo "  server log: $(grep -c 'LEAK' "$CLUSTER_DIR/server.log" || true) tesseract LEAK lines," \
       "$(grep -cE 'WARNING|ERROR|FATAL|PANIC' "$CLUSTER_DIR/server.log" || true) WARNING/ERROR/FATAL/PANIC lines" \
       "(the caught failures log nothing: they never reach the client)"
}

# --- main --------------------------------------------------------------------

mkdir -p "$OUT"
imgtrans_deps
imgtrans_build
build_capi_loop
cluster_start "shared_preload_libraries = 'imgtrans'"
stage_images
load_images
print_setup
case "$MODE" in
  speed) speed_bench ;;
  memory) memory_bench ;;
  all) speed_bench; memory_bench ;;
esac
