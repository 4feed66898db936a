#!/usr/bin/env bash
# bench/render_bench.sh: imgtrans_render speed next to OCR speed, one run.
#
#   bench/render_bench.sh
#
# For each image, in one session and interleaved round by round:
#   ocr        count(*) FROM imgtrans_ocr(image, level => 'para'): the OCR
#              an image translation needs
#   translate  imgtrans_render(image, boxes, 'translate'), boxes = those
#              paragraphs with their own text as the "translation" (same
#              length as a real one, so the same fitting and drawing work)
#   new_mixed  the same paragraphs translated into a Japanese/Arabic/Hindi
#              text never seen before (a random number in it): shaping and
#              font fallback uncached, every call
#   boxes      imgtrans_render(image, word boxes, 'boxes')
#   erase      imgtrans_render(image, boxes, 'erase')
# timed inside the server with clock_timestamp() after an untimed warm-up
# of each (engine and font loading are not timed).  Prints the median ms of
# ROUNDS rounds per image and the ratio translate/ocr (target <= 0.25).
# Then MEMORY_CALLS render calls in one session, a fifth of them failing
# (bad box, missing font) inside a plpgsql EXCEPTION block, the others
# drawing doc.png's paragraphs in turn in Latin, Japanese, Chinese, Korean,
# Arabic, Hindi, Russian, Thai and a mixed text (new texts every call, so
# shaping and font fallback run, not only the cache), with the backend's
# RssAnon and VmRSS after the warm-up and at the end: a leak would show.
#
# Knobs: ROUNDS (default 5), MEMORY_CALLS (1000), OCR_DEV (the shared dev
# set, default ../shared/ocr-dev: its pages are used when present).
# Runs under the global test lock on a throwaway cluster removed at exit.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
imgtrans_locked "$0" "$@"
cd "$IMGTRANS_ROOT"

ROUNDS=${ROUNDS:-5}
MEMORY_CALLS=${MEMORY_CALLS:-1000}
OCR_DEV=${OCR_DEV:-$IMGTRANS_ROOT/../shared/ocr-dev}
FIXTURES="doc.png sign.png cheque.png"
PAGES="tesstest__phototest.tif sroie__000.jpg funsd__82092117.png"
PSQL=(psql -X -q -v ON_ERROR_STOP=1)

trap cluster_stop EXIT
imgtrans_deps
imgtrans_build
cluster_start
files=()
for f in $FIXTURES; do files+=("test/fixtures/$f"); done
for f in $PAGES; do [ -f "$OCR_DEV/$f" ] && files+=("$OCR_DEV/$f"); done
dir=$(cluster_filedir "${files[@]}")

"${PSQL[@]}" -v dir="$dir" -v rounds="$ROUNDS" -v calls="$MEMORY_CALLS" <<'SQL'
CREATE EXTENSION imgtrans;
CREATE TEMP TABLE img AS
SELECT f AS name, pg_read_binary_file(:'dir' || '/' || f) AS data
FROM pg_ls_dir(:'dir') f ORDER BY f;
-- the boxes an image translation renders: paragraphs, text as "translation"
CREATE TEMP TABLE boxes AS
SELECT i.name,
       (SELECT jsonb_agg(jsonb_set(to_jsonb(p), '{translated}', to_jsonb(p.text)))
        FROM imgtrans_ocr(i.data, level => 'para') p WHERE btrim(p.text) <> '') AS paras,
       (SELECT jsonb_agg(w) FROM imgtrans_ocr(i.data) w) AS words
FROM img i;
CREATE TEMP TABLE q (what text, sql text);
INSERT INTO q VALUES
 ('ocr', $q$SELECT count(*) FROM img, imgtrans_ocr(data, level => 'para') WHERE name = $1$q$),
 ('translate', $q$SELECT length(imgtrans_render(data, paras)) FROM img JOIN boxes USING (name) WHERE name = $1$q$),
 ('new_mixed', $q$SELECT length(imgtrans_render(data, (SELECT jsonb_agg(jsonb_set(b, '{translated}', to_jsonb(
     '今日は天気が良いです。' || (random() * 1e9)::bigint || ' الطقس جميل اليوم आज मौसम अच्छा है ' || repeat('店は川の近くにあります。', 1 + i::int % 3))))
     FROM jsonb_array_elements(paras) WITH ORDINALITY e(b, i)))) FROM img JOIN boxes USING (name) WHERE name = $1$q$),
 ('boxes', $q$SELECT length(imgtrans_render(data, words, 'boxes')) FROM img JOIN boxes USING (name) WHERE name = $1$q$),
 ('erase', $q$SELECT length(imgtrans_render(data, paras, 'erase')) FROM img JOIN boxes USING (name) WHERE name = $1$q$);
CREATE FUNCTION pg_temp.timed(q text, name text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz;
BEGIN
  t0 := clock_timestamp();
  EXECUTE q USING name;
  RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
END $$;
CREATE TEMP TABLE t (name text, what text, ms float8);
-- warm-up (untimed): engine, languages and font loaded, plans cached
SELECT count(pg_temp.timed(q.sql, i.name)) AS warmed FROM q, img i \gset
SELECT set_config('bench.rounds', :'rounds', false) AS r \gset
DO $$ BEGIN
  FOR r IN 1..current_setting('bench.rounds')::int LOOP
    INSERT INTO t SELECT i.name, q.what, pg_temp.timed(q.sql, i.name)
    FROM img i, q ORDER BY i.name, q.what;
  END LOOP;
END $$;
\echo
\echo '== render vs OCR: median ms per image over' :rounds 'rounds (one session, timed in the server)'
SELECT i.name AS image, ii.width || 'x' || ii.height AS size,
       jsonb_array_length(b.paras) AS paras, jsonb_array_length(b.words) AS words,
       round(m.ocr::numeric, 1) AS ocr_ms, round(m.tr::numeric, 1) AS translate_ms,
       round(m.nm::numeric, 1) AS new_mixed_ms,
       round(m.bx::numeric, 1) AS boxes_ms, round(m.er::numeric, 1) AS erase_ms,
       round((m.tr / m.ocr)::numeric, 3) AS "translate/ocr", round((m.nm / m.ocr)::numeric, 3) AS "new_mixed/ocr"
FROM img i JOIN boxes b USING (name), imgtrans_image_info(i.data) ii,
     LATERAL (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE what = 'ocr') AS ocr,
                     percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE what = 'translate') AS tr,
                     percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE what = 'new_mixed') AS nm,
                     percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE what = 'boxes') AS bx,
                     percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE what = 'erase') AS er
              FROM t WHERE t.name = i.name) m
ORDER BY i.name;
SELECT round(sum(tr) / sum(ocr), 3) AS "all images: translate/ocr (target <= 0.25)",
       round(sum(nm) / sum(ocr), 3) AS "new_mixed/ocr"
FROM (SELECT name, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE what = 'ocr')::numeric AS ocr,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE what = 'translate')::numeric AS tr,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE what = 'new_mixed')::numeric AS nm
      FROM t GROUP BY name) s;

\echo '== memory:' :calls 'render calls in mixed scripts, every fifth failing (bad box or missing font), RssAnon and VmRSS of this backend'
CREATE FUNCTION pg_temp.rss() RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(regexp_replace(l, '\s+', ' ', 'g'), ', ')
  FROM regexp_split_to_table(pg_read_file('/proc/' || pg_backend_pid() || '/status'), E'\n') l
  WHERE l LIKE 'RssAnon%' OR l LIKE 'VmRSS%' $$;
CREATE FUNCTION pg_temp.churn(n int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE doc bytea := (SELECT data FROM img WHERE name = 'doc.png');
        bx jsonb := (SELECT paras FROM boxes WHERE name = 'doc.png');
        texts text[] := ARRAY['The weather is good today.', '今日は天気が良いです。私たちは古い町まで歩きます。',
          '今天天气很好。我们走到老城买面包。', '오늘은 날씨가 좋습니다. 우리는 걸어갑니다.',
          'الطقس جميل اليوم. نمشي إلى المدينة القديمة.', 'आज मौसम अच्छा है। हम पुराने शहर तक चलते हैं।',
          'Сегодня хорошая погода. Мы идём в старый город.', 'วันนี้อากาศดีมาก เราเดินไปเมืองเก่า',
          'Menu 菜单 메뉴 قائمة मेनू Меню 123'];
        failed int := 0;
BEGIN
  FOR k IN 1..n LOOP
    bx := (SELECT jsonb_agg(jsonb_set(b, '{translated}',
             to_jsonb(texts[1 + (k + i) % 9] || ' ' || k)))
           FROM jsonb_array_elements((SELECT paras FROM boxes WHERE name = 'doc.png')) WITH ORDINALITY e(b, i));
    BEGIN
      IF k % 10 = 0 THEN
        PERFORM imgtrans_render(doc, bx || '[{"x": 1}]'::jsonb);          -- bad box
      ELSIF k % 10 = 5 THEN
        PERFORM set_config('imgtrans.font_path', '/nonexistent.ttf', true);
        PERFORM imgtrans_render(doc, bx);                                 -- no font
      ELSE
        PERFORM imgtrans_render(doc, bx, (ARRAY['translate', 'boxes', 'erase'])[1 + k % 3],
                                (ARRAY['png', 'jpeg', 'webp', 'tiff'])[1 + k % 4]);
      END IF;
    EXCEPTION WHEN OTHERS THEN
      failed := failed + 1;
    END;
    PERFORM set_config('imgtrans.font_path', '', true);
  END LOOP;
  RETURN failed;
END $$;
SELECT pg_temp.churn(50) AS warmup_failed, pg_temp.rss() AS after_warmup;
SELECT pg_temp.churn(:calls / 2) AS failed, pg_temp.rss() AS after_half;
SELECT pg_temp.churn(:calls / 2) AS failed, pg_temp.rss() AS at_end;
SQL
