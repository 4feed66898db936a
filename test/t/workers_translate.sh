#!/usr/bin/env bash
# translate_image jobs.  Without translation in the build (before the
# translation branch is merged) a target language is refused at submit
# and trigger time.  With it: OCR lines translated by a real Apertium
# server; with the provider down the job retries with backoff, then fails
# with the recorded error, keeping its OCR boxes; a retry once the
# provider is back only translates.
set -uo pipefail
source "$(dirname "$0")/../workers-lib.sh"

workers_cluster
create_extension
load_images

if [ -z "$(q -c "SELECT to_regprocedure('imgtrans_translate(text[],text,text,text)')")" ]; then
  err=$(q -c "SELECT imgtrans_submit(img, 'eng', 'spa') FROM imgs WHERE name = 'hello'" 2>&1)
  echo "$err" | grep -q "translation is not available: function imgtrans_translate(text\[\], text, text, text) does not exist"
  ok_rc $? "submit with a target: translation is not available"
  q -c "CREATE TABLE p (id int PRIMARY KEY, img bytea)" \
    -c "CREATE TRIGGER p AFTER INSERT ON p FOR EACH ROW EXECUTE FUNCTION imgtrans_enqueue('img', 'eng', 'spa')"
  err=$(q -c "INSERT INTO p SELECT 1, img FROM imgs WHERE name = 'hello'" 2>&1)
  echo "$err" | grep -q "translation is not available"
  ok_rc $? "trigger with a target: translation is not available"
  echo "# SKIP provider tests: imgtrans_translate is not in this build"
  finish; exit $?
fi

source "$IMGTRANS_ROOT/scripts/services-translate.sh"
SVC_DIR=$(mktemp -d /tmp/imgtrans-wt.XXXXXX)
trap 'apy_stop; cluster_stop; rm -rf "$SVC_DIR"' EXIT
apy_start "$SVC_DIR" || bail "could not start Apertium"
# no provider at all: a target language is refused when the job is queued,
# not after all its attempts in a worker
err=$(q -c "SELECT imgtrans_submit(img, 'eng', 'spa') FROM imgs WHERE name = 'hello'" 2>&1)
echo "$err" | grep -q "no default translation provider"
ok_rc $? "submit with a target and no provider: refused at once"
q -c "CREATE TABLE p (id int PRIMARY KEY, img bytea)" \
  -c "CREATE TRIGGER p AFTER INSERT ON p FOR EACH ROW EXECUTE FUNCTION imgtrans_enqueue('img', 'eng', 'spa')"
err=$(q -c "INSERT INTO p SELECT 1, img FROM imgs WHERE name = 'hello'" 2>&1)
echo "$err" | grep -q "no default translation provider"
ok_rc $? "trigger with a target and no provider: refused at insert"
q -c "SELECT imgtrans_add_provider('apy', 'apertium', '$APY_URL')" >/dev/null || bail "add provider"
err=$(q -c "SELECT imgtrans_submit(img, 'eng', 'spa', '{\"provider\": \"nope\"}') FROM imgs WHERE name = 'hello'" 2>&1)
echo "$err" | grep -q 'translation provider "nope" does not exist'
ok_rc $? "submit naming an unknown provider: refused at once"
is "$(q -c "SELECT count(*) FROM imgtrans.jobs")" 0 "no job was queued by the refused calls"
q -c "INSERT INTO imgs VALUES ('doc', pg_read_binary_file('$(fixture doc.png)'))"

job=$(q -c "SELECT imgtrans_submit(img, 'eng', 'spa') FROM imgs WHERE name = 'doc'")
is "$(q -c "SELECT imgtrans_wait($job, '2 minutes')")" done "translate_image job done"
is "$(q -c "SELECT kind FROM imgtrans.jobs WHERE id = $job")" translate_image "kind translate_image"
is "$(q -c "SELECT count(*) FILTER (WHERE level = 'para' AND translated <> '') FROM imgtrans.job_boxes WHERE job_id = $job")" 2 \
   "both paragraphs have a translation"
is "$(q -c "SELECT (SELECT array_agg(translated ORDER BY box_no) FROM imgtrans.job_boxes WHERE job_id = $job) =
                   (SELECT array_agg(translated) FROM imgs, imgtrans_translate_image(img, 'spa', 'eng') WHERE name = 'doc')")" t \
   "the same translations as imgtrans_translate_image (whole sentences)"
q -c "SELECT text || ' => ' || translated FROM imgtrans.job_boxes WHERE job_id = $job ORDER BY box_no LIMIT 3" | sed 's/^/# /'

pid=$APY_PID
apy_stop
! kill -0 "$pid" 2>/dev/null
ok_rc $? "Apertium stopped"
job=$(q -c "SELECT imgtrans_submit(img, 'eng', 'spa', '{\"max_attempts\": 3}') FROM imgs WHERE name = 'hello'")
is "$(q -c "SELECT imgtrans_wait($job, '2 minutes')")" failed "provider down: the job fails"
is "$(q -c "SELECT attempts FROM imgtrans.jobs WHERE id = $job")" 3 "after 3 attempts"
q -c "SELECT error FROM imgtrans.jobs WHERE id = $job" | grep -q '^translation failed: .*apy'
ok_rc $? "with the provider's error recorded"
is "$(q -c "SELECT finished_at - started_at < finished_at - created_at - interval '0.5 s' FROM imgtrans.jobs WHERE id = $job")" t \
   "attempts were spaced by the backoff"
is "$(q -c "SELECT string_agg(text, ' ' ORDER BY box_no) || '|' || count(translated) FROM imgtrans.job_boxes WHERE job_id = $job")" \
   "Hello imgtrans world|0" "its OCR boxes are kept, untranslated"

apy_start "$SVC_DIR" || bail "could not restart Apertium"
q -c "SELECT imgtrans_drop_provider('apy')" -c "SELECT imgtrans_add_provider('apy', 'apertium', '$APY_URL')" >/dev/null
q -c "SELECT imgtrans_retry($job)" >/dev/null
is "$(q -c "SELECT imgtrans_wait($job, '2 minutes')")" done "retried once the provider is back: done"
is "$(q -c "SELECT count(*) || ' ' || count(translated) FROM imgtrans.job_boxes WHERE job_id = $job")" "1 1" \
   "the kept box is translated, no duplicate boxes"
finish
