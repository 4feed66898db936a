-- Statistics (issue 16): imgtrans.stats, provider_stats, job_kind_stats,
-- counted exactly for a known sequence of calls by roles of their own;
-- what a role may see; reset; imgtrans.track_stats; jobs' timing columns.
-- scripts/test.sh preloads imgtrans (the counters are in shared memory).
\getenv stub IMGTRANS_STUB_URL
SELECT imgtrans_stats_reset() <= now() + interval '1 s' AS reset;
SELECT max_entries, dropped FROM imgtrans.stats_info;
CREATE ROLE regress_stats_alice;
CREATE ROLE regress_stats_bob;
CREATE ROLE regress_stats_carol IN ROLE imgtrans_admin;
CREATE TABLE stats_imgs (name text PRIMARY KEY, img bytea);
INSERT INTO stats_imgs VALUES ('hello', fx('hello.png')), ('truncated', fx('truncated.png')),
                              ('tiff', fx('pages.tif'));
GRANT SELECT ON stats_imgs TO regress_stats_alice, regress_stats_bob, regress_stats_carol;
SELECT imgtrans_add_provider('stats_stub', 'libretranslate', :'stub' || '/libre', 'libre-test-key');
CREATE FUNCTION img(n text) RETURNS bytea LANGUAGE sql STABLE
AS $$ SELECT img FROM stats_imgs WHERE name = n $$;

-- alice: 2 OCR calls, 1 failing, a header read (one call for 3 rows), a page of
-- a 3-page TIFF, translations: 4 HTTP requests (2 refused), 5 texts, 1 cache hit
SET ROLE regress_stats_alice;
SELECT count(*) FROM imgtrans_ocr(img('hello'));
SELECT string_agg(text, ' ' ORDER BY word_num) FROM imgtrans_ocr(img('hello'));
SELECT try($$SELECT imgtrans_ocr_text(img('truncated'))$$);
SELECT count(*) FROM imgtrans_image_info(img('hello')), generate_series(1, 3);
SELECT pages FROM imgtrans_doc_info(img('tiff')) LIMIT 1;
SELECT length(imgtrans_page_image(img('tiff'), 2)) > 0 AS page_2;
SELECT imgtrans_translate('hello', 'es', 'en', 'stats_stub');
SELECT imgtrans_translate(ARRAY['hello', 'world', 'world', NULL, ''], 'es', 'en', 'stats_stub');
SELECT try($$SELECT imgtrans_translate('__429__', 'es', 'en', 'stats_stub')$$);
SELECT try($$SELECT imgtrans_translate('__500__', 'es', 'en', 'stats_stub')$$);
SELECT try($$SELECT imgtrans_translate('x', 'es', 'en', 'no_such_provider')$$);
-- (the calls' own rows; mean, max and time are measured, so only checked for sense)
SELECT role, function, calls, errors, pixels, pages,
       total_ms > 0 AS timed, max_ms <= total_ms AND abs(mean_ms * calls - total_ms) < 0.01 AS consistent
FROM imgtrans.stats ORDER BY function;
SELECT role, provider, requests, texts, errors, errors_by_status, cache_hits, cache_misses,
       total_ms > 0 AS timed
FROM imgtrans.provider_stats ORDER BY provider;
SELECT imgtrans_ocr_text(img('hello'));
SELECT function, calls, pages, pixels FROM imgtrans.stats WHERE function = 'imgtrans_ocr_text';
-- nobody else's rows, and no admin rights
SET ROLE regress_stats_bob;
SELECT count(*) FROM imgtrans_image_info(img('hello'));
SELECT role, function, calls FROM imgtrans.stats;
SELECT count(*) FROM imgtrans.provider_stats;
SELECT count(*) FROM imgtrans.stats_rows();
SELECT imgtrans_stats_reset();
SELECT * FROM imgtrans.queue_depth();
SET imgtrans.track_stats = off;
RESET ROLE;

-- a superuser sees everyone's rows
SELECT role, function, calls, errors FROM imgtrans.stats
WHERE role LIKE 'regress_stats_%' ORDER BY role, function;
-- with imgtrans.track_stats off nothing is counted
SET imgtrans.track_stats = off;
SET ROLE regress_stats_bob;
SELECT count(*) FROM imgtrans_image_info(img('hello'));
RESET ROLE;
RESET imgtrans.track_stats;
SELECT role, function, calls FROM imgtrans.stats WHERE role = 'regress_stats_bob';

-- jobs: counted per kind for their owner; the worker's calls count for the owner too
SET ROLE regress_stats_alice;
SELECT imgtrans_submit(img('hello')) AS ok_job \gset
SELECT imgtrans_submit(img('truncated'), 'eng', NULL, '{"max_attempts": 1}') AS bad_job \gset
SELECT imgtrans_submit(img('hello'), 'eng', 'es', '{"provider": "stats_stub"}') AS tr_job \gset
SELECT imgtrans_wait(:ok_job, '2 minutes'), imgtrans_wait(:bad_job, '2 minutes'),
       imgtrans_wait(:tr_job, '2 minutes');
SELECT kind, done, failed, retried, cancelled, attempts, pages,
       mean_queue_wait_ms >= 0 AS waited, mean_run_ms > 0 AS ran, max_run_ms >= mean_run_ms AS max_ok
FROM imgtrans.job_kind_stats ORDER BY kind;
SELECT function, calls, errors FROM imgtrans.stats WHERE function IN ('imgtrans_ocr', 'imgtrans_translate')
ORDER BY function;
-- each job's timing: queued -> started -> finished, OCR and translation ms
SELECT kind, status, ocr_ms IS NOT NULL AS has_ocr_ms, translate_ms IS NOT NULL AS has_translate_ms,
       created_at <= started_at AND started_at <= finished_at AS ordered,
       ocr_ms <= extract(epoch FROM finished_at - started_at) * 1000 + 1 AS ocr_within_run
FROM imgtrans.jobs WHERE id IN (:ok_job, :bad_job, :tr_job) ORDER BY id;
-- the slowest images of the caller's jobs, with SQL
SELECT count(*) FROM (SELECT id, ocr_ms, translate_ms, finished_at - started_at AS run,
                             started_at - created_at AS queued
                      FROM imgtrans.jobs WHERE status = 'done'
                      ORDER BY ocr_ms DESC NULLS LAST LIMIT 5) slowest;
RESET ROLE;

-- imgtrans_admin: sees and resets everything
SET ROLE regress_stats_carol;
SELECT count(DISTINCT role) >= 2 AS sees_all FROM imgtrans.stats WHERE role LIKE 'regress_stats_%';
SELECT * FROM imgtrans.queue_depth() WHERE status = 'queued';
SELECT workers >= busy AS workers_ok FROM imgtrans.queue_workers();
SELECT imgtrans_stats_reset() IS NOT NULL AS reset;
SELECT count(*) FROM imgtrans.stats WHERE role LIKE 'regress_stats_%';
SELECT count(*) FROM imgtrans.job_kind_stats WHERE role LIKE 'regress_stats_%';
SELECT reset_at > now() - interval '1 minute' AS just_reset, dropped FROM imgtrans.stats_info;
RESET ROLE;

DELETE FROM imgtrans.jobs WHERE owner::text LIKE 'regress_stats_%';
SELECT imgtrans_drop_provider('stats_stub');
DROP FUNCTION img(text);
DROP TABLE stats_imgs;
DROP ROLE regress_stats_alice, regress_stats_bob, regress_stats_carol;
