#!/usr/bin/env bash
# bench/document_jobs_bench.sh: a 10-page document as one background job,
# pages in parallel, one run, side by side, ratios printed.
#
# The 10-page scanned PDF and TIFF of bench/scan10.sh (dev-set scans, built
# at bench time in a temp dir).  On each:
#   (a) ocrmypdf with its default --jobs (all cores) --output-type pdf:
#       what users pick today, wall time
#   (b) the document queued as one job (imgtrans_submit) with
#       imgtrans.workers = 1
#   (c) the same with imgtrans.workers = 2: pages are the unit of work, so
#       the idle worker reads pages of the running job
#   (t) no imgtrans: the tesseract CLI on the same pages, one at a time and
#       two at a time (CLI_RUNS, default 3): the ceiling of b/c on this
#       machine; and the pages pinned to each core in turn (taskset), since
#       a VM's two vCPUs need not be equally fast
# (b) and (c) are two clusters running side by side, used in turn: ROUNDS
# (default 12) pairs per document, a job with 1 worker and one with 2 back
# to back (which goes first alternates), so a slow spell of a shared
# machine hits both jobs of a pair; each pair gives a ratio b/c, and the
# median of the pairs is the result (the ratio of the medians is printed
# too).  Jobs are timed inside the server, from created_at to finished_at;
# before each, every worker has run OCR and opened a document of the same
# kind (warm-up jobs), and so has the session that submits.  ocrmypdf runs
# OCRMYPDF_RUNS (default 3) times, the median compared.  Prints how busy
# the workers were (OCR time of the pages over workers x job time: 1.00 is
# no idle worker and no cost outside OCR) and how long the end of each job
# took (last page stored to done: renumbering, saving), seconds per page, b/c (target
# >= 1.8 on 2 cores), a/c (target >= 1: the job at least as fast as
# ocrmypdf on all cores), how the pages were shared among workers, and the
# ground-truth words found in the job's boxes per configuration (they must
# not change with the workers).
#
# Needs: ocrmypdf img2pdf imagemagick (SCAN10_PACKAGES, installed when run as
# root and missing).  Knobs: ROUNDS, OCRMYPDF_RUNS, OCR_DEV.  Runs on two
# throwaway clusters removed at exit.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
imgtrans_locked "$0" "$@"
cd "$IMGTRANS_ROOT"
source bench/scan10.sh

ROUNDS=${ROUNDS:-12}
OCRMYPDF_RUNS=${OCRMYPDF_RUNS:-3}
PSQL=(psql -X -q -tA -v ON_ERROR_STOP=1)
scan10_setup docjobs
cat "$TMP"/p??.gt.txt >"$TMP/all.gt.txt"
# the same pages with the two with most text last: what reading the
# dearest first is for (0.14.0, imgtrans.page_estimates)
convert "$TMP"/p0[12].png "$TMP"/p0[5-9].png "$TMP"/p10.png "$TMP"/p04.png "$TMP"/p03.png -compress lzw \
  "$TMP/dense-last.tif"
DOCS="scan10.pdf scan10.tif dense-last.tif"

declare -A SECS WORDS SHARE BEST
for doc in scan10.pdf scan10.tif; do
  log "(a) ocrmypdf (default --jobs: $(nproc) cores) on $doc"
  runs=""
  for r in $(seq 1 "$OCRMYPDF_RUNS"); do
    t0=$(now)
    ocrmypdf --output-type pdf -l eng "$TMP/$doc" "$TMP/a-$doc.pdf" >"$TMP/ocrmypdf.log" 2>&1 \
      || { cat "$TMP/ocrmypdf.log" >&2; exit 1; }
    runs="$runs $(echo "$(now) - $t0" | bc)"
  done
  SECS[a-$doc]=$(echo "$runs" | median)
  BEST[a-$doc]=$(echo "$runs" | best)
done

# (t) what this machine's cores give tesseract itself, with no imgtrans at
# all: the CLI on the same 10 pages one after another, then two at a time
# (a free process takes the next page, as a free worker does), and longest
# first; the ratios bound what (b)/(c) can reach here (two tesseracts on
# two shared vCPUs slow each other)
log "(t) tesseract CLI on the 10 pages: one at a time vs two at a time"
declare -A TRATIO
for r in $(seq 1 "${CLI_RUNS:-3}"); do
  t0=$(now)
  for f in "$TMP"/p??.png; do OMP_THREAD_LIMIT=1 tesseract "$f" - >/dev/null 2>&1; done
  t1=$(now)
  # shellcheck disable=SC2016
  printf '%s\n' "$TMP"/p??.png | OMP_THREAD_LIMIT=1 xargs -P2 -I{} sh -c 'tesseract "$1" - >/dev/null 2>&1' _ {}
  t2=$(now)
  # shellcheck disable=SC2016,SC2012
  ls -S "$TMP"/p??.png | OMP_THREAD_LIMIT=1 xargs -P2 -I{} sh -c 'tesseract "$1" - >/dev/null 2>&1' _ {}
  t3=$(now)
  TRATIO[order]="${TRATIO[order]:-} $(echo "scale=3; ($t1 - $t0) / ($t2 - $t1)" | bc)"
  TRATIO[longest]="${TRATIO[longest]:-} $(echo "scale=3; ($t1 - $t0) / ($t3 - $t2)" | bc)"
done
# and each core alone: the same pages one at a time pinned to core 0, then
# core 1 (a VM's vCPUs need not be equally fast: a free worker on the slower
# one adds less than a core)
CPUSECS=""
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  for cpu in 0 1; do
    t0=$(now)
    for f in "$TMP"/p??.png; do OMP_THREAD_LIMIT=1 taskset -c "$cpu" tesseract "$f" - >/dev/null 2>&1; done
    CPUSECS="$CPUSECS $(echo "$(now) - $t0" | bc)"
  done
fi

# (b) and (c) are two clusters that run side by side, idle in turn
source test/nodes-lib.sh
trap 'set +e; nodes_stop; rm -rf "$TMP"' EXIT
declare -A FILEDIR
for w in 1 2; do
  node_start "w$w" "shared_preload_libraries = 'imgtrans'
imgtrans.workers = $w"
  FILEDIR[$w]=$(cluster_filedir "$TMP/scan10.pdf" "$TMP/scan10.tif" "$TMP/dense-last.tif" "$TMP/warm.pdf" \
                                "$TMP/warm.tif" "$TMP/all.gt.txt")
  "${PSQL[@]}" -c "CREATE EXTENSION imgtrans"
  # the ground-truth words (multiset) found among a job's word boxes
  "${PSQL[@]}" <<SQL
CREATE TABLE gt AS SELECT w, count(*) AS n
  FROM regexp_split_to_table(pg_read_file('${FILEDIR[$w]}/all.gt.txt'), '\s+') w WHERE w <> '' GROUP BY w;
CREATE FUNCTION gt_found(job bigint) RETURNS text LANGUAGE sql AS \$\$
  SELECT sum(least(gt.n, b.n)) || '/' || (SELECT sum(n) FROM gt)
  FROM gt JOIN (SELECT text AS w, count(*) AS n FROM imgtrans.job_boxes
                WHERE job_id = job AND level = 'word' GROUP BY text) b USING (w)
\$\$;
SQL
done

# seconds of one job on $1 with $2 workers (on cluster w$2) and
# imgtrans.page_estimates $3, after every worker is warm: each has run OCR
# and opened a document of the same kind (2*$2 two-page warm-up documents
# claimed at once), and the session that submits has opened one too
# (imgtrans_submit checks the document)
job_seconds() {
  local doc=$1 w=$2 est=$3 job d
  node_use "w$w"
  d=${FILEDIR[$w]}
  "${PSQL[@]}" -c "ALTER SYSTEM SET imgtrans.page_estimates = $est" -c "SELECT pg_reload_conf()" >/dev/null
  "${PSQL[@]}" >/dev/null <<SQL
DO \$\$ DECLARE t timestamptz := clock_timestamp(); BEGIN
  WHILE (SELECT count(*) FROM imgtrans.workers) < $w AND clock_timestamp() < t + interval '60 s' LOOP
    PERFORM pg_sleep(0.05); END LOOP; END \$\$;
SELECT imgtrans_submit(pg_read_binary_file('$d/warm.${doc##*.}')) FROM generate_series(1, 2 * $w);
SQL
  "${PSQL[@]}" -c "SELECT imgtrans_wait(max(id), '5 min') FROM imgtrans.jobs" >/dev/null
  "${PSQL[@]}" -c "DO \$\$ BEGIN WHILE EXISTS (SELECT FROM imgtrans.jobs WHERE status IN ('queued', 'running'))
                   LOOP PERFORM pg_sleep(0.02); END LOOP; END \$\$" >/dev/null
  job=$("${PSQL[@]}" -c "SELECT count(*) FROM imgtrans_doc_info(pg_read_binary_file('$d/warm.${doc##*.}'))" \
                     -c "SELECT imgtrans_submit(pg_read_binary_file('$d/$doc'))" | tail -n 1)
  "${PSQL[@]}" -c "SELECT imgtrans_wait($job, '30 min')" >/dev/null
  # one session, a line each: seconds, ground-truth words found, pages per
  # worker, how busy the workers were (OCR time of all pages / (workers x
  # job time)), and the end of the job (last page stored to done:
  # renumbering, saving) in ms
  "${PSQL[@]}" \
    -c "SELECT CASE WHEN status = 'done' AND pages_done = 10
               THEN round(extract(epoch FROM finished_at - created_at), 2) ELSE 'NaN' END
        FROM imgtrans.jobs WHERE id = $job" \
    -c "SELECT gt_found($job)" \
    -c "SELECT string_agg(n::text, '+' ORDER BY n DESC) FROM
          (SELECT count(*) AS n FROM imgtrans.job_pages WHERE job_id = $job GROUP BY worker_pid) s" \
    -c "SELECT round(ocr_ms / (1000.0 * $w * extract(epoch FROM finished_at - created_at)), 2)
        FROM imgtrans.jobs WHERE id = $job" \
    -c "SELECT round(extract(epoch FROM finished_at - (SELECT max(done_at) FROM imgtrans.job_pages
                                                     WHERE job_id = $job)) * 1000)
        FROM imgtrans.jobs WHERE id = $job" \
    -c "SELECT round(extract(epoch FROM finished_at - created_at) * 1000) || ' ' || string_agg(ms::text, ' ' ORDER BY page_num)
        FROM (SELECT page_num, round(extract(epoch FROM done_at - coalesce(lag(done_at) OVER (ORDER BY done_at),
                                                                            j.started_at)) * 1000) AS ms
                FROM imgtrans.job_pages p JOIN imgtrans.jobs j ON j.id = p.job_id WHERE job_id = $job) s,
             imgtrans.jobs WHERE id = $job GROUP BY finished_at, created_at"
}

# bound JOB_MS PAGE_MS...: what b/c would be if (b)'s pages, each taking as
# long as it took there, were shared by 2 workers with no cost of their own:
# "in page order" (what workers do: the next free worker takes the next
# page) and "longest first" (the best list schedule); the job's time outside
# its pages (start, end) stays.  The gap between the first and the measured
# b/c is the cost of running pages in parallel, the gap between the two the
# cost of the page order.
bound() {
  local job=$1; shift
  for order in page longest; do
    printf '%s\n' "$@" | { [ $order = longest ] && sort -rn || cat; } | awk -v job="$job" '
      { if (a <= b) a += $1; else b += $1; sum += $1 }
      END { printf "%.2f ", job / (job - sum + (a > b ? a : b)) }'
  done
}

# ROUNDS rounds per document: a job with 1 worker (b) and one with 2 (c),
# back to back (which goes first alternates), so a slow spell of a shared
# machine hits both; each pair gives a ratio, and the medians are printed.
# For a TIFF also (p): 2 workers with imgtrans.page_estimates off (pages in
# page order), next to (c); p/c is what reading the dearest first gained.
declare -A ALL BUSY RATIOS ENDMS BOUND ORDERGAIN
for r in $(seq 1 "$ROUNDS"); do
  for doc in $DOCS; do
    case "$doc" in *.tif) cfgs="b c p" ;; *) cfgs="b c" ;; esac
    [ $((r % 2)) = 0 ] && cfgs=$(echo "$cfgs" | tr ' ' '\n' | tac | tr '\n' ' ')
    log "round $r: $doc, configurations $cfgs"
    for cfg in $cfgs; do
      case $cfg in b) w=1 est=on ;; c) w=2 est=on ;; p) w=2 est=off ;; esac
      { read -r s; read -r words; read -r share; read -r busy; read -r endms; read -r pages; } < <(job_seconds "$doc" "$w" "$est")
      # shellcheck disable=SC2086
      [ "$cfg" = b ] && BOUND[$doc]="${BOUND[$doc]:-}$(bound $pages)
"
      ALL[$cfg-$doc]="${ALL[$cfg-$doc]:-} $s" WORDS[$cfg-$doc]=$words SHARE[$cfg-$doc]=$share
      BUSY[$cfg-$doc]="${BUSY[$cfg-$doc]:-} $busy" ENDMS[$cfg-$doc]="${ENDMS[$cfg-$doc]:-} $endms"
      eval "last_$cfg=$s"
    done
    RATIOS[$doc]="${RATIOS[$doc]:-} $(echo "scale=3; $last_b / $last_c" | bc)"
    case "$doc" in *.tif) ORDERGAIN[$doc]="${ORDERGAIN[$doc]:-} $(echo "scale=3; $last_p / $last_c" | bc)" ;; esac
  done
done
for k in "${!ALL[@]}"; do
  SECS[$k]=$(echo "${ALL[$k]}" | median)
  BEST[$k]=$(echo "${ALL[$k]}" | best)
done

echo
echo "$ROUNDS rounds per document: a job with 1 worker and one with 2 (a TIFF: also 2 in page order), back to back, on two clusters"
for doc in $DOCS; do
  echo "$doc (b) s:${ALL[b-$doc]}"
  echo "$doc (c) s:${ALL[c-$doc]}"
  echo "$doc b/c of each pair:${RATIOS[$doc]}"
  echo "$doc (c) OCR busy share of 2 workers x job time:${BUSY[c-$doc]}"
  echo "$doc ms from the last page stored to done, (b):${ENDMS[b-$doc]} (c):${ENDMS[c-$doc]}"
  echo "$doc b/c bound of (b)'s pages on 2 free workers, in page order:$(echo "${BOUND[$doc]}" | awk 'NF {printf " %s", $1}')"
  echo "$doc                                            longest first:$(echo "${BOUND[$doc]}" | awk 'NF {printf " %s", $2}')"
  [ -n "${ORDERGAIN[$doc]:-}" ] && echo "$doc (p) s:${ALL[p-$doc]}" && echo "$doc p/c of each round:${ORDERGAIN[$doc]}"
done
echo "(t) tesseract CLI, 10 pages, one at a time / two at a time:${TRATIO[order]} (page order)${TRATIO[longest]} (longest first)"
printf '(t) this machine gives tesseract itself %.2fx on 2 cores in page order, %.2fx longest first (median): the ceiling of b/c here\n' \
  "$(echo "${TRATIO[order]}" | median)" "$(echo "${TRATIO[longest]}" | median)"
if [ -n "$CPUSECS" ]; then
  # shellcheck disable=SC2086
  set -- $CPUSECS
  printf '(t) the 10 pages pinned to core 0: %.2f s, to core 1: %.2f s; 2 workers against 1 on the faster core can reach at most 1 + fast/slow = %.2fx\n' \
    "$1" "$2" "$(awk -v a="$1" -v b="$2" 'BEGIN { print 1 + (a < b ? a / b : b / a) }')"
fi
printf '%-14s %-34s %9s %9s %9s %-14s %s\n' input config median best s/page "pages/worker" "gt words found"
for doc in $DOCS; do
  [ -n "${SECS[a-$doc]:-}" ] && printf '%-14s %-34s %9.2f %9.2f %9.2f %-14s %s\n' "$doc" "(a) ocrmypdf, --jobs $(nproc)" "${SECS[a-$doc]}" \
    "${BEST[a-$doc]}" "$(echo "${SECS[a-$doc]} / 10" | bc -l)" "" ""
  printf '%-14s %-34s %9.2f %9.2f %9.2f %-14s %s\n' "$doc" "(b) one job, 1 worker" "${SECS[b-$doc]}" \
    "${BEST[b-$doc]}" "$(echo "${SECS[b-$doc]} / 10" | bc -l)" "${SHARE[b-$doc]}" "${WORDS[b-$doc]}"
  printf '%-14s %-34s %9.2f %9.2f %9.2f %-14s %s\n' "$doc" "(c) one job, 2 workers" "${SECS[c-$doc]}" \
    "${BEST[c-$doc]}" "$(echo "${SECS[c-$doc]} / 10" | bc -l)" "${SHARE[c-$doc]}" "${WORDS[c-$doc]}"
  [ -n "${SECS[p-$doc]:-}" ] && printf '%-14s %-34s %9.2f %9.2f %9.2f %-14s %s\n' "$doc" "(p) 2 workers, page order" \
    "${SECS[p-$doc]}" "${BEST[p-$doc]}" "$(echo "${SECS[p-$doc]} / 10" | bc -l)" "${SHARE[p-$doc]}" "${WORDS[p-$doc]}"
  printf '%-14s b/c = %.2fx (median of the pairs; %.2fx of the medians; target >= 1.8)' \
    "$doc" "$(echo "${RATIOS[$doc]}" | median)" "$(echo "${SECS[b-$doc]} / ${SECS[c-$doc]}" | bc -l)"
  [ -n "${SECS[a-$doc]:-}" ] && printf '   a/c = %.2fx (target >= 1.0)' "$(echo "${SECS[a-$doc]} / ${SECS[c-$doc]}" | bc -l)"
  [ -n "${ORDERGAIN[$doc]:-}" ] && printf '   p/c = %.2fx (dearest first against page order, median of the rounds)' \
    "$(echo "${ORDERGAIN[$doc]}" | median)"
  echo
  printf '%-14s bound of b/c with these pages (median): %.2fx in page order, %.2fx longest first\n' "$doc" \
    "$(echo "${BOUND[$doc]}" | awk 'NF {print $1}' | median)" "$(echo "${BOUND[$doc]}" | awk 'NF {print $2}' | median)"
done
