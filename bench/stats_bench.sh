#!/usr/bin/env bash
# bench/stats_bench.sh: the cost of always-on statistics (src/stats).
#
#   bench/stats_bench.sh
#
# One session, one run, side by side: the same loops with
# imgtrans.track_stats on and off, alternating in ROUNDS (default 7) rounds
# so that both see the same machine load:
#   header   imgtrans_image_info(hello.png)          ~µs: the worst case
#   cache    imgtrans_translate(text) answered by the translation cache
#            (SPI lookup, no HTTP): the cheapest call that does real work
#   ocr      imgtrans_ocr(hello.png)                  ~0.1-0.3 s
# Times are taken in the server with clock_timestamp() around a PL/pgSQL
# loop.  Prints per workload the median µs per call on and off, their ratio,
# and the noise: the spread (max - min) / median of the off rounds.  The
# verdict "below noise" holds when |ratio - 1| is under that spread.
# Exit status 1 if stats are above noise for the cache or OCR loop.
# Runs on a throwaway cluster on 127.0.0.1 and a provider stub (for the
# cache's first fill), both stopped by PID at exit.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
source "$(dirname "$0")/../scripts/services-translate.sh"
imgtrans_locked "$0" "$@"
cd "$IMGTRANS_ROOT"

ROUNDS=${ROUNDS:-7}
HEADER_N=${HEADER_N:-20000}
CACHE_N=${CACHE_N:-2000}
OCR_N=${OCR_N:-5}
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)

cleanup() { set +e; stub_stop; cluster_stop; [ -n "${SVC:-}" ] && rm -rf "$SVC"; }
trap cleanup EXIT

imgtrans_build
cluster_start "shared_preload_libraries = 'imgtrans'
imgtrans.workers = 0"
SVC=$(mktemp -d /tmp/imgtrans-stats-bench.XXXXXX)
stub_start "$SVC"
DIR=$(cluster_filedir "$IMGTRANS_ROOT/test/fixtures/hello.png")

"${PSQL[@]}" -v img="$DIR/hello.png" -v stub="$STUB_URL" -v rounds="$ROUNDS" \
  -v header_n="$HEADER_N" -v cache_n="$CACHE_N" -v ocr_n="$OCR_N" <<'SQL'
CREATE EXTENSION imgtrans;
SELECT imgtrans_add_provider('bench', 'libretranslate', :'stub' || '/libre', 'libre-test-key') \g /dev/null
CREATE TEMP TABLE t AS SELECT pg_read_binary_file(:'img') AS img;
-- warm: engine loaded, cache filled, plans made
SELECT count(*) FROM t, imgtrans_ocr(t.img) \g /dev/null
SELECT imgtrans_translate('bench text', 'es', 'en', 'bench') \g /dev/null
CREATE FUNCTION loop_us(workload text, n int) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp(); im bytea := (SELECT img FROM t); x text;
BEGIN
  FOR i IN 1 .. n LOOP
    IF workload = 'header' THEN
      SELECT format INTO x FROM imgtrans_image_info(im);
    ELSIF workload = 'cache' THEN
      x := imgtrans_translate('bench text', 'es', 'en', 'bench');
    ELSE
      SELECT count(*) INTO x FROM imgtrans_ocr(im);
    END IF;
  END LOOP;
  RETURN 1e6 * extract(epoch FROM clock_timestamp() - t0) / n;
END $$;
CREATE TEMP TABLE runs (workload text, round int, stats bool, us float8);
SET bench.rounds = :'rounds';
SET bench.header_n = :'header_n';
SET bench.cache_n = :'cache_n';
SET bench.ocr_n = :'ocr_n';
DO $$
DECLARE r int; w text; n int; on_first bool;
BEGIN
  FOR r IN 1 .. current_setting('bench.rounds')::int LOOP
    FOREACH w IN ARRAY ARRAY['header', 'cache', 'ocr'] LOOP
      n := current_setting('bench.' || w || '_n')::int;
      on_first := r % 2 = 1;   -- alternate the order too
      PERFORM set_config('imgtrans.track_stats', on_first::text, false);
      INSERT INTO runs VALUES (w, r, on_first, loop_us(w, n));
      PERFORM set_config('imgtrans.track_stats', (NOT on_first)::text, false);
      INSERT INTO runs VALUES (w, r, NOT on_first, loop_us(w, n));
    END LOOP;
  END LOOP;
END $$;
RESET imgtrans.track_stats;
\pset format aligned
\pset footer off
\pset tuples_only off
WITH m AS (
  SELECT workload, stats, percentile_cont(0.5) WITHIN GROUP (ORDER BY us) AS med,
         max(us) - min(us) AS spread
  FROM runs GROUP BY workload, stats)
SELECT o.workload,
       round(o.med::numeric, 2) AS us_per_call_stats_on,
       round(f.med::numeric, 2) AS us_per_call_stats_off,
       round((o.med / f.med)::numeric, 4) AS ratio_on_off,
       round((100 * f.spread / f.med)::numeric, 2) AS noise_pct,
       CASE WHEN abs(o.med / f.med - 1) <= f.spread / f.med THEN 'below noise'
            ELSE 'above noise' END AS verdict
FROM m o JOIN m f ON f.workload = o.workload AND NOT f.stats
WHERE o.stats
ORDER BY array_position(ARRAY['header', 'cache', 'ocr'], o.workload);
\pset tuples_only on
SELECT format('counted while on: %s header calls, %s translate calls, %s OCR calls',
  (SELECT calls FROM imgtrans.stats WHERE function = 'imgtrans_image_info'),
  (SELECT calls FROM imgtrans.stats WHERE function = 'imgtrans_translate'),
  (SELECT calls FROM imgtrans.stats WHERE function = 'imgtrans_ocr'));
\o /dev/null
SELECT CASE WHEN bool_and(abs(o.med / f.med - 1) <= f.spread / f.med) THEN 0 ELSE 1 END AS rc
FROM (SELECT workload, percentile_cont(0.5) WITHIN GROUP (ORDER BY us) AS med FROM runs WHERE stats GROUP BY 1) o
JOIN (SELECT workload, percentile_cont(0.5) WITHIN GROUP (ORDER BY us) AS med, max(us) - min(us) AS spread
      FROM runs WHERE NOT stats GROUP BY 1) f USING (workload)
WHERE workload IN ('cache', 'ocr') \gset
\o
\if :rc
DO $$ BEGIN RAISE EXCEPTION 'stats overhead above noise (cache or OCR loop)'; END $$;
\endif
SQL
