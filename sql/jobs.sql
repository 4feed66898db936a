-- Background jobs: submit, trigger, wait, results, admin, access.
-- scripts/test.sh starts the server with shared_preload_libraries =
-- 'imgtrans' and imgtrans.database = 'contrib_regression'.
SHOW imgtrans.workers;
SHOW imgtrans.database;
SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'imgtrans launcher';

-- a submitted image: OCR boxes in imgtrans.job_boxes
SELECT imgtrans_submit(fx('hello.png')) AS job \gset
SELECT imgtrans_wait(:job, '2 minutes');
SELECT box_no, level, text, bbox IS NOT NULL AS has_bbox, translated FROM imgtrans.job_boxes
WHERE job_id = :job ORDER BY box_no;
SELECT kind, owner, status, attempts, error IS NULL AS no_error, worker_pid IS NULL AS released,
       started_at >= created_at AND finished_at >= started_at AS times_ok
FROM imgtrans.jobs WHERE id = :job;
SELECT count(*) FROM imgtrans.workers;

-- options: level and psm as for imgtrans_ocr
SELECT imgtrans_submit(fx('hello.png'), 'eng', NULL, '{"level": "line", "psm": 7, "priority": 5}') AS job \gset
SELECT imgtrans_wait(:job, '2 minutes');
SELECT box_no, level, text FROM imgtrans.job_boxes WHERE job_id = :job ORDER BY box_no;
SELECT priority, max_attempts FROM imgtrans.jobs WHERE id = :job;

-- preprocess, as for imgtrans_ocr: auto turns a page stored upside down, so
-- a job reads it as the upright page reads (without it: nothing alike)
SELECT imgtrans_submit(fx('doc-rot180.png'), 'eng', NULL, '{"preprocess": ["auto"]}') AS job_auto,
       imgtrans_submit(fx('doc-rot180.png')) AS job_plain \gset
SELECT imgtrans_wait(:job_auto, '2 minutes'), imgtrans_wait(:job_plain, '2 minutes');
SELECT j.id = :job_auto AS auto,
       (SELECT string_agg(text, ' ' ORDER BY box_no) FROM imgtrans.job_boxes WHERE job_id = j.id) =
       (SELECT string_agg(text, ' ') FROM imgtrans_ocr(fx('doc.png'))) AS reads_as_upright
FROM imgtrans.jobs j WHERE j.id IN (:job_auto, :job_plain) ORDER BY j.id;
SELECT imgtrans_check_job_options('{"preprocess": ["orient", "deskew"], "level": "line"}');

-- errors at submit time, not later in a worker
SELECT imgtrans_submit(NULL);
SELECT imgtrans_submit(fx('notimage.txt'));
SELECT imgtrans_submit(fx('hello.png'), NULL);
SELECT lang_error($$SELECT imgtrans_submit(fx('hello.png'), 'klingon')$$);
SELECT imgtrans_submit(fx('hello.png'), 'eng', 'e s');
SELECT imgtrans_submit(fx('hello.png'), 'eng', NULL, '[1]');
SELECT imgtrans_submit(fx('hello.png'), 'eng', NULL, '{"colour": "red"}');
SELECT imgtrans_submit(fx('hello.png'), 'eng', NULL, '{"psm": 2}');
SELECT imgtrans_submit(fx('hello.png'), 'eng', NULL, '{"level": "letter"}');
SELECT imgtrans_submit(fx('hello.png'), 'eng', NULL, '{"max_attempts": 0}');
SELECT imgtrans_submit(fx('hello.png'), 'eng', NULL, '{"vars": 1}');
SELECT imgtrans_submit(fx('hello.png'), 'eng', NULL, '"line"');
SELECT imgtrans_submit(fx('hello.png'), 'eng', NULL, '{"level": 1}');
SELECT imgtrans_submit(fx('hello.png'), 'eng', NULL, '{"psm": "7"}');
SELECT imgtrans_submit(fx('hello.png'), 'eng', NULL, '{"psm": 3.4}');
SELECT imgtrans_submit(fx('hello.png'), 'eng', NULL, '{"provider": 1}');
SELECT imgtrans_submit(fx('hello.png'), 'eng', NULL, '{"priority": 1.5}');
SELECT imgtrans_submit(fx('hello.png'), 'eng', NULL, '{"priority": 1e10}');
SELECT imgtrans_submit(fx('hello.png'), 'eng', NULL, '{"max_attempts": 101}');
SELECT imgtrans_submit(fx('hello.png'), 'eng', NULL, '{"max_attempts": 2.0}');
SELECT imgtrans_submit(fx('hello.png'), 'eng', NULL, '{"preprocess": "auto"}');
SELECT imgtrans_submit(fx('hello.png'), 'eng', NULL, '{"preprocess": ["auto", "sharpen"]}');
SELECT imgtrans_submit(fx('hello.png'), 'eng', NULL, '{"preprocess": [["auto"]]}');
SELECT imgtrans_check_job_options('{"preprocess": [null]}');

-- a poison image fails after max_attempts, with its error
SELECT imgtrans_submit(fx('truncated.png'), 'eng', NULL, '{"max_attempts": 1}') AS job \gset
SELECT imgtrans_wait(:job, '2 minutes');
SELECT status, attempts, error FROM imgtrans.jobs WHERE id = :job;
SELECT count(*) FROM imgtrans.job_boxes WHERE job_id = :job;

-- the trigger
CREATE TABLE photos (id int PRIMARY KEY, img bytea, note text);
CREATE TRIGGER photos_ocr AFTER INSERT OR UPDATE OF img ON photos
    FOR EACH ROW EXECUTE FUNCTION imgtrans_enqueue('img', 'eng');
INSERT INTO photos VALUES (1, fx('hello.png'), 'png'), (2, fx('hello.jpg'), 'jpeg'), (3, NULL, 'none');
SELECT source_key, imgtrans_wait(id, '2 minutes') FROM imgtrans.jobs
WHERE source_table = 'photos'::regclass ORDER BY source_key;
-- results joined to the user's rows
SELECT p.id, p.note, string_agg(b.text, ' ' ORDER BY b.box_no) AS text
FROM photos p
JOIN imgtrans.jobs j ON j.source_table = 'photos'::regclass AND j.source_key = p.id::text
                    AND j.status = 'done'
JOIN imgtrans.job_boxes b ON b.job_id = j.id
GROUP BY p.id, p.note ORDER BY p.id;
-- no job for an unchanged image or another column; a new one for a new image
UPDATE photos SET img = img WHERE id = 1;
UPDATE photos SET note = 'still png' WHERE id = 1;
UPDATE photos SET img = fx('hello.gif') WHERE id = 3;
SELECT source_key, imgtrans_wait(id, '2 minutes') FROM imgtrans.jobs
WHERE source_table = 'photos'::regclass ORDER BY id;
-- a row deleted before its job ran: cancelled with the reason
BEGIN;
INSERT INTO photos VALUES (4, fx('hello.png'));
DELETE FROM photos WHERE id = 4;
COMMIT;
-- (wait first: a query's snapshot would not see the worker's error)
SELECT imgtrans_wait(id, '2 minutes') FROM imgtrans.jobs
WHERE source_table = 'photos'::regclass AND source_key = '4';
SELECT status, error FROM imgtrans.jobs
WHERE source_table = 'photos'::regclass AND source_key = '4';
-- a newer image supersedes a queued job of the same row
BEGIN;
INSERT INTO photos VALUES (5, fx('hello.png'));
UPDATE photos SET img = fx('hello.tif') WHERE id = 5;
COMMIT;
SELECT imgtrans_wait(id, '2 minutes') FROM imgtrans.jobs
WHERE source_table = 'photos'::regclass AND source_key = '5' ORDER BY id;
SELECT status, error FROM imgtrans.jobs
WHERE source_table = 'photos'::regclass AND source_key = '5' ORDER BY id;

-- trigger arguments are checked when it fires
CREATE TABLE bad (id int PRIMARY KEY, img bytea, t text);
CREATE TRIGGER t AFTER INSERT ON bad FOR EACH ROW EXECUTE FUNCTION imgtrans_enqueue();
INSERT INTO bad VALUES (1, fx('hello.png'));
DROP TRIGGER t ON bad;
CREATE TRIGGER t AFTER INSERT ON bad FOR EACH ROW EXECUTE FUNCTION imgtrans_enqueue('image');
INSERT INTO bad VALUES (1, fx('hello.png'));
DROP TRIGGER t ON bad;
CREATE TRIGGER t AFTER INSERT ON bad FOR EACH ROW EXECUTE FUNCTION imgtrans_enqueue('t');
INSERT INTO bad VALUES (1, fx('hello.png'), 'x');
DROP TRIGGER t ON bad;
CREATE TRIGGER t AFTER INSERT ON bad FOR EACH ROW EXECUTE FUNCTION imgtrans_enqueue('img', 'xx');
SELECT lang_error($$INSERT INTO bad VALUES (1, fx('hello.png'))$$);
DROP TRIGGER t ON bad;
CREATE TRIGGER t BEFORE INSERT ON bad FOR EACH ROW EXECUTE FUNCTION imgtrans_enqueue('img');
INSERT INTO bad VALUES (1, fx('hello.png'));
DROP TRIGGER t ON bad;
CREATE TRIGGER t AFTER INSERT ON bad FOR EACH STATEMENT EXECUTE FUNCTION imgtrans_enqueue('img');
INSERT INTO bad VALUES (1, fx('hello.png'));
DROP TRIGGER t ON bad;
CREATE TRIGGER t AFTER INSERT ON bad FOR EACH ROW EXECUTE FUNCTION imgtrans_enqueue('img', 'eng', 'spa', '{}', 'x');
INSERT INTO bad VALUES (1, fx('hello.png'));
DROP TRIGGER t ON bad;
-- the fourth argument is job options, checked as imgtrans_submit checks them
CREATE TRIGGER t AFTER INSERT ON bad FOR EACH ROW EXECUTE FUNCTION imgtrans_enqueue('img', 'eng', 'spa', 'x');
INSERT INTO bad VALUES (1, fx('hello.png'));
DROP TRIGGER t ON bad;
CREATE TRIGGER t AFTER INSERT ON bad FOR EACH ROW EXECUTE FUNCTION imgtrans_enqueue('img', 'eng', '', '{"preprocess": ');
INSERT INTO bad VALUES (1, fx('hello.png'));
DROP TRIGGER t ON bad;
CREATE TRIGGER t AFTER INSERT ON bad FOR EACH ROW EXECUTE FUNCTION imgtrans_enqueue('img', 'eng', '', '[]');
INSERT INTO bad VALUES (1, fx('hello.png'));
DROP TRIGGER t ON bad;
CREATE TRIGGER t AFTER INSERT ON bad FOR EACH ROW EXECUTE FUNCTION imgtrans_enqueue('img', 'eng', '', '{"preprocess": ["sharpen"]}');
INSERT INTO bad VALUES (1, fx('hello.png'));
DROP TRIGGER t ON bad;
CREATE TRIGGER t AFTER INSERT ON bad FOR EACH ROW EXECUTE FUNCTION imgtrans_enqueue('img', 'eng', 'e s');
INSERT INTO bad VALUES (1, fx('hello.png'));
DROP TRIGGER t ON bad;
INSERT INTO bad VALUES (1, fx('hello.png'));
CREATE TRIGGER t AFTER DELETE ON bad FOR EACH ROW EXECUTE FUNCTION imgtrans_enqueue('img');
DELETE FROM bad;
DROP TABLE bad;
-- a trigger with job options (0.18.0): no target (''), and auto for every
-- row's image, so a page stored upside down reads as the upright one
CREATE TABLE turned (id int PRIMARY KEY, img bytea);
CREATE TRIGGER t AFTER INSERT ON turned FOR EACH ROW
    EXECUTE FUNCTION imgtrans_enqueue('img', 'eng', '', '{"preprocess": ["auto"], "level": "word"}');
INSERT INTO turned VALUES (1, fx('doc-rot180.png'));
SELECT imgtrans_wait(id, '2 minutes'), target, options FROM imgtrans.jobs WHERE source_table = 'turned'::regclass;
SELECT (SELECT string_agg(b.text, ' ' ORDER BY b.box_no) FROM imgtrans.job_boxes b WHERE b.job_id = j.id) =
       (SELECT string_agg(text, ' ') FROM imgtrans_ocr(fx('doc.png'))) AS reads_as_upright
FROM imgtrans.jobs j WHERE j.source_table = 'turned'::regclass;
DROP TABLE turned;
-- a composite key (0.9.0): stored as a text[] of the key columns, in ISO
-- date style whatever the session's
CREATE TABLE twokey (a int, b text, d date, img bytea, PRIMARY KEY (a, b, d));
CREATE TRIGGER t AFTER INSERT ON twokey FOR EACH ROW EXECUTE FUNCTION imgtrans_enqueue('img');
SET DateStyle = 'SQL, DMY';
INSERT INTO twokey VALUES (1, 'x, "y"', '2024-05-01', fx('hello.png'));
RESET DateStyle;
SELECT source_key, imgtrans_wait(id, '2 minutes') FROM imgtrans.jobs WHERE source_table = 'twokey'::regclass;
SELECT string_agg(b.text, ' ' ORDER BY b.box_no) FROM imgtrans.jobs j JOIN imgtrans.job_boxes b ON b.job_id = j.id
WHERE j.source_table = 'twokey'::regclass;
DROP TABLE twokey;
CREATE TABLE nokey (img bytea);
CREATE TRIGGER t AFTER INSERT ON nokey FOR EACH ROW EXECUTE FUNCTION imgtrans_enqueue('img');
INSERT INTO nokey VALUES (fx('hello.png'));
DROP TABLE nokey;
SELECT imgtrans_enqueue();

-- admin: cancel, retry, purge
BEGIN;
SELECT imgtrans_submit(fx('hello.png')) AS job \gset
SELECT imgtrans_cancel(:job);
SELECT imgtrans_cancel(:job);
COMMIT;
SELECT status, error FROM imgtrans.jobs WHERE id = :job;
SELECT imgtrans_retry(:job);
SELECT imgtrans_wait(:job, '2 minutes');
SELECT imgtrans_retry(:job);
SELECT imgtrans_cancel(:job);
SELECT imgtrans_retry(-1);
SELECT imgtrans_cancel(-1);
SELECT imgtrans_retry_failed();
SELECT imgtrans_wait(id, '2 minutes') FROM imgtrans.jobs WHERE status <> 'done' ORDER BY id;
SELECT queued, running, failed, done > 0 AS some_done, oldest_queued_age, jobs_per_min > 0 AS rate
FROM imgtrans.job_stats;
SELECT imgtrans_wait(-1, '1 second');
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT imgtrans_wait(:job, '1 second');
ROLLBACK;

-- access: owners and imgtrans_admin members only
CREATE ROLE regress_imgtrans_alice;
CREATE ROLE regress_imgtrans_bob;
CREATE ROLE regress_imgtrans_boss IN ROLE imgtrans_admin;
CREATE TABLE images AS SELECT fx('hello.png') AS png;
GRANT SELECT ON images TO PUBLIC;
GRANT SELECT, INSERT ON photos TO regress_imgtrans_alice;
GRANT INSERT ON photos TO regress_imgtrans_bob;
SET ROLE regress_imgtrans_alice;
SELECT imgtrans_submit(png) AS alice_job FROM images \gset
SELECT imgtrans_wait(:alice_job, '2 minutes');
INSERT INTO photos VALUES (10, (SELECT png FROM images));
SELECT owner, imgtrans_wait(id, '2 minutes') FROM imgtrans.jobs ORDER BY id;
SELECT count(*) FROM imgtrans.job_boxes;
SELECT queued + running + done + failed + cancelled AS visible FROM imgtrans.job_stats;
INSERT INTO imgtrans.jobs (kind, owner, lang, image) VALUES ('ocr', 'regress_imgtrans_alice', 'eng', '');
UPDATE imgtrans.jobs SET status = 'queued';
SELECT imgtrans_retry(1);
SELECT imgtrans_worker_restart();
SET ROLE regress_imgtrans_bob;
SELECT count(*) FROM imgtrans.jobs;
SELECT count(*) FROM imgtrans.job_boxes;
SELECT imgtrans_wait(:alice_job, '1 second');
SELECT imgtrans_cancel(:alice_job);
SELECT imgtrans_purge('0 seconds');
INSERT INTO photos VALUES (11, (SELECT png FROM images));
RESET ROLE;
SELECT count(*) AS all_jobs FROM imgtrans.jobs \gset
SET ROLE regress_imgtrans_boss;
SELECT count(*) = :all_jobs AS sees_all FROM imgtrans.jobs;
SELECT imgtrans_retry(:alice_job);
SELECT count(*) FROM imgtrans.jobs WHERE owner = 'regress_imgtrans_alice'::regrole;
SET ROLE regress_imgtrans_alice;
SELECT imgtrans_purge('0 seconds');
SELECT count(*) FROM imgtrans.jobs;
RESET ROLE;
SELECT count(*) FROM imgtrans.jobs WHERE owner = 'regress_imgtrans_alice'::regrole;

-- restart the workers: the launcher starts new ones
CREATE TEMP TABLE old_workers AS SELECT pid FROM imgtrans.workers;
SELECT imgtrans_worker_restart();
DO $$
DECLARE
    t timestamptz := clock_timestamp();
BEGIN
    WHILE (SELECT count(*) FROM imgtrans.workers WHERE pid NOT IN (SELECT pid FROM old_workers)) < 2
          AND clock_timestamp() < t + interval '60 seconds' LOOP
        PERFORM pg_sleep(0.1);
    END LOOP;
END $$;
SELECT count(*) FROM imgtrans.workers WHERE pid NOT IN (SELECT pid FROM old_workers);
SELECT imgtrans_submit(fx('hello.png')) AS job \gset
SELECT imgtrans_wait(:job, '2 minutes');

REVOKE ALL ON photos, images FROM regress_imgtrans_alice, regress_imgtrans_bob, PUBLIC;
DROP ROLE regress_imgtrans_alice, regress_imgtrans_bob, regress_imgtrans_boss;
