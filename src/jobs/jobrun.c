/*-------------------------------------------------------------------------
 * jobrun.c
 *	  One job in a worker: claim, run, record the outcome; and the requeue
 *	  of jobs whose worker died.
 *
 * Exactly once, even under kill -9:
 *   1. claim: one transaction marks the first due queued job running
 *      (FOR UPDATE SKIP LOCKED, so workers never take the same job),
 *      counts the attempt, and takes a session lock on the job (joblocks.c:
 *      out of reach of SQL roles);
 *   2. run: one transaction reads the image, inserts the OCR boxes,
 *      translates them, and marks the job done only if it is still
 *      running under this worker; a crash anywhere before its commit
 *      leaves no result rows.  A document (PDF, multi-page TIFF) is split
 *      into pages first: one row per page in imgtrans.job_pages, and every
 *      worker with nothing queued helps (imgtrans_help_with_page) — pages
 *      are the unit of work.  Whoever reads a page holds its row lock (FOR
 *      UPDATE SKIP LOCKED: the claim dies with the transaction) and commits
 *      the page's boxes with its done and pages_done (the progress users
 *      see), so a page is stored exactly once, whoever reads it and
 *      whatever crashes, and a re-run reads only the pages not done.  The
 *      job's own worker reads pages too, waits for the last ones, puts the
 *      boxes in page order, and the results tables get all pages with the
 *      job's done, as for an image;
 *   3. a running job whose lock is free has lost its worker (the
 *      lock dies with the process): any worker queues it again, or fails
 *      it when its attempts are used up.
 * OCR and translation run in subtransactions: an error there is caught,
 * recorded with backoff or as the final failure, and the worker goes on.
 * OCR boxes made before a translation error are kept, and a retry only
 * translates them.  The worker itself reads the source row as the job's
 * owner; values always travel as parameters.  When the source table has
 * results tables (imgtrans_setup_results), a last step moves the results
 * there as the owner (results.c).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "commands/async.h"
#include "commands/dbcommands.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "pgstat.h"
#include "storage/lock.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timeout.h"
#include "utils/timestamp.h"

#include "document/document.h"
#include "jobs/joblocks.h"
#include "jobs/pagecost.h"
#include "jobs/results.h"
#include "jobs/sourcekey.h"
#include "jobs/sqlexec.h"
#include "jobs/worker.h"
#include "stats/stats.h"
#include "translate/translate.h"

#define RECOVER_INTERVAL_MS 5000


typedef struct Job
{
	int64		id;
	Oid			owner;
	Oid			source_table;
	char	   *source_column;
	char	   *source_key;
	char	   *lang;
	char	   *target;
	Datum		options;
	bool		options_null;
	int			attempts;
	int			max_attempts;
	int			pages_total;	/* 0 until the image has been read */
	int			pages_done;		/* pages whose boxes are in job_boxes */
	bool		pages_listed;	/* this attempt has made the job_pages rows */
	bool		pages_estimated;	/* ... and estimated them (or decided not to) */
	int			page;			/* the page a helping worker reads */
	Datum		image;			/* detoasted, in the Job's context */
	char	   *cancel_reason;
	bool		lost;			/* no longer running under this worker */
	double		queue_wait_ms;	/* due (next_attempt_at) to claimed */
	instr_time	claimed;
	int			translate_ms;	/* -1: not translated in this attempt */
	int32		page_ocr_ms;	/* OCR time of the page just read */
} Job;

typedef void (*JobStep) (Job *job);

/*
 * Fair between roles: the owners with queued jobs (a skip scan of
 * jobs_owner_queue_idx), those with the fewest running jobs first, then
 * the one whose last job started longest ago (never: first); then that
 * owner's first due job by its priority (which orders only that owner's
 * own jobs) and id.  The nested loop stops at the first owner with a due
 * job not locked by another worker, so one role's 10,000 queued jobs wait
 * behind another role's single job, not the other way round.
 */
static const char *claim_sql =
"UPDATE imgtrans.jobs j SET status = 'running', attempts = j.attempts + 1,"
"  worker_pid = $1, started_at = pg_catalog.clock_timestamp(), finished_at = NULL"
" FROM (SELECT n.id FROM"
"        (WITH RECURSIVE o(owner) AS ("
"           (SELECT owner FROM imgtrans.jobs WHERE status = 'queued' ORDER BY owner LIMIT 1)"
"           UNION ALL"
"           SELECT (SELECT q.owner FROM imgtrans.jobs q WHERE q.status = 'queued'"
"                     AND q.owner::oid > o.owner::oid ORDER BY q.owner LIMIT 1)"
"           FROM o WHERE o.owner IS NOT NULL)"
"         SELECT o.owner FROM o WHERE o.owner IS NOT NULL"
"         ORDER BY (SELECT count(*) FROM imgtrans.jobs r WHERE r.status = 'running' AND r.owner = o.owner),"
"                  (SELECT max(s.started_at) FROM imgtrans.jobs s WHERE s.owner = o.owner) NULLS FIRST,"
"                  o.owner) w,"
"        LATERAL (SELECT id FROM imgtrans.jobs WHERE status = 'queued' AND owner = w.owner"
"                   AND next_attempt_at <= now()"
"                 ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED) n"
"       LIMIT 1) c"
" WHERE j.id = c.id"
" RETURNING j.id, j.owner::oid, j.source_table::oid, j.source_column::text, j.source_key,"
"  j.lang, j.target, j.options, j.attempts, j.max_attempts,"
"  NULL::pg_catalog.int4, coalesce(j.pages_total, 0), j.pages_done,"
"  greatest(extract(epoch FROM j.started_at - j.next_attempt_at) * 1000, 0)::float8";

static const char *next_due_sql =
"SELECT ceil(extract(epoch FROM min(next_attempt_at) - now()) * 1000)::bigint"
" FROM imgtrans.jobs WHERE status = 'queued'";

/*
 * Orphans: the running jobs (row-locked here) whose job lock (joblocks.c)
 * this transaction can take, so no worker holds it; they are queued again,
 * or failed when their attempts are used up.
 */
static const char *running_sql =
"SELECT id FROM imgtrans.jobs WHERE status = 'running' FOR UPDATE SKIP LOCKED";

static const char *recover_sql =
"UPDATE imgtrans.jobs j SET"
"  status = CASE WHEN j.attempts >= j.max_attempts THEN 'failed' ELSE 'queued' END,"
"  error = pg_catalog.format('worker (pid %s) exited during attempt %s', j.worker_pid, j.attempts),"
"  finished_at = CASE WHEN j.attempts >= j.max_attempts THEN now() END,"
"  next_attempt_at = now(), worker_pid = NULL"
" WHERE j.id = ANY ($1::pg_catalog.int8[])"
" RETURNING j.id, j.status, j.kind, j.owner::oid";

static const char *submitted_image_sql =
"SELECT image FROM imgtrans.jobs WHERE id = $1";

static const char *boxes_exist_sql =
"SELECT FROM imgtrans.job_boxes WHERE job_id = $1 LIMIT 1";

/* an image's boxes commit with this; no row: the job was cancelled meanwhile */
static const char *progress_sql =
"UPDATE imgtrans.jobs SET pages_total = 1, pages_done = 1, ocr_ms = coalesce(ocr_ms, 0) + $3"
" WHERE id = $1 AND status = 'running' AND worker_pid = $2";

/* the committed pages of a job cancelled while it ran are dropped */
static const char *discard_sql =
"WITH d AS (DELETE FROM imgtrans.job_boxes WHERE job_id = $1"
"             AND EXISTS (SELECT FROM imgtrans.jobs WHERE id = $1 AND status = 'cancelled')),"
" p AS (DELETE FROM imgtrans.job_pages WHERE job_id = $1"
"             AND EXISTS (SELECT FROM imgtrans.jobs WHERE id = $1 AND status = 'cancelled'))"
" UPDATE imgtrans.jobs SET pages_done = 0, ocr_ms = NULL WHERE id = $1 AND status = 'cancelled'";

/*
 * The extension's own functions, qualified with its schema (%s, quoted):
 * the worker's search_path is pg_catalog, pg_temp, so nothing else can
 * resolve a name here.  Built once, when the worker finds the extension.
 * $5 is the page of a document ({p}), NULL for all of an image.  The boxes
 * come back as one array, stored by boxes_sql.  With imgtrans.farm set, the
 * same call goes to imgtrans_farm's proxy function, with $6 routing it: an
 * attempt's pages fan out over the nodes, and a retry goes to the next node.
 */
#define OCR_ARGS \
	"($1, $2, coalesce($3 OPERATOR(pg_catalog.->>) 'level', $4)," \
	" coalesce(($3 OPERATOR(pg_catalog.->>) 'psm')::pg_catalog.int4, 3)," \
	" $3 OPERATOR(pg_catalog.->) 'vars'," \
	" preprocess => (SELECT pg_catalog.array_agg(s) FROM" \
	"   pg_catalog.jsonb_array_elements_text($3 OPERATOR(pg_catalog.->) 'preprocess') AS s)," \
	" pages => $5"
static const char *ocr_sql_fmt =
"SELECT pg_catalog.array_agg(b) FROM %s.imgtrans_ocr" OCR_ARGS ") AS b";
static const char *farm_sql_fmt =
"SELECT pg_catalog.array_agg(b) FROM %s.imgtrans_farm_ocr" OCR_ARGS ", route => $6) AS b";

/*
 * box_no goes on after the boxes already stored, under a lock on the job's
 * boxes that the pages read at the same time by other workers take too
 * (imgtrans_lock_job_boxes, held to commit, so the next one's max sees
 * these); a document's boxes are put in page order when all its pages are
 * done (renumber_sql).
 */
static const char *boxes_sql =
"INSERT INTO imgtrans.job_boxes (job_id, box_no, level, block_num, par_num, line_num, word_num,"
"  x, y, width, height, conf, text, bbox, page_num)"
" SELECT $1, (SELECT coalesce(max(box_no), 0) FROM imgtrans.job_boxes WHERE job_id = $1) + b.n,"
"  b.level, b.block_num, b.par_num, b.line_num, b.word_num,"
"  b.x, b.y, b.width, b.height, b.conf, b.text, b.bbox, b.page_num"
" FROM pg_catalog.unnest($2)"
"  WITH ORDINALITY AS b(level, block_num, par_num, line_num, word_num, x, y, width, height,"
"                       conf, text, bbox, page_num, n)";

/* box_no in page order, without a moment where two boxes share one */
static const char *renumber_sql =
"WITH r AS (SELECT box_no, pg_catalog.row_number() OVER (ORDER BY page_num, box_no) AS rn"
"           FROM imgtrans.job_boxes WHERE job_id = $1)"
" UPDATE imgtrans.job_boxes b SET box_no = -r.rn::pg_catalog.int4 FROM r"
" WHERE b.job_id = $1 AND b.box_no = r.box_no AND r.rn <> r.box_no";

static const char *renumber_end_sql =
"UPDATE imgtrans.job_boxes SET box_no = -box_no WHERE job_id = $1 AND box_no < 0";

/*
 * A document's pages, listed by its worker (again on a re-run: no-op);
 * no row: the job was cancelled meanwhile.
 */
static const char *list_pages_sql =
"WITH j AS (UPDATE imgtrans.jobs SET pages_total = $3"
"           WHERE id = $1 AND status = 'running' AND worker_pid = $2 RETURNING id),"
" p AS (INSERT INTO imgtrans.job_pages (job_id, page_num)"
"       SELECT j.id, g FROM j, pg_catalog.generate_series(1, $3) g"
"       ON CONFLICT DO NOTHING)"
" SELECT FROM j";

/*
 * The pages to estimate (pagecost.c): those nobody has taken yet; and the
 * estimates, stored for the pages still nobody's (a page taken meanwhile
 * keeps NULL: its row lock is its reader's claim).
 */
static const char *estimate_todo_sql =
"SELECT pg_catalog.array_agg(page_num ORDER BY page_num) FROM imgtrans.job_pages"
" WHERE job_id = $1 AND NOT done AND glyphs IS NULL";

static const char *estimate_store_sql =
"UPDATE imgtrans.job_pages p SET glyphs = e.glyphs"
" FROM (SELECT q.page_num, u.glyphs FROM imgtrans.job_pages q"
"        JOIN ROWS FROM (pg_catalog.unnest($2::pg_catalog.int4[]), pg_catalog.unnest($3::pg_catalog.int4[]))"
"               AS u(page_num, glyphs)"
"          ON u.page_num = q.page_num"
"       WHERE q.job_id = $1 AND NOT q.done FOR UPDATE OF q SKIP LOCKED) e"
" WHERE p.job_id = $1 AND p.page_num = e.page_num";

/*
 * The next page of the job nobody reads, the one with most glyphs first;
 * page_wait_sql waits for them.
 */
static const char *page_next_sql =
"SELECT page_num FROM imgtrans.job_pages WHERE job_id = $1 AND NOT done"
" ORDER BY glyphs DESC NULLS LAST, page_num LIMIT 1 FOR UPDATE SKIP LOCKED";

static const char *page_wait_sql =
"SELECT page_num FROM imgtrans.job_pages WHERE job_id = $1 AND NOT done"
" ORDER BY page_num LIMIT 1 FOR UPDATE";

/*
 * A page of another worker's running document, for an idle worker: the
 * columns of claim_sql, the page in 11 (no queue wait: not a claim).  Pages another helper could not
 * read are left to the job's own worker, which reports the error.
 */
static const char *help_sql =
"SELECT j.id, j.owner::oid, j.source_table::oid, j.source_column::text, j.source_key,"
"  j.lang, j.target, j.options, j.attempts, j.max_attempts, p.page_num,"
"  j.pages_total, j.pages_done, 0::pg_catalog.float8"
" FROM imgtrans.job_pages p JOIN imgtrans.jobs j ON j.id = p.job_id"
" WHERE j.status = 'running' AND NOT p.done AND p.error IS NULL"
" ORDER BY j.priority DESC, p.job_id, p.glyphs DESC NULLS LAST, p.page_num"
" LIMIT 1 FOR UPDATE OF p SKIP LOCKED";

/* a page's boxes commit with this; no row: the job is no longer running */
static const char *page_done_sql =
"WITH p AS (UPDATE imgtrans.job_pages SET done = true, error = NULL, worker_pid = $2,"
"             done_at = pg_catalog.clock_timestamp()"
"           WHERE job_id = $1 AND page_num = $3)"
" UPDATE imgtrans.jobs SET pages_done = pages_done + 1, ocr_ms = coalesce(ocr_ms, 0) + $4"
" WHERE id = $1 AND status = 'running' RETURNING pages_done";

static const char *page_error_sql =
"UPDATE imgtrans.job_pages SET error = $3 WHERE job_id = $1 AND page_num = $2 AND NOT done";

/* a paragraph's lines are joined with spaces, as imgtrans_translate_image does */
static const char *translate_sql_fmt =
"SELECT %s.imgtrans_translate(pg_catalog.array_agg(pg_catalog.btrim("
"         pg_catalog.regexp_replace(text, '\\s*[\\r\\n]\\s*', ' ', 'g'), ' ') ORDER BY box_no),"
"       $2, $3, $4 OPERATOR(pg_catalog.->>) 'provider')"
" FROM imgtrans.job_boxes WHERE job_id = $1";

/*
 * The translations go in by box_no (1..N) in a statement of their own: in
 * one UPDATE ... FROM (translation) a plan could run the translation once
 * per box.
 */
static const char *translated_sql =
"UPDATE imgtrans.job_boxes SET translated = $2[box_no] WHERE job_id = $1";

static Oid	ext_schema_oid = InvalidOid;
static char *ext_schema = NULL;	/* the extension's schema */
static char *ocr_sql = NULL;
static char *translate_sql = NULL;
static Oid	farm_schema_oid = InvalidOid;
static char *farm_sql = NULL;	/* NULL: imgtrans_farm is not installed */

static const char *finish_sql =
"UPDATE imgtrans.jobs SET"
"  status = CASE WHEN $3 <> 'error' THEN $3"
"                WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,"
"  error = $4,"
"  next_attempt_at = CASE WHEN $3 = 'error' THEN now() + greatest(least($5 * 2 ^ least(attempts - 1, 20), 3600000), $7)"
"                                                        * interval '1 millisecond'"
"                         ELSE next_attempt_at END,"
"  finished_at = CASE WHEN $3 = 'error' AND attempts < max_attempts THEN NULL"
"                     ELSE pg_catalog.clock_timestamp() END,"
"  translate_ms = coalesce($6, translate_ms),"
"  worker_pid = NULL"
" WHERE id = $1 AND status = 'running' AND worker_pid = $2"
" RETURNING status";

static const char *ready_sql =
"SELECT e.extnamespace,"
"  (SELECT f.extnamespace FROM pg_catalog.pg_extension f WHERE f.extname = 'imgtrans_farm')"
" FROM pg_catalog.pg_extension e"
" WHERE e.extname = 'imgtrans' AND pg_catalog.to_regclass('imgtrans.jobs') IS NOT NULL";

/* ------------------------------------------------------------------------
 * Transactions
 * ------------------------------------------------------------------------
 */

static MemoryContext
begin_xact(void)
{
	MemoryContext caller = CurrentMemoryContext;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	PushActiveSnapshot(GetTransactionSnapshot());
	return caller;
}

static void
end_xact(MemoryContext caller, bool commit)
{
	SPI_finish();
	PopActiveSnapshot();
	if (commit)
		CommitTransactionCommand();
	else
		AbortCurrentTransaction();
	pgstat_report_stat(false);
	MemoryContextSwitchTo(caller);
}

/* message (detail) of the error being handled, in context cxt */
static char *
take_error(MemoryContext cxt)
{
	ErrorData  *ed;
	char	   *msg;

	MemoryContextSwitchTo(cxt);
	ed = CopyErrorData();
	FlushErrorState();
	msg = ed->detail ? psprintf("%s (%s)", ed->message, ed->detail) : pstrdup(ed->message);
	FreeErrorData(ed);
	return msg;
}

/*
 * Runs step in a subtransaction; returns NULL, or the error's message
 * (allocated in caller) after rolling the subtransaction back.
 */
static char *
run_step(Job *job, JobStep step, MemoryContext caller)
{
	MemoryContext xact_cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	char	   *err = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(xact_cxt);
	PG_TRY();
	{
		step(job);
		ReleaseCurrentSubTransaction();
	}
	PG_CATCH();
	{
		err = take_error(caller);
		RollbackAndReleaseCurrentSubTransaction();
	}
	PG_END_TRY();
	MemoryContextSwitchTo(xact_cxt);
	CurrentResourceOwner = owner;
	return err;
}

/* ------------------------------------------------------------------------
 * Readiness, orphans, claim
 * ------------------------------------------------------------------------
 */

/*
 * True when the extension (0.3.0 or later) is installed in this database.
 * Then the worker's search_path becomes pg_catalog, pg_temp for good, and
 * the statements that call the extension's functions name its schema.
 */
bool
imgtrans_extension_ready(void)
{
	MemoryContext caller = begin_xact();
	bool		ready = imgtrans_sql(ready_sql, NULL) == 1;

	if (ready)
	{
		bool		isnull;
		Oid			nsp = DatumGetObjectId(sql_value(0, 1, &isnull));

		if (nsp != ext_schema_oid)	/* first time, or re-created elsewhere */
		{
			MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
			const char *quoted;

			if (ext_schema_oid != InvalidOid)
			{
				pfree(ext_schema);
				pfree(ocr_sql);
				pfree(translate_sql);
			}
			ext_schema = get_namespace_name(nsp);
			quoted = quote_identifier(ext_schema);
			ocr_sql = psprintf(ocr_sql_fmt, quoted);
			translate_sql = psprintf(translate_sql_fmt, quoted);
			ext_schema_oid = nsp;
			MemoryContextSwitchTo(old);
		}
		nsp = DatumGetObjectId(sql_value(0, 2, &isnull));
		if (isnull)
			nsp = InvalidOid;
		if (nsp != farm_schema_oid)
		{
			MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

			if (farm_sql)
				pfree(farm_sql);
			farm_sql = OidIsValid(nsp) ?
				psprintf(farm_sql_fmt, quote_identifier(get_namespace_name(nsp))) : NULL;
			farm_schema_oid = nsp;
			MemoryContextSwitchTo(old);
		}
		(void) set_config_option("search_path", WORKER_SEARCH_PATH,
								 PGC_SUSET, PGC_S_SESSION, GUC_ACTION_SET, true, 0, false);
	}
	end_xact(caller, true);
	return ready;
}

/* NOTIFY imgtrans_jobs, 'id', and wake imgtrans_wait() for it (at commit) */
void
imgtrans_notify_job_ended(int64 id)
{
	char		payload[32];

	snprintf(payload, sizeof(payload), INT64_FORMAT, id);
	Async_Notify("imgtrans_jobs", payload);
	imgtrans_job_ended_at_commit(id);
}

/* Queues again (or fails) running jobs whose worker is gone. */
void
imgtrans_recover_orphans(void)
{
	static TimestampTz last = 0;
	MemoryContext caller;
	uint64		n,
				i;

	if (!TimestampDifferenceExceeds(last, GetCurrentTimestamp(), RECOVER_INTERVAL_MS))
		return;
	last = GetCurrentTimestamp();
	caller = begin_xact();
	n = imgtrans_sql(running_sql, NULL);
	if (n > 0)
	{
		Datum	   *orphans = palloc(sizeof(Datum) * n);
		int			norphans = 0;
		SqlArgs		a = {0};

		for (i = 0; i < n; i++)
		{
			bool		isnull;
			int64		id = DatumGetInt64(sql_value(i, 1, &isnull));

			if (imgtrans_try_lock_job_xact(id))
				orphans[norphans++] = Int64GetDatum(id);
		}
		sql_arg(&a, INT8ARRAYOID,
				PointerGetDatum(construct_array(orphans, norphans, INT8OID, sizeof(int64),
												FLOAT8PASSBYVAL, TYPALIGN_DOUBLE)), false);
		n = norphans > 0 ? imgtrans_sql(recover_sql, &a) : 0;
	}
	for (i = 0; i < n; i++)
	{
		bool		isnull;
		int64		id = DatumGetInt64(sql_value(i, 1, &isnull));
		char	   *status = sql_string(i, 2);

		JobAttemptStats st = {sql_string(i, 3), DatumGetObjectId(sql_value(i, 4, &isnull)),
		status, -1, 0, 0};

		imgtrans_stats_job(&st);
		ereport(LOG,
				(errmsg("imgtrans: job " INT64_FORMAT " lost its worker; now %s", id, status)));
		if (strcmp(status, "failed") == 0)
			imgtrans_notify_job_ended(id);
	}
	end_xact(caller, true);
}

static Job *
job_from_row(MemoryContext cxt)
{
	MemoryContext old = MemoryContextSwitchTo(cxt);
	Job		   *job = palloc0(sizeof(Job));
	bool		isnull;

	job->id = DatumGetInt64(sql_value(0, 1, &isnull));
	job->owner = DatumGetObjectId(sql_value(0, 2, &isnull));
	job->source_table = DatumGetObjectId(sql_value(0, 3, &isnull));
	if (isnull)
		job->source_table = InvalidOid;
	job->source_column = sql_string(0, 4);
	job->source_key = sql_string(0, 5);
	job->lang = sql_string(0, 6);
	job->target = sql_string(0, 7);
	job->options = sql_value(0, 8, &job->options_null);
	if (!job->options_null)
		job->options = PointerGetDatum(PG_DETOAST_DATUM_COPY(job->options));
	job->attempts = DatumGetInt32(sql_value(0, 9, &isnull));
	job->max_attempts = DatumGetInt32(sql_value(0, 10, &isnull));
	job->pages_total = DatumGetInt32(sql_value(0, 12, &isnull));
	job->pages_done = DatumGetInt32(sql_value(0, 13, &isnull));
	job->queue_wait_ms = DatumGetFloat8(sql_value(0, 14, &isnull));
	INSTR_TIME_SET_CURRENT(job->claimed);
	job->translate_ms = -1;
	MemoryContextSwitchTo(old);
	return job;
}

/* Claims the next due job; NULL and *wait_ms = time to the next one if none. */
static Job *
claim_job(long *wait_ms)
{
	MemoryContext caller;
	SqlArgs		a = {0};
	Job		   *job = NULL;
	bool		isnull;

	caller = begin_xact();
	sql_arg(&a, INT4OID, Int32GetDatum(MyProcPid), false);
	if (imgtrans_sql(claim_sql, &a) == 1)
	{
		job = job_from_row(caller);
		imgtrans_lock_job(job->id); /* before the claim commits */
		imgtrans_slot_set_owner(job->owner);
		imgtrans_stats_set_owner(job->owner);	/* its calls count for the owner */
		imgtrans_slot_set(job->id, "starting");
	}
	else if (imgtrans_sql(next_due_sql, NULL) == 1)
	{
		Datum		due = sql_value(0, 1, &isnull);

		if (!isnull)
			*wait_ms = Min(*wait_ms, Max(DatumGetInt64(due), 10));
	}
	end_xact(caller, true);
	return job;
}

/* ------------------------------------------------------------------------
 * Steps
 * ------------------------------------------------------------------------
 */

/*
 * SELECT image FROM ONLY table WHERE key = stored key, entirely as the
 * job's owner: turning the stored key back into values runs the key
 * types' input functions (a domain's CHECK, a user-defined type) and their
 * equality operators, which are the owner's code and must never run with
 * the worker's superuser rights.
 */
static void
read_source_image(Job *job)
{
	Relation	rel = try_table_open(job->source_table, AccessShareLock);
	AttrNumber	img_att;
	SourceKey	key;
	char	   *sql;
	SqlArgs		a = {0};
	RoleScope	scope;
	uint64		n = 0;
	bool		isnull;

	if (rel == NULL)
	{
		job->cancel_reason = "the source table of the job no longer exists";
		return;
	}
	img_att = get_attnum(job->source_table, job->source_column);
	if (img_att == InvalidAttrNumber ||
		TupleDescAttr(RelationGetDescr(rel), img_att - 1)->atttypid != BYTEAOID)
	{
		table_close(rel, NoLock);
		job->cancel_reason = psprintf("the source table has no bytea column \"%s\" any more",
									  job->source_column);
		return;
	}
	source_key_open(rel, &key);
	sql = psprintf("SELECT s.%s FROM ONLY %s s WHERE %s",
				   quote_identifier(job->source_column),
				   quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
											  RelationGetRelationName(rel)),
				   source_key_where(&key, "s"));
	table_close(rel, NoLock);

	role_scope_enter(&scope, job->owner);
	PG_TRY();
	{
		source_key_args(&key, job->source_key, &a);
		n = imgtrans_sql(sql, &a);
	}
	PG_FINALLY();
	{
		role_scope_leave(&scope);
	}
	PG_END_TRY();

	if (n == 0)
	{
		job->cancel_reason = psprintf("the source row (key %s) no longer exists", job->source_key);
		return;
	}
	job->image = sql_value(0, 1, &isnull);
	if (isnull)
		job->cancel_reason = psprintf("the source row (key %s) has no image any more",
									  job->source_key);
}

/*
 * Pages of a PDF or TIFF (the extension's own C, no user code: the owner's
 * part, reading the row, is over); 1 for an image, whose errors are left
 * to the OCR step so that they read as before.
 */
static int
count_pages(bytea *data)
{
	ImgDoc		doc;
	int			n = 1;

	if (imgtrans_doc_kind(data) == DOC_NONE)
		return 1;
	memset(&doc, 0, sizeof(doc));
	doc.sizes_only = true;		/* the page count only */
	PG_TRY();
	{
		imgtrans_doc_open(&doc, data, 0);
		n = doc.npages;
	}
	PG_FINALLY();
	{
		imgtrans_doc_close(&doc);
	}
	PG_END_TRY();
	return Max(n, 1);
}

/*
 * Reads the image (once per attempt: a document's pages run in several
 * transactions) into the Job's memory, and counts its pages.
 */
static void
read_image(Job *job)
{
	SqlArgs		a = {0};
	bool		isnull;
	MemoryContext old;

	if (job->image != (Datum) 0)
		return;
	imgtrans_slot_set(job->id, "reading image");
	if (OidIsValid(job->source_table))
		read_source_image(job);
	else
	{
		sql_arg(&a, INT8OID, Int64GetDatum(job->id), false);
		if (imgtrans_sql(submitted_image_sql, &a) != 1)
			elog(ERROR, "imgtrans job " INT64_FORMAT " disappeared", job->id);
		job->image = sql_value(0, 1, &isnull);
	}
	if (job->cancel_reason)
		return;
	old = MemoryContextSwitchTo(GetMemoryChunkContext(job));
	job->image = PointerGetDatum(PG_DETOAST_DATUM_COPY(job->image));
	MemoryContextSwitchTo(old);
	if (job->pages_total <= 0)
		job->pages_total = count_pages(DatumGetByteaPP(job->image));
}

/* OCR done by this or an earlier attempt (a retry after a translation error) */
static bool
ocr_done(Job *job)
{
	SqlArgs		a = {0};

	if (job->pages_total > 0)
		return job->pages_done >= job->pages_total;
	/* a job from before 0.12.0 whose boxes are there */
	sql_arg(&a, INT8OID, Int64GetDatum(job->id), false);
	return imgtrans_sql(boxes_exist_sql, &a) == 1;
}

/* sql with $1 = the job's id, $2 = this worker's pid, $3 = n */
static uint64
sql_job_pid(const char *sql, Job *job, int n)
{
	SqlArgs		a = {0};

	sql_arg(&a, INT8OID, Int64GetDatum(job->id), false);
	sql_arg(&a, INT4OID, Int32GetDatum(MyProcPid), false);
	sql_arg(&a, INT4OID, Int32GetDatum(n), false);
	return imgtrans_sql(sql, &a);
}

/* the OCR statement: on the farm when imgtrans.farm names one */
static const char *
ocr_sql_for_job(void)
{
	if (imgtrans_farm == NULL || imgtrans_farm[0] == '\0')
		return ocr_sql;
	if (farm_sql == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("imgtrans.farm is set to \"%s\" but extension imgtrans_farm is not installed in database \"%s\"",
						imgtrans_farm, get_database_name(MyDatabaseId)),
				 errhint("CREATE EXTENSION imgtrans_farm CASCADE in that database, or set imgtrans.farm to '' to OCR locally.")));
	return farm_sql;
}

/*
 * OCRs page (0: all of an image) into job_boxes, after the boxes already
 * there.  The OCR runs outside the lock, so pages read by several workers
 * at once only queue to store their boxes.
 */
static void
ocr_page(Job *job, int page)
{
	SqlArgs		a = {0};
	Datum		pages = (Datum) 0;
	Datum		boxes;
	Oid			boxes_type;
	bool		isnull;
	char		phase[IMGTRANS_PHASE_LEN];
	instr_time	start,
				end;
	bool		timed;

	if (page > 0)
	{
		Datum		p = Int32GetDatum(page);

		pages = PointerGetDatum(construct_array(&p, 1, INT4OID, sizeof(int32), true, TYPALIGN_INT));
		snprintf(phase, sizeof(phase), "ocr page %d/%d", page, job->pages_total);
	}
	else
		strlcpy(phase, "ocr", sizeof(phase));
	imgtrans_slot_set(job->id, phase);
	sql_arg(&a, BYTEAOID, job->image, false);
	sql_arg_text(&a, job->lang);
	sql_arg(&a, JSONBOID, job->options, job->options_null);
	/* translation jobs: whole paragraphs, as imgtrans_translate_image */
	sql_arg_text(&a, job->target ? "para" : "word");
	sql_arg(&a, INT4ARRAYOID, pages, page == 0);
	sql_arg(&a, INT4OID, Int32GetDatum((int32) ((job->id + job->attempts + page) % PG_INT32_MAX)), false);
	INSTR_TIME_SET_CURRENT(start);
	/* imgtrans.job_page_timeout, through statement_timeout's own signal */
	timed = imgtrans_job_page_timeout > 0 && !get_timeout_active(STATEMENT_TIMEOUT);
	if (timed)
		enable_timeout_after(STATEMENT_TIMEOUT, imgtrans_job_page_timeout);
	PG_TRY();
	{
		(void) imgtrans_sql(ocr_sql_for_job(), &a);
	}
	PG_FINALLY();
	{
		if (timed)
			disable_timeout(STATEMENT_TIMEOUT, false);
	}
	PG_END_TRY();
	INSTR_TIME_SET_CURRENT(end);
	INSTR_TIME_SUBTRACT(end, start);
	job->page_ocr_ms = (int32) INSTR_TIME_GET_MILLISEC(end);
	boxes = sql_value(0, 1, &isnull);
	if (isnull)
		return;					/* nothing on the page */
	boxes_type = SPI_gettypeid(SPI_tuptable->tupdesc, 1);
	boxes = PointerGetDatum(PG_DETOAST_DATUM_COPY(boxes));

	memset(&a, 0, sizeof(a));
	sql_arg(&a, INT8OID, Int64GetDatum(job->id), false);
	imgtrans_lock_job_boxes(job->id);
	sql_arg(&a, boxes_type, boxes, false);
	(void) imgtrans_sql(boxes_sql, &a);
}

/*
 * Marks page done with its boxes (same transaction); lost when the job
 * is no longer running (cancelled, or queued again after its worker died):
 * the caller then rolls the page back.
 */
static void
page_done(Job *job, int page)
{
	SqlArgs		a = {0};
	bool		isnull;

	sql_arg(&a, INT8OID, Int64GetDatum(job->id), false);
	sql_arg(&a, INT4OID, Int32GetDatum(MyProcPid), false);
	sql_arg(&a, INT4OID, Int32GetDatum(page), false);
	sql_arg(&a, INT4OID, Int32GetDatum(job->page_ocr_ms), false);
	if (imgtrans_sql(page_done_sql, &a) == 1)
		job->pages_done = DatumGetInt32(sql_value(0, 1, &isnull));
	else
		job->lost = true;
}

/*
 * The job's next page: one nobody reads, else (all taken) the first that
 * another worker is still reading, once it gives up (its transaction ends
 * without the page done).  0 when all pages are done.
 */
static int
claim_own_page(Job *job)
{
	SqlArgs		a = {0};
	bool		isnull;

	sql_arg(&a, INT8OID, Int64GetDatum(job->id), false);
	if (imgtrans_sql(page_next_sql, &a) == 1)
		return DatumGetInt32(sql_value(0, 1, &isnull));
	imgtrans_slot_set(job->id, "waiting for pages read by other workers");
	if (imgtrans_sql(page_wait_sql, &a) == 1)
		return DatumGetInt32(sql_value(0, 1, &isnull));
	return 0;
}

/*
 * With several workers, the pages nobody has taken get their estimates
 * (pagecost.c), so that all workers read the dearest first and the last
 * pages are short.  A subtransaction of its own: a page that cannot be read
 * leaves the pages in page order (its OCR reports the error); an interrupt
 * (the job cancelled, shutdown) goes on up.
 */
static void
estimate_pages(Job *job)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;
	SqlArgs		a = {0};

	imgtrans_slot_set(job->id, "estimating pages");
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		bool		isnull;
		Datum		todo;

		sql_arg(&a, INT8OID, Int64GetDatum(job->id), false);
		(void) imgtrans_sql(estimate_todo_sql, &a);
		todo = sql_value(0, 1, &isnull);
		if (!isnull)
		{
			ArrayType  *arr = DatumGetArrayTypeP(todo);
			int			n = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
			int		   *glyphs = palloc(sizeof(int) * n);
			Datum	   *values = palloc(sizeof(Datum) * n);
			instr_time	start,
						end;
			int			i;

			Assert(!ARR_HASNULL(arr) && ARR_ELEMTYPE(arr) == INT4OID);
			INSTR_TIME_SET_CURRENT(start);
			imgtrans_estimate_pages(DatumGetByteaPP(job->image), 0, (int *) ARR_DATA_PTR(arr), n, glyphs);
			INSTR_TIME_SET_CURRENT(end);
			INSTR_TIME_SUBTRACT(end, start);
			for (i = 0; i < n; i++)
				values[i] = Int32GetDatum(glyphs[i]);
			sql_arg(&a, INT4ARRAYOID, PointerGetDatum(arr), false);
			sql_arg(&a, INT4ARRAYOID,
					PointerGetDatum(construct_array(values, n, INT4OID, sizeof(int32), true, TYPALIGN_INT)),
					false);
			(void) imgtrans_sql(estimate_store_sql, &a);
			ereport(DEBUG1,
					(errmsg_internal("imgtrans job " INT64_FORMAT ": %d pages estimated in %.1f ms",
									 job->id, n, INSTR_TIME_GET_MILLISEC(end))));
		}
		ReleaseCurrentSubTransaction();
	}
	PG_CATCH();
	{
		ErrorData  *e;

		MemoryContextSwitchTo(cxt);
		e = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
		if (e->sqlerrcode == ERRCODE_QUERY_CANCELED || e->sqlerrcode == ERRCODE_ADMIN_SHUTDOWN ||
			ProcDiePending)
			ReThrowError(e);
		ereport(DEBUG1,
				(errmsg_internal("imgtrans job " INT64_FORMAT ": pages left in page order: %s",
								 job->id, e->message)));
		FreeErrorData(e);
	}
	PG_END_TRY();
	MemoryContextSwitchTo(cxt);
	CurrentResourceOwner = owner;
}

/*
 * The job's OCR, one transaction per call: all of an image; for a
 * document, first the list of its pages (committed alone, so that idle
 * workers can take them), then (with several workers) their estimates,
 * then one page per call.
 */
static void
step_ocr(Job *job)
{
	int			page;

	if (ocr_done(job))
		return;
	read_image(job);
	if (job->cancel_reason)
		return;
	if (job->pages_total <= 1)
	{
		ocr_page(job, 0);
		if (sql_job_pid(progress_sql, job, job->page_ocr_ms) == 1)
			job->pages_done = 1;
		else
			job->lost = true;	/* cancelled while it ran */
		return;
	}
	if (!job->pages_listed)
	{
		if (sql_job_pid(list_pages_sql, job, job->pages_total) != 1)
			job->lost = true;
		job->pages_listed = true;
		imgtrans_wake_at_commit();	/* idle workers: pages to read */
		return;
	}
	if (!job->pages_estimated)
	{
		job->pages_estimated = true;
		if (imgtrans_workers > 1 && imgtrans_page_estimates &&
			imgtrans_estimate_pays(DatumGetByteaPP(job->image)))
		{
			estimate_pages(job);
			return;
		}
	}
	page = claim_own_page(job);
	if (page == 0)
	{
		job->pages_done = job->pages_total;
		return;
	}
	ocr_page(job, page);
	page_done(job, page);
}

/*
 * A document's boxes in page order, before they are translated and saved.
 * Without nested loops: statistics gathered before this job's boxes
 * existed estimate one row for its id, and a nested loop that rescans the
 * numbered boxes for every box is quadratic (0.3-0.6 s for a 10-page job
 * once imgtrans.job_boxes had been analysed); a hash or merge join is
 * linear whatever the estimate.  The setting ends with these statements.
 */
static void
step_renumber(Job *job)
{
	SqlArgs		a = {0};
	int			nestlevel = NewGUCNestLevel();

	(void) set_config_option("enable_nestloop", "off", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	sql_arg(&a, INT8OID, Int64GetDatum(job->id), false);
	(void) imgtrans_sql(renumber_sql, &a);
	(void) imgtrans_sql(renumber_end_sql, &a);
	AtEOXact_GUC(true, nestlevel);
}

/* Translation source: the OCR language if it is one, else detection. */
static const char *
translation_source(Job *job)
{
	return strchr(job->lang, '+') ? "auto" : job->lang;
}

/*
 * ERROR unless imgtrans_translate(text[], text, text, text) exists (in
 * schema, or on the search_path when NULL): translation is another
 * version of the extension, looked up when it is needed.
 */
void
imgtrans_require_translation(const char *schema)
{
	Oid			argtypes[4] = {TEXTARRAYOID, TEXTOID, TEXTOID, TEXTOID};
	List	   *name = list_make1(makeString("imgtrans_translate"));

	if (schema != NULL)
		name = lcons(makeString(pstrdup(schema)), name);
	if (!OidIsValid(LookupFuncName(name, 4, argtypes, true)))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("translation is not available: function imgtrans_translate(text[], text, text, text) does not exist"),
				 errhint("Update the extension to a version with translation (ALTER EXTENSION imgtrans UPDATE), or leave the target language out.")));
}

static void
step_translate(Job *job)
{
	SqlArgs		a = {0};
	instr_time	start,
				end;

	imgtrans_slot_set(job->id, "translating");
	imgtrans_require_translation(ext_schema);
	sql_arg(&a, INT8OID, Int64GetDatum(job->id), false);
	sql_arg_text(&a, job->target);
	sql_arg_text(&a, translation_source(job));
	sql_arg(&a, JSONBOID, job->options, job->options_null);
	INSTR_TIME_SET_CURRENT(start);
	if (imgtrans_sql(translate_sql, &a) == 1)
	{
		bool		isnull;
		Datum		translated = sql_value(0, 1, &isnull);

		if (!isnull)
		{
			SqlArgs		u = {0};

			sql_arg(&u, INT8OID, Int64GetDatum(job->id), false);
			sql_arg(&u, TEXTARRAYOID, PointerGetDatum(PG_DETOAST_DATUM_COPY(translated)), false);
			(void) imgtrans_sql(translated_sql, &u);
		}
	}
	INSTR_TIME_SET_CURRENT(end);
	INSTR_TIME_SUBTRACT(end, start);
	job->translate_ms = (int) INSTR_TIME_GET_MILLISEC(end);
}

/* Moves the results into the source table's results tables, if it has them. */
static void
step_publish(Job *job)
{
	imgtrans_slot_set(job->id, "saving");
	(void) results_publish(job->id, job->owner, job->source_table, job->source_key, job->lang,
						   Max(job->pages_total, 1), ext_schema);
}

/* an attempt's outcome into imgtrans.job_kind_stats */
static void
count_attempt(Job *job, const char *outcome)
{
	instr_time	now;
	JobAttemptStats st = {job->target ? "translate_image" : "ocr", job->owner, outcome,
	job->queue_wait_ms, 0, job->pages_total};

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, job->claimed);
	st.run_ms = INSTR_TIME_GET_MILLISEC(now);
	imgtrans_stats_job(&st);
}

/*
 * Records the outcome if the job is still ours; false if it was cancelled
 * or taken over meanwhile (the caller then rolls the results back).
 */
static bool
finish_job(Job *job, const char *err)
{
	SqlArgs		a = {0};
	const char *outcome = err ? "error" : job->cancel_reason ? "cancelled" : "done";
	char	   *status;

	imgtrans_slot_set(job->id, "saving");
	sql_arg(&a, INT8OID, Int64GetDatum(job->id), false);
	sql_arg(&a, INT4OID, Int32GetDatum(MyProcPid), false);
	sql_arg_text(&a, outcome);
	sql_arg_text(&a, err ? err : job->cancel_reason);
	sql_arg(&a, INT4OID, Int32GetDatum(imgtrans_job_retry_delay), false);
	sql_arg(&a, INT4OID, Int32GetDatum(job->translate_ms), job->translate_ms < 0);
	/* at least what a provider's 429 asked for (Retry-After) */
	sql_arg(&a, INT4OID, Int32GetDatum(err ? imgtrans_translate_retry_after_ms(true) : 0), false);
	if (imgtrans_sql(finish_sql, &a) != 1)
	{
		count_attempt(job, "cancelled");
		return false;			/* the caller discards it */
	}
	status = sql_string(0, 1);
	count_attempt(job, status);
	if (strcmp(status, "queued") != 0)
		imgtrans_notify_job_ended(job->id);
	if (err)
		ereport(WARNING,
				(errmsg("imgtrans job " INT64_FORMAT " attempt %d of %d failed: %s",
						job->id, job->attempts, job->max_attempts, err),
				 errdetail("The job is now %s.", status)));
	return true;
}

/* Drops the committed pages of a job cancelled while it ran. */
static void
discard_pages(Job *job)
{
	MemoryContext caller = begin_xact();
	SqlArgs		a = {0};

	sql_arg(&a, INT8OID, Int64GetDatum(job->id), false);
	(void) imgtrans_sql(discard_sql, &a);
	end_xact(caller, true);
	ereport(LOG,
			(errmsg("imgtrans job " INT64_FORMAT " was cancelled while it ran; its results are discarded",
					job->id)));
}

static void
run_job(Job *job)
{
	for (;;)
	{
		MemoryContext caller = begin_xact();
		char	   *err;
		bool		commit;

		err = run_step(job, step_ocr, caller);
		if (job->lost)
		{
			count_attempt(job, "cancelled");
			end_xact(caller, false);
			discard_pages(job);
			return;
		}
		if (err == NULL && job->cancel_reason == NULL && !ocr_done(job))
		{
			end_xact(caller, true); /* a document's page, with its pages_done */
			continue;
		}
		if (err == NULL && job->cancel_reason == NULL && job->pages_total > 1)
			err = run_step(job, step_renumber, caller);
		if (err == NULL && job->cancel_reason == NULL && job->target != NULL)
		{
			err = run_step(job, step_translate, caller);
			if (err)
				err = psprintf("translation failed: %s", err);
		}
		if (err == NULL && job->cancel_reason == NULL && OidIsValid(job->source_table))
		{
			err = run_step(job, step_publish, caller);
			if (err)
				err = psprintf("saving the results failed: %s", err);
		}
		commit = finish_job(job, err);
		end_xact(caller, commit);
		if (!commit)
			discard_pages(job); /* cancelled: its committed pages go too */
		return;
	}
}

/*
 * Claims and runs the next due job; returns its id, or 0 when there was
 * none (*wait_ms then says when the next backoff ends, if sooner).
 */
int64
imgtrans_run_next_job(long *wait_ms)
{
	Job		   *job = claim_job(wait_ms);

	if (job == NULL)
		return 0;
	(void) imgtrans_translate_retry_after_ms(true);
	PG_TRY();
	{
		run_job(job);
	}
	PG_FINALLY();
	{
		LockReleaseSession(USER_LOCKMETHOD);
		imgtrans_stats_set_owner(InvalidOid);
	}
	PG_END_TRY();
	imgtrans_slot_set(0, "finished job");
	return job->id;
}

/* ------------------------------------------------------------------------
 * Helping with another worker's document
 * ------------------------------------------------------------------------
 */

/* Reads the helper's page into job_boxes, with its done. */
static void
step_help(Job *job)
{
	read_image(job);
	if (job->cancel_reason)
		return;
	ocr_page(job, job->page);
	page_done(job, job->page);
}

/*
 * An idle worker reads a page of a document that another worker runs
 * (the first by priority and job id); true if there was one.  A page it
 * cannot read is marked with the error and left to the job's own worker,
 * which reads it again and fails the attempt as for an image; a page of a
 * job that stopped running meanwhile is rolled back.  The worker owns no
 * part of the job beyond the page: the job's lock, its outcome
 * and its results are its own worker's.
 */
bool
imgtrans_help_with_page(void)
{
	MemoryContext caller = begin_xact();
	Job		   *job;
	char	   *err;
	bool		isnull;
	bool		commit = true;

	if (imgtrans_sql(help_sql, NULL) != 1)
	{
		end_xact(caller, true);
		return false;
	}
	job = job_from_row(caller);
	job->page = DatumGetInt32(sql_value(0, 11, &isnull));
	imgtrans_slot_set_owner(job->owner);
	imgtrans_stats_set_owner(job->owner);	/* its calls count for the owner */
	PG_TRY();
	{
		err = run_step(job, step_help, caller);
	}
	PG_FINALLY();
	{
		imgtrans_stats_set_owner(InvalidOid);
	}
	PG_END_TRY();
	if (err == NULL && job->cancel_reason != NULL)
		err = job->cancel_reason;
	if (err != NULL)
	{
		SqlArgs		a = {0};

		sql_arg(&a, INT8OID, Int64GetDatum(job->id), false);
		sql_arg(&a, INT4OID, Int32GetDatum(job->page), false);
		sql_arg_text(&a, err);
		(void) imgtrans_sql(page_error_sql, &a);
		ereport(LOG,
				(errmsg("imgtrans: page %d of job " INT64_FORMAT " left to its own worker: %s",
						job->page, job->id, err)));
	}
	else if (job->lost)
		commit = false;
	end_xact(caller, commit);
	imgtrans_slot_set(0, "finished page");
	return true;
}
