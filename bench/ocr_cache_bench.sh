#!/usr/bin/env bash
# bench/ocr_cache_bench.sh: the OCR cache on a repeated full page.
#
#   bench/ocr_cache_bench.sh [IMAGE]
#
# IMAGE (default: the dev set's funsd__82092117.png, a full scanned form
# page; test/fixtures/doc.png without the dev set) is OCRed with
# imgtrans_ocr(image, level => 'all') in one session with
# imgtrans.ocr_cache = on: first with the cache empty (a miss: decode,
# recognise, store), then REPEATS (default 20) more times (hits).  The
# engine is warmed up on another image first, so the first call times OCR,
# not the language load.  Times are taken inside the server with
# clock_timestamp().  Prints the first call's ms, the hits' median ms, the
# ratio (target >= 100) and whether the rows of a hit equal the rows of
# OCR without the cache (EXCEPT both ways, every column, row order
# included).  Exit status 1 if the ratio is under 100 or rows differ.
# Runs on a throwaway cluster on 127.0.0.1, stopped by PID at exit.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
imgtrans_locked "$0" "$@"
cd "$IMGTRANS_ROOT"

REPEATS=${REPEATS:-20}
OCR_DEV=${OCR_DEV:-$IMGTRANS_ROOT/../shared/ocr-dev}
IMAGE=${1:-$OCR_DEV/funsd__82092117.png}
[ -f "$IMAGE" ] || IMAGE=$IMGTRANS_ROOT/test/fixtures/doc.png
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)

cleanup() { set +e; cluster_stop; }
trap cleanup EXIT

imgtrans_build
cluster_start "shared_preload_libraries = 'imgtrans'"
DIR=$(cluster_filedir "$IMAGE" "$IMGTRANS_ROOT/test/fixtures/hello.png")
IMG=$DIR/$(basename "$IMAGE")
log "image: $IMAGE"

RESULT=$("${PSQL[@]}" -v img="$IMG" -v warm="$DIR/hello.png" -v repeats="$REPEATS" <<'SQL'
CREATE EXTENSION imgtrans;
SET imgtrans.ocr_cache = on;
SELECT imgtrans_ocr_cache_purge() \g /dev/null
CREATE TEMP TABLE t(img bytea);
INSERT INTO t SELECT pg_read_binary_file(:'img');
SELECT count(*) FROM imgtrans_ocr(pg_read_binary_file(:'warm')) \g /dev/null
CREATE FUNCTION timed(run int, OUT ms float8, OUT nrows bigint) LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
  SELECT count(*) INTO nrows FROM t, imgtrans_ocr(t.img, level => 'all');
  ms := 1000 * extract(epoch FROM clock_timestamp() - t0);
END $$;
CREATE TEMP TABLE runs AS SELECT 0 AS i, * FROM timed(0);
INSERT INTO runs SELECT i, r.* FROM generate_series(1, :repeats) i, LATERAL timed(i) r;
-- rows of a hit against rows of OCR without the cache
CREATE TEMP TABLE hit AS SELECT level, block_num, par_num, line_num, word_num, x, y, width, height,
  conf, text, page_num, bbox::text AS bbox, ordinality FROM t, imgtrans_ocr(t.img, level => 'all') WITH ORDINALITY;
SET imgtrans.ocr_cache = off;
CREATE TEMP TABLE fresh AS SELECT level, block_num, par_num, line_num, word_num, x, y, width, height,
  conf, text, page_num, bbox::text AS bbox, ordinality FROM t, imgtrans_ocr(t.img, level => 'all') WITH ORDINALITY;
SELECT format('rows %s, first (miss) %s ms, hit median %s ms (min %s, max %s), ratio %s, rows identical: %s, cache: %s',
  (SELECT nrows FROM runs WHERE i = 0),
  (SELECT round(ms::numeric, 1) FROM runs WHERE i = 0),
  round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2),
  round(min(ms)::numeric, 2), round(max(ms)::numeric, 2),
  round(((SELECT ms FROM runs WHERE i = 0) / percentile_cont(0.5) WITHIN GROUP (ORDER BY ms))::numeric, 0),
  (SELECT count(*) FROM hit) = (SELECT count(*) FROM fresh)
    AND NOT EXISTS (SELECT * FROM hit EXCEPT SELECT * FROM fresh)
    AND NOT EXISTS (SELECT * FROM fresh EXCEPT SELECT * FROM hit),
  (SELECT format('%s rows, %s hits, %s misses, %s bytes', rows, hits, misses, bytes) FROM imgtrans_ocr_cache_stats()))
FROM runs WHERE i > 0;
SQL
)
echo "$RESULT"
ratio=$(sed -n 's/.*ratio \([0-9]*\),.*/\1/p' <<<"$RESULT")
[ "${ratio:-0}" -ge 100 ] && grep -q 'rows identical: t,' <<<"$RESULT"
