#!/usr/bin/env bash
# A translation job whose provider answers 429 with Retry-After: 3 backs
# off at least 3 s (imgtrans.job_retry_delay is 200 ms here), and the
# worker does not wait the 3 s itself (issue 16).  Uses the provider stub.
# Never talks to a real provider: the stub listens on 127.0.0.1 only.
set -uo pipefail
source "$(dirname "$0")/../workers-lib.sh"
source "$IMGTRANS_ROOT/scripts/services-translate.sh"

workers_cluster "imgtrans.workers = 1"
SVC_DIR=$(mktemp -d /tmp/imgtrans-wrl.XXXXXX)
trap 'stub_stop; cluster_stop; rm -rf "$SVC_DIR"' EXIT
stub_start "$SVC_DIR" >/dev/null || bail "could not start the provider stub"
create_extension
load_images
q -c "SELECT imgtrans_add_provider('r429', 'deepl', '$STUB_URL/r429/deepl', 'deepl-test-key')" >/dev/null
job=$(q -c "SELECT imgtrans_submit(img, 'eng', 'es', '{\"provider\": \"r429\", \"max_attempts\": 2}') FROM imgs WHERE name = 'hello'")
wait_until 30 "SELECT attempts = 1 AND status = 'queued' AND error IS NOT NULL FROM imgtrans.jobs WHERE id = $job"
ok_rc $? "the job's first attempt failed and it is queued again"
q -c "SELECT error FROM imgtrans.jobs WHERE id = $job" | grep -q 'answered HTTP 429'
ok_rc $? "... with the provider's 429 as its error"
backoff=$(q -c "SELECT round(extract(epoch FROM next_attempt_at - started_at) * 1000) FROM imgtrans.jobs WHERE id = $job")
echo "# next attempt $backoff ms after the attempt started"
check "the backoff is at least Retry-After, 3 s ($backoff ms), not job_retry_delay's 200 ms" test "$backoff" -ge 3000
is "$(q -c "SELECT imgtrans_wait($job, '30 s')")" failed "after its second attempt the job fails"
finish
