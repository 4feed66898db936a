/*-------------------------------------------------------------------------
 * jobs.c
 *	  SQL-callable functions of the background jobs: imgtrans_submit, the
 *	  imgtrans_enqueue trigger, imgtrans_wait, the admin functions, and the
 *	  worker registry behind the imgtrans.workers view.
 *
 * Users cannot write imgtrans.jobs: these functions validate everything
 * in the caller's session (clear errors at submit/trigger time, not in a
 * worker later), then write the table as the bootstrap superuser with the
 * caller's role id as a parameter, and the statement itself checks that
 * the caller is the job's owner (or a member of it) or of imgtrans_admin.
 * Reads (imgtrans_wait, the views) run as the caller under row-level
 * security.  All values are parameters; nothing here builds SQL text.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_authid.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/latch.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "document/document.h"
#include "imgtrans.h"
#include "ocr/ocrargs.h"
#include "jobs/joblocks.h"
#include "jobs/sourcekey.h"
#include "jobs/sqlexec.h"
#include "translate/translate.h"
#include "jobs/worker.h"
#include "stats/stats.h"

/* imgtrans_wait() is woken at the job's end; this only guards against a lost wake-up */
#define WAIT_RECHECK_MS 1000
#define JOB_OPTIONS "level, psm, vars, preprocess, provider, priority, max_attempts"

/* caller $1 may manage the job (row of imgtrans.jobs) */
#define MAY_MANAGE "(pg_has_role($1, owner, 'MEMBER') OR pg_has_role($1, 'imgtrans_admin', 'MEMBER'))"

static const char *insert_sql =
"WITH superseded AS ("
"  UPDATE imgtrans.jobs SET status = 'cancelled', error = 'superseded by a newer image',"
"    finished_at = now()"
"  WHERE source_table = $2 AND source_key = $4 AND source_column = $3 AND status = 'queued')"
" INSERT INTO imgtrans.jobs (kind, owner, source_table, source_column, source_key, image, lang,"
"   target, options, priority, max_attempts)"
" VALUES (CASE WHEN $7 IS NULL THEN 'ocr' ELSE 'translate_image' END, $1, $2, $3, $4, $5, $6,"
"   $7, $8, coalesce(($8->>'priority')::int, 0), coalesce(($8->>'max_attempts')::int, 3))"
" RETURNING id";

static const char *retry_sql =
"WITH j AS (SELECT id, status FROM imgtrans.jobs WHERE id = $2 AND " MAY_MANAGE " FOR UPDATE),"
" u AS (UPDATE imgtrans.jobs t SET status = 'queued', attempts = 0, error = NULL,"
"         next_attempt_at = now(), finished_at = NULL"
"       FROM j WHERE t.id = j.id AND j.status IN ('failed', 'cancelled') RETURNING t.id)"
" SELECT EXISTS (SELECT FROM u) FROM j";

static const char *cancel_sql =
"WITH j AS (SELECT id, status FROM imgtrans.jobs WHERE id = $2 AND " MAY_MANAGE " FOR UPDATE),"
" u AS (UPDATE imgtrans.jobs t SET status = 'cancelled', finished_at = now(), worker_pid = NULL,"
"         error = 'cancelled by ' || $1::regrole::text"
"       FROM j WHERE t.id = j.id AND j.status IN ('queued', 'running') RETURNING t.id)"
" SELECT EXISTS (SELECT FROM u) FROM j";

static const char *retry_failed_sql =
"WITH u AS (UPDATE imgtrans.jobs SET status = 'queued', attempts = 0, error = NULL,"
"             next_attempt_at = now(), finished_at = NULL"
"           WHERE status = 'failed' AND " MAY_MANAGE " RETURNING 1)"
" SELECT count(*) FROM u";

static const char *purge_sql =
"WITH d AS (DELETE FROM imgtrans.jobs"
"           WHERE status IN ('done', 'failed', 'cancelled') AND finished_at < now() - $2"
"             AND " MAY_MANAGE " RETURNING 1)"
" SELECT count(*) FROM d";

/* the status, and whether this transaction wrote the row (queued it, or queued it again) */
static const char *status_sql =
"SELECT status, xmin FROM imgtrans.jobs WHERE id = $1";

/*
 * The queue limit of role $1: its own imgtrans.max_queued_jobs_per_role
 * (ALTER ROLE ... [IN DATABASE ...] SET, which only a superuser can do),
 * else $3, this session's value.  Read from the catalog, as the job's
 * owner is not always the session's user (SECURITY DEFINER).
 */
static const char *quota_limit_sql =
"SELECT coalesce((SELECT pg_catalog.substr(c, 35)::int"
"                 FROM pg_catalog.pg_db_role_setting s, pg_catalog.unnest(s.setconfig) c"
"                 WHERE s.setrole = $1 AND s.setdatabase IN (0, $2)"
"                   AND c OPERATOR(pg_catalog.~) '^imgtrans\\.max_queued_jobs_per_role=[0-9]{1,9}$'"
"                 ORDER BY s.setdatabase DESC LIMIT 1), $3)";

/*
 * Unfinished jobs of role $1, counted up to the limit $2, after taking the
 * role's quota lock (imgtrans_lock_role_quota, till the end of the
 * transaction), so that concurrent submits of one role count one after the
 * other.
 */
static const char *quota_count_sql =
"SELECT count(*) FROM (SELECT FROM imgtrans.jobs"
"                      WHERE owner = $1::pg_catalog.regrole AND status IN ('queued', 'running')"
"                      LIMIT $2) q";

typedef struct JobSpec
{
	Oid			source_table;
	const char *source_column;
	const char *source_key;
	Datum		image;
	const char *lang;
	const char *target;
	Jsonb	   *options;
} JobSpec;

static void
job_not_found(int64 id)
{
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_OBJECT),
			 errmsg("imgtrans job " INT64_FORMAT " does not exist", id),
			 errhint("Only the job's owner and members of imgtrans_admin can see a job.")));
}

/*
 * Runs a statement on imgtrans.jobs as the bootstrap superuser; returns the
 * value (bool or int8: by value) of its one row, ERROR naming job if none.
 */
static Datum
privileged_value(const char *sql, SqlArgs *a, int64 job)
{
	Datum		d;
	bool		isnull;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (imgtrans_sql_as(BOOTSTRAP_SUPERUSERID, sql, a) != 1)
		job_not_found(job);
	d = sql_value(0, 1, &isnull);
	SPI_finish();
	return d;
}

/* privileged_value() with the caller's role as $1 and arg as $2 */
static Datum
run_privileged(const char *sql, Oid argtype, Datum arg, int64 job)
{
	SqlArgs		a = {0};

	imgtrans_require_primary();
	sql_arg(&a, OIDOID, ObjectIdGetDatum(GetUserId()), false);
	sql_arg(&a, argtype, arg, false);
	return privileged_value(sql, &a, job);
}

static void
bad_option(const char *key, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid job option \"%s\": %s", key, why),
			 errhint("Job options are a JSON object with keys %s.", JOB_OPTIONS)));
}

/*
 * An integer option from min to max, written as the job reads it back
 * (($options->>key)::int): no fraction, exponent or out-of-range value
 * that would pass here and fail later in a worker.
 */
static int
option_int(const char *key, JsonbValue *v, int min, int max, const char *why)
{
	char	   *s;
	char	   *end;
	long		n;

	if (v->type != jbvNumeric)
		bad_option(key, why);
	s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v->val.numeric)));
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || n < min || n > max)
		bad_option(key, why);
	return (int) n;
}

/*
 * preprocess: an array of step names, as imgtrans_ocr's preprocess takes
 * (checked now, not in a worker after every attempt).
 */
static void
check_steps(const char *key, JsonbValue *v)
{
	JsonbIterator *it;
	JsonbValue	e;
	JsonbIteratorToken tok;

	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		bad_option(key, "must be an array of preprocessing steps, e.g. [\"auto\"]");
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		if (e.type != jbvString ||
			ocr_prep_step(pnstrdup(e.val.string.val, e.val.string.len)) < 0)
			bad_option(key, "steps are " OCR_PREP_STEP_NAMES);
	}
}

static void
check_option(const char *key, JsonbValue *v)
{
	if (strcmp(key, "level") == 0)
	{
		if (v->type != jbvString ||
			ocr_parse_levels(pnstrdup(v->val.string.val, v->val.string.len)) == 0)
			bad_option(key, "must be one of " OCR_LEVEL_NAMES);
	}
	else if (strcmp(key, "psm") == 0)
	{
		if (!ocr_psm_valid(option_int(key, v, 0, 13, "must be a page segmentation mode")))
			bad_option(key, "must be 1 or 3 to 13");
	}
	else if (strcmp(key, "vars") == 0)
	{
		if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
			bad_option(key, "must be an object of tesseract variables");
		/* the allow-list, now rather than in a worker after every attempt */
		(void) imgtrans_check_vars(JsonbValueToJsonb(v));
	}
	else if (strcmp(key, "preprocess") == 0)
		check_steps(key, v);
	else if (strcmp(key, "provider") == 0)
	{
		if (v->type != jbvString)
			bad_option(key, "must be a provider name");
	}
	else if (strcmp(key, "priority") == 0)
		(void) option_int(key, v, -1000000, 1000000, "must be an integer (higher runs first)");
	else if (strcmp(key, "max_attempts") == 0)
		(void) option_int(key, v, 1, 100, "must be an integer from 1 to 100");
	else
		bad_option(key, "unknown option");
}

/* Checks every option; returns the "provider" option, or NULL. */
static char *
check_options(Jsonb *options)
{
	char	   *provider = NULL;

	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	if (!JB_ROOT_IS_OBJECT(options) || JB_ROOT_IS_SCALAR(options))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("job options must be a JSON object"),
				 errhint("Job options are a JSON object with keys %s.", JOB_OPTIONS)));
	it = JsonbIteratorInit(&options->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *key;

		if (tok != WJB_KEY)
			continue;
		key = pnstrdup(v.val.string.val, v.val.string.len);
		(void) JsonbIteratorNext(&it, &v, true);
		check_option(key, &v);
		if (strcmp(key, "provider") == 0)
			provider = pnstrdup(v.val.string.val, v.val.string.len);
	}
	return provider;
}

/* A target language code, and the translation function it needs. */
static void
check_target(const char *target, Oid fn_oid)
{
	size_t		len = strlen(target);
	size_t		i;

	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char) target[i]) && target[i] != '-' && target[i] != '_')
			break;
	if (len < 2 || len > 16 || i < len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid target language \"%s\"", target),
				 errhint("Use a language code such as 'es' or 'spa'.")));
	imgtrans_require_translation(get_namespace_name(get_func_namespace(fn_oid)));
}

/*
 * ERROR 53400 when the current role already has its limit of unfinished
 * jobs (imgtrans.max_queued_jobs_per_role).  Run as the bootstrap
 * superuser: the role cannot see, and must not be able to change, what is
 * counted.
 */
static void
check_queue_quota(void)
{
	Oid			role = GetUserId();
	SqlArgs		a = {0};
	int			limit;
	int64		n;
	bool		isnull;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	sql_arg(&a, OIDOID, ObjectIdGetDatum(role), false);
	sql_arg(&a, OIDOID, ObjectIdGetDatum(MyDatabaseId), false);
	sql_arg(&a, INT4OID, Int32GetDatum(imgtrans_max_queued_jobs_per_role), false);
	if (imgtrans_sql_as(BOOTSTRAP_SUPERUSERID, quota_limit_sql, &a) != 1)
		elog(ERROR, "imgtrans: queue limit lookup failed");
	limit = DatumGetInt32(sql_value(0, 1, &isnull));
	if (limit <= 0)
	{
		SPI_finish();
		return;
	}
	memset(&a, 0, sizeof(a));
	sql_arg(&a, OIDOID, ObjectIdGetDatum(role), false);
	imgtrans_lock_role_quota(role);
	sql_arg(&a, INT4OID, Int32GetDatum(limit), false);
	if (imgtrans_sql_as(BOOTSTRAP_SUPERUSERID, quota_count_sql, &a) != 1)
		elog(ERROR, "imgtrans: queue count failed");
	n = DatumGetInt64(sql_value(0, 1, &isnull));
	SPI_finish();
	if (n >= limit)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("role \"%s\" already has %d unfinished imgtrans jobs, its limit",
						GetUserNameFromId(role, false), limit),
				 errdetail("imgtrans.max_queued_jobs_per_role counts the role's queued and running jobs."),
				 errhint("Wait for some of them to finish (imgtrans_wait) or cancel some (imgtrans_cancel); "
						 "a superuser can raise the limit with ALTER ROLE ... SET imgtrans.max_queued_jobs_per_role.")));
}

static int64
insert_job(JobSpec *spec)
{
	SqlArgs		a = {0};
	int64		id;

	sql_arg(&a, REGROLEOID, ObjectIdGetDatum(GetUserId()), false);
	sql_arg(&a, REGCLASSOID, ObjectIdGetDatum(spec->source_table), !OidIsValid(spec->source_table));
	sql_arg_text(&a, spec->source_column);
	sql_arg_text(&a, spec->source_key);
	sql_arg(&a, BYTEAOID, spec->image, spec->image == (Datum) 0);
	sql_arg_text(&a, spec->lang);
	sql_arg_text(&a, spec->target);
	sql_arg(&a, JSONBOID, JsonbPGetDatum(spec->options), spec->options == NULL);
	check_queue_quota();
	id = DatumGetInt64(privileged_value(insert_sql, &a, 0));
	imgtrans_wake_at_commit();
	return id;
}

static char *
nonnull_text_arg(FunctionCallInfo fcinfo, int n, const char *name)
{
	if (PG_ARGISNULL(n))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be NULL", name)));
	return text_to_cstring(PG_GETARG_TEXT_PP(n));
}

PG_FUNCTION_INFO_V1(imgtrans_check_job_options);

/*
 * imgtrans_check_job_options(options) is an ERROR unless options are what
 * imgtrans_submit and the trigger take (imgtrans_setup_results asks before
 * it makes the trigger).  Only checks: no job, no provider looked up.
 */
Datum
imgtrans_check_job_options(PG_FUNCTION_ARGS)
{
	(void) check_options(PG_GETARG_JSONB_P(0));
	PG_RETURN_VOID();
}

/* imgtrans_submit(image, lang, target, options) returns the job id */
IMGTRANS_COUNTED(imgtrans_submit, "imgtrans_submit", submit_body)

static Datum
submit_body(PG_FUNCTION_ARGS)
{
	JobSpec		spec = {0};
	char	   *provider = NULL;

	imgtrans_require_workers();
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("image must not be NULL")));
	/*
	 * An image's header, a TIFF's directories, a PDF's page count and page
	 * sizes, each page against the pixel gate: now, not in a worker after
	 * every attempt.  At the resolution the worker rasterises at: its
	 * imgtrans.pdf_dpi, not one this session SET.
	 */
	imgtrans_doc_check(PG_GETARG_BYTEA_PP(0),
					   atoi(GetConfigOptionResetString("imgtrans.pdf_dpi")));
	spec.image = PG_GETARG_DATUM(0);
	spec.lang = nonnull_text_arg(fcinfo, 1, "lang");
	imgtrans_check_lang(spec.lang);
	if (!PG_ARGISNULL(3))
	{
		spec.options = PG_GETARG_JSONB_P(3);
		provider = check_options(spec.options);
	}
	if (!PG_ARGISNULL(2))
	{
		spec.target = text_to_cstring(PG_GETARG_TEXT_PP(2));
		check_target(spec.target, fcinfo->flinfo->fn_oid);
		/* the provider (or a default one) must exist now, not after every attempt */
		imgtrans_check_provider(provider);
	}
	PG_RETURN_INT64(insert_job(&spec));
}

static void
trigger_usage_error(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
			 errmsg("imgtrans_enqueue(): %s", what),
			 errhint("Use CREATE TRIGGER ... AFTER INSERT OR UPDATE OF img ON tab FOR EACH ROW "
					 "EXECUTE FUNCTION imgtrans_enqueue('img', 'eng', 'spa', '{\"preprocess\": [\"auto\"]}') "
					 "(image column, OCR language, optional target language or '' for none, "
					 "optional job options as for imgtrans_submit).")));
}

/*
 * The trigger's fourth argument as jsonb; text that is not JSON (also an
 * object cut short) is the trigger's usage ERROR with its hint, not a bare
 * JSON syntax error.
 * (The error is rethrown at once, so no subtransaction is needed.)
 */
static Jsonb *
trigger_options(const char *arg)
{
	MemoryContext cxt = CurrentMemoryContext;
	Jsonb	   *options = NULL;

	PG_TRY();
	{
		options = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(arg)));
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_INVALID_TEXT_REPRESENTATION)
			PG_RE_THROW();
		FlushErrorState();
		trigger_usage_error("the fourth argument must be job options, a JSON object");
	}
	PG_END_TRY();
	return options;
}

/* SELECT privilege on the table or on the column */
static bool
may_select(Oid relid, AttrNumber att)
{
	return pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) == ACLCHECK_OK ||
		pg_attribute_aclcheck(relid, att, GetUserId(), ACL_SELECT) == ACLCHECK_OK;
}

/*
 * The trigger's arguments, checked; spec gets table, column, lang and
 * target.  Returns the image column.
 */
static AttrNumber
trigger_args(TriggerData *td, Oid fn_oid, JobSpec *spec)
{
	Trigger    *tg = td->tg_trigger;
	Relation	rel = td->tg_relation;
	AttrNumber	att;
	AttrNumber	pk[INDEX_MAX_KEYS];
	int			npk;
	int			i;
	char	   *provider = NULL;

	if (tg->tgnargs < 1 || tg->tgnargs > 4)
		trigger_usage_error("expected 1 to 4 arguments");
	spec->source_column = tg->tgargs[0];
	att = SPI_fnumber(RelationGetDescr(rel), spec->source_column);
	if (att <= 0)
		trigger_usage_error(psprintf("column \"%s\" of table \"%s\" does not exist",
									 spec->source_column, RelationGetRelationName(rel)));
	if (TupleDescAttr(RelationGetDescr(rel), att - 1)->atttypid != BYTEAOID)
		trigger_usage_error(psprintf("column \"%s\" is not of type bytea", spec->source_column));
	spec->lang = tg->tgnargs > 1 ? tg->tgargs[1] : "eng";
	imgtrans_check_lang(spec->lang);
	if (tg->tgnargs > 3)
	{
		/* job options, as imgtrans_submit takes them, checked as it checks them */
		spec->options = trigger_options(tg->tgargs[3]);
		provider = check_options(spec->options);
	}
	if (tg->tgnargs > 2 && tg->tgargs[2][0] != '\0')
	{
		spec->target = tg->tgargs[2];
		check_target(spec->target, fn_oid);
		/* the provider (or a default one) must exist */
		imgtrans_check_provider(provider);
	}
	npk = imgtrans_primary_key(rel, pk);
	/* the worker reads the row as the job's owner */
	for (i = -1; i < npk; i++)
		if (!may_select(RelationGetRelid(rel), i < 0 ? att : pk[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to read column \"%s\" of table \"%s\"",
							get_attname(RelationGetRelid(rel), i < 0 ? att : pk[i], false),
							RelationGetRelationName(rel)),
					 errdetail("The imgtrans job reads the image by the row's primary key as the role that queued it.")));
	spec->source_table = RelationGetRelid(rel);
	return att;
}

static bool
image_unchanged(TriggerData *td, AttrNumber att, Datum image)
{
	bool		isnull;
	Datum		old;

	if (!TRIGGER_FIRED_BY_UPDATE(td->tg_event))
		return false;
	old = heap_getattr(td->tg_trigtuple, att, RelationGetDescr(td->tg_relation), &isnull);
	return !isnull && DatumGetBool(DirectFunctionCall2(byteaeq, old, image));
}

PG_FUNCTION_INFO_V1(imgtrans_enqueue);

/* Row trigger imgtrans_enqueue(column, lang, target): queues a job. */
Datum
imgtrans_enqueue(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	JobSpec		spec = {0};
	HeapTuple	row;
	AttrNumber	att;
	Datum		image;
	bool		isnull;

	if (!CALLED_AS_TRIGGER(fcinfo))
		trigger_usage_error("must be called as a trigger");
	if (!TRIGGER_FIRED_AFTER(td->tg_event) || !TRIGGER_FIRED_FOR_ROW(td->tg_event) ||
		!(TRIGGER_FIRED_BY_INSERT(td->tg_event) || TRIGGER_FIRED_BY_UPDATE(td->tg_event)))
		trigger_usage_error("must be an AFTER INSERT or UPDATE trigger FOR EACH ROW");
	imgtrans_require_workers();
	att = trigger_args(td, fcinfo->flinfo->fn_oid, &spec);
	row = TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple;
	image = heap_getattr(row, att, RelationGetDescr(td->tg_relation), &isnull);
	if (isnull || image_unchanged(td, att, image))
		return PointerGetDatum(NULL);
	spec.source_key = source_key_text(td->tg_relation, row);
	(void) insert_job(&spec);
	return PointerGetDatum(NULL);
}

static bool
status_is_final(const char *status)
{
	return strcmp(status, "done") == 0 || strcmp(status, "failed") == 0 ||
		strcmp(status, "cancelled") == 0;
}

/*
 * now + timeout, a month counted as 30 days; a timeout past the end of
 * time waits without a deadline, a negative one not at all.
 */
static TimestampTz
wait_deadline(Interval *timeout)
{
	TimestampTz now = GetCurrentTimestamp();
	double		us = (double) timeout->time +
		((double) timeout->day + (double) timeout->month * DAYS_PER_MONTH) * USECS_PER_DAY;

	if (us <= 0)
		return now;
	if (us >= (double) (END_TIMESTAMP - now))
		return DT_NOEND;
	return now + (TimestampTz) us;
}

IMGTRANS_COUNTED(imgtrans_wait, "imgtrans_wait", wait_body)

/*
 * The job's status (into status); true once it has ended.  ERROR if this
 * transaction queued it (or queued it again): no worker can see it before
 * the commit, so waiting could only time out.
 */
static bool
job_ended(int64 id, SqlArgs *a, char *status, size_t len)
{
	bool		isnull;
	TransactionId xmin;

	if (imgtrans_sql(status_sql, a) != 1)
		job_not_found(id);
	strlcpy(status, sql_string(0, 1), len);
	xmin = DatumGetTransactionId(sql_value(0, 2, &isnull));
	SPI_freetuptable(SPI_tuptable);
	if (status_is_final(status))
		return true;
	if (TransactionIdIsCurrentTransactionId(xmin))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("imgtrans job " INT64_FORMAT " was queued by the current transaction, so no worker can run it yet", id),
				 errhint("Commit the transaction that queued the job, then wait for it in a new one.")));
	return false;
}

/*
 * imgtrans_wait(job, timeout): the job's status once it ended or timed
 * out.  Sleeps on the latch, which the transaction that ends the job sets
 * at its commit (shmem.c); the status is read again only when woken.
 */
static Datum
wait_body(PG_FUNCTION_ARGS)
{
	int64		id = PG_GETARG_INT64(0);
	TimestampTz deadline = wait_deadline(PG_GETARG_INTERVAL_P(1));
	char		status[16];
	SqlArgs		a = {0};

	imgtrans_require_workers();
	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_ACTIVE_SQL_TRANSACTION),
				 errmsg("imgtrans_wait() cannot see a job progress in a REPEATABLE READ or SERIALIZABLE transaction"),
				 errhint("Call it in a READ COMMITTED transaction.")));
	sql_arg(&a, INT8OID, Int64GetDatum(id), false);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* registered before the first look, so an end in between still wakes us */
	imgtrans_wait_register(id);
	PG_TRY();
	{
		for (;;)
		{
			TimestampTz now;

			ResetLatch(MyLatch);
			if (job_ended(id, &a, status, sizeof(status)))
				break;
			now = GetCurrentTimestamp();
			if (now >= deadline)
				break;
			(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
							 Min(TimestampDifferenceMilliseconds(now, deadline) + 1, WAIT_RECHECK_MS),
							 PG_WAIT_EXTENSION);
			CHECK_FOR_INTERRUPTS();
		}
	}
	PG_FINALLY();
	{
		imgtrans_wait_unregister();
	}
	PG_END_TRY();
	SPI_finish();
	PG_RETURN_TEXT_P(cstring_to_text(status));
}

PG_FUNCTION_INFO_V1(imgtrans_retry);

Datum
imgtrans_retry(PG_FUNCTION_ARGS)
{
	int64		id = PG_GETARG_INT64(0);
	bool		queued;

	imgtrans_require_workers();
	queued = DatumGetBool(run_privileged(retry_sql, INT8OID, Int64GetDatum(id), id));
	if (queued)
		imgtrans_wake_at_commit();
	PG_RETURN_BOOL(queued);
}

PG_FUNCTION_INFO_V1(imgtrans_retry_failed);

Datum
imgtrans_retry_failed(PG_FUNCTION_ARGS)
{
	int64		n;

	imgtrans_require_workers();
	n = DatumGetInt64(run_privileged(retry_failed_sql, INT4OID, Int32GetDatum(0), 0));
	if (n > 0)
		imgtrans_wake_at_commit();
	PG_RETURN_INT64(n);
}

IMGTRANS_COUNTED(imgtrans_cancel, "imgtrans_cancel", cancel_body)

static Datum
cancel_body(PG_FUNCTION_ARGS)
{
	int64		id = PG_GETARG_INT64(0);
	bool		cancelled;

	cancelled = DatumGetBool(run_privileged(cancel_sql, INT8OID, Int64GetDatum(id), id));
	if (cancelled)
	{
		imgtrans_notify_job_ended(id);
		imgtrans_cancel_at_commit(id);	/* stop its worker, if it runs */
	}
	PG_RETURN_BOOL(cancelled);
}

PG_FUNCTION_INFO_V1(imgtrans_purge);

Datum
imgtrans_purge(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(run_privileged(purge_sql, INTERVALOID, PG_GETARG_DATUM(0), 0));
}

PG_FUNCTION_INFO_V1(imgtrans_worker_restart);

Datum
imgtrans_worker_restart(PG_FUNCTION_ARGS)
{
	imgtrans_require_workers();
	if (!superuser() && !is_member_of_role(GetUserId(), get_role_oid("imgtrans_admin", false)))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to restart the imgtrans workers"),
				 errhint("Only superusers and members of imgtrans_admin can.")));
	imgtrans_stop_workers(false, 0);
	PG_RETURN_BOOL(true);
}

PG_FUNCTION_INFO_V1(imgtrans_worker_status);

/*
 * imgtrans.worker_status(): pid, job, phase, since of each live worker.
 * The job and its phase only for the job's owner (members of it) and
 * imgtrans_admin; others see that the worker is busy, not with what.
 */
Datum
imgtrans_worker_status(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	WorkerSlot	slots[IMGTRANS_MAX_WORKERS];
	int			n = 0;
	int			i;
	Oid			admin = get_role_oid("imgtrans_admin", true);
	bool		is_admin = OidIsValid(admin) && is_member_of_role(GetUserId(), admin);

	InitMaterializedSRF(fcinfo, 0);
	if (imgtrans_shared == NULL)
		return (Datum) 0;
	SpinLockAcquire(&imgtrans_shared->mutex);
	n = imgtrans_shared->nslots;
	memcpy(slots, imgtrans_shared->slots, n * sizeof(WorkerSlot));
	SpinLockRelease(&imgtrans_shared->mutex);
	for (i = 0; i < n; i++)
	{
		Datum		values[4];
		bool		nulls[4] = {false};
		bool		visible;

		if (slots[i].pid == 0)
			continue;
		/* as the policy on imgtrans.jobs: a job is its owner's business */
		visible = slots[i].job != 0 && OidIsValid(slots[i].owner) &&
			(is_member_of_role(GetUserId(), slots[i].owner) || is_admin);
		values[0] = Int32GetDatum(slots[i].pid);
		values[1] = Int64GetDatum(slots[i].job);
		nulls[1] = !visible;
		values[2] = CStringGetTextDatum(visible || slots[i].job == 0 ? slots[i].phase : "running a job");
		values[3] = TimestampTzGetDatum(slots[i].since);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
