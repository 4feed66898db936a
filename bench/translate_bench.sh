#!/usr/bin/env bash
# bench/translate_bench.sh: one run of the translation benchmark.
#
# 1000 distinct English lines through a real Apertium APy (eng->spa):
#   (a) one HTTP request per line   SELECT imgtrans_translate(line, ...) FROM lines, cache off
#   (b) batched array               SELECT imgtrans_translate(array_agg(line), ...), cache off
#   (c) the same lines from the cache, batched (and per row, for comparison)
# Prints lines/s and the ratios (targets: b/a >= 5, c >= 50000 lines/s).
# With the curl CLI present it also compares, outside PostgreSQL, one POST
# of newline-joined lines with concurrent requests on a curl multi handle
# (curl --parallel), which is how the batching strategy was chosen.
#
# Builds and installs imgtrans, and starts its own throwaway cluster and
# APy on free 127.0.0.1 ports (under the test lock); stops them by PID.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
imgtrans_locked "$0" "$@"
cd "$IMGTRANS_ROOT"
source scripts/services-translate.sh

BENCH_DIR=$(mktemp -d /tmp/imgtrans-bench.XXXXXX)
cleanup() { set +e; apy_stop; cluster_stop; rm -rf "$BENCH_DIR"; }
trap cleanup EXIT

imgtrans_build
cluster_start "shared_preload_libraries = 'imgtrans'"
apy_start "$BENCH_DIR"

psql -X -q -v ON_ERROR_STOP=1 -v apy="$APY_URL" <<'SQL'
CREATE EXTENSION imgtrans;
SELECT imgtrans_add_provider('apertium', 'apertium', :'apy');
CREATE TABLE lines AS
SELECT row_number() OVER () AS id, format('The %s %s %s %s.', a, n, v, o) AS line
FROM unnest('{red,big,small,old,new,green,happy,black,white,quiet}'::text[]) a,
     unnest('{house,dog,cat,car,tree,book,city,river,table,window}'::text[]) n,
     unnest('{sees,has,wants,finds,likes,opens,buys,needs,paints,follows}'::text[]) v,
     unnest('{"the door","a letter","the garden","the bridge","a friend","the school","the road","a song","the sea","the mountain"}'::text[]) o
LIMIT 1000;
SELECT imgtrans_translate('Warm up the pipeline.', 'es', 'en');   -- APy starts its pipeline lazily
SQL

psql -X -q -At -v ON_ERROR_STOP=1 <<'SQL'
CREATE TEMP TABLE result (name text, secs float8);
DO $$
DECLARE
    t0 timestamptz;
    n int;
BEGIN
    PERFORM set_config('imgtrans.translation_cache', 'off', true);
    t0 := clock_timestamp();
    SELECT count(imgtrans_translate(line, 'es', 'en')) INTO n FROM lines;
    INSERT INTO result VALUES ('a', extract(epoch FROM clock_timestamp() - t0));

    t0 := clock_timestamp();
    SELECT cardinality(imgtrans_translate(array_agg(line ORDER BY id), 'es', 'en')) INTO n FROM lines;
    INSERT INTO result VALUES ('b', extract(epoch FROM clock_timestamp() - t0));

    PERFORM set_config('imgtrans.translation_cache', 'on', true);
    PERFORM imgtrans_translate(array_agg(line ORDER BY id), 'es', 'en') FROM lines;   -- fill
    t0 := clock_timestamp();
    SELECT cardinality(imgtrans_translate(array_agg(line ORDER BY id), 'es', 'en')) INTO n FROM lines;
    INSERT INTO result VALUES ('c', extract(epoch FROM clock_timestamp() - t0));

    t0 := clock_timestamp();
    SELECT count(imgtrans_translate(line, 'es', 'en')) INTO n FROM lines;
    INSERT INTO result VALUES ('c_rows', extract(epoch FROM clock_timestamp() - t0));
END $$;
SELECT format('(a) one request per line  %9s lines/s  (%s s)', round(1000 / a.secs), round(a.secs::numeric, 3))
    || E'\n' || format('(b) batched array         %9s lines/s  (%s s)', round(1000 / b.secs), round(b.secs::numeric, 3))
    || E'\n' || format('(c) from the cache, array %9s lines/s  (%s s)', round(1000 / c.secs), round(c.secs::numeric, 4))
    || E'\n' || format('    from the cache, rows  %9s lines/s  (%s s)', round(1000 / r.secs), round(r.secs::numeric, 4))
    || E'\n' || format('b/a = %s (target >= 5), c/b = %s, c >= 50000 lines/s: %s',
                       round((a.secs / b.secs)::numeric, 1), round((b.secs / c.secs)::numeric, 1),
                       CASE WHEN 1000 / c.secs >= 50000 THEN 'yes' ELSE 'NO' END)
FROM result a, result b, result c, result r
WHERE a.name = 'a' AND b.name = 'b' AND c.name = 'c' AND r.name = 'c_rows';
SQL

# batching strategy, outside PostgreSQL: one POST vs a curl multi handle
if command -v curl >/dev/null; then
  psql -X -q -At -c "SELECT line FROM lines ORDER BY id" >"$BENCH_DIR/lines.txt"
  "$TRANSLATE_PY" - "$APY_URL" "$BENCH_DIR/lines.txt" >"$BENCH_DIR/urls.cfg" <<'PY'
import sys, urllib.parse
for line in open(sys.argv[2]).read().splitlines():
    print('url = "%s/translate?langpair=eng%%7Cspa&markUnknown=no&q=%s"' % (sys.argv[1], urllib.parse.quote(line)))
    print('output = "/dev/null"')
PY
  secs() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N); awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
  one=$(secs curl -s "$APY_URL/translate" --data-urlencode "langpair=eng|spa" \
        --data-urlencode "markUnknown=no" --data-urlencode "q@$BENCH_DIR/lines.txt")
  par=$(secs curl -s --parallel --parallel-max 8 -K "$BENCH_DIR/urls.cfg")
  echo "batching choice (curl CLI): one POST of 1000 newline-joined lines ${one} s;" \
       "1000 requests, 8 concurrent on a multi handle ${par} s"
fi
