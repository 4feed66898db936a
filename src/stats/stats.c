/*-------------------------------------------------------------------------
 * stats.c
 *	  Always-on statistics in shared memory, behind the views imgtrans.stats,
 *	  imgtrans.provider_stats and imgtrans.job_kind_stats: for each
 *	  (database, role) and SQL function, translation provider or job kind,
 *	  a set of counters that survives the backends that made them, until
 *	  imgtrans_stats_reset() or a server restart.
 *
 * Built as pg_stat_statements is: a shared hash table of at most
 * imgtrans.stats_max entries behind one LWLock, allocated only when the
 * library is in shared_preload_libraries (otherwise nothing is counted and
 * reading the statistics is an ERROR that says so).  Counting takes the
 * lock in shared mode and adds to the entry's counters with atomics, so
 * backends never wait for each other; only a new (database, role, name)
 * takes it exclusively, once.  A full table drops new keys and counts them
 * in imgtrans.stats_info.dropped.
 *
 * A role sees only the rows of roles it is a member of; superusers,
 * members of imgtrans_admin and of pg_read_all_stats see every row.
 *
 * Must never: raise an ERROR or allocate while counting (it runs in error
 * handlers too), run SQL, or hold the lock across anything but the counters.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "catalog/pg_authid.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "port/atomics.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/timestamp.h"

#include "stats/stats.h"

bool		imgtrans_track_stats = true;
static int	stats_max = 5000;

typedef enum StatKind
{
	SK_FUNCTION,
	SK_PROVIDER,
	SK_JOB
} StatKind;

static const char *const kind_names[] = {"function", "provider", "job"};

/* HTTP statuses counted one by one; the others go to "other" */
static const int http_codes[] = {0, 400, 401, 403, 404, 408, 413, 422, 429, 456, 500, 502, 503, 504};
#define NHTTP (lengthof(http_codes) + 1)

typedef enum StatField
{
	SF_CALLS,					/* calls; provider: requests; job: attempts ended */
	SF_ERRORS,
	SF_TIME_US,					/* job: run time */
	SF_MAX_US,
	SF_PIXELS,
	SF_PAGES,
	SF_TEXTS,
	SF_CACHE_HITS,
	SF_CACHE_MISSES,
	SF_DONE,
	SF_FAILED,
	SF_RETRIED,
	SF_CANCELLED,
	SF_WAIT_US,
	SF_HTTP,					/* NHTTP error counters by status */
	SF_N = SF_HTTP + NHTTP
} StatField;

typedef struct StatsKey
{
	Oid			dbid;
	Oid			userid;
	int32		kind;
	char		name[NAMEDATALEN];
} StatsKey;

typedef struct StatsEntry
{
	StatsKey	key;
	pg_atomic_uint64 c[SF_N];
} StatsEntry;

typedef struct StatsShared
{
	LWLock	   *lock;
	TimestampTz reset_at;		/* under the lock */
	pg_atomic_uint64 dropped;	/* updates lost to a full table */
} StatsShared;

static StatsShared *shared = NULL;
static HTAB *stats_hash = NULL;

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

/* the SQL function calls of this backend in progress, innermost first */
typedef struct CallFrame
{
	struct CallFrame *parent;
	Oid			userid;			/* the caller at entry (the function may switch) */
	uint64		pixels;
	uint64		pages;
} CallFrame;

static CallFrame *current_frame = NULL;
static Oid	stats_owner = InvalidOid;

PG_FUNCTION_INFO_V1(imgtrans_stats_rows);
PG_FUNCTION_INFO_V1(imgtrans_stats_info);
PG_FUNCTION_INFO_V1(imgtrans_stats_reset);

/* ------------------------------------------------------------------------
 * Shared memory
 * ------------------------------------------------------------------------
 */

static Size
stats_shmem_size(void)
{
	return add_size(MAXALIGN(sizeof(StatsShared)),
					hash_estimate_size(stats_max, sizeof(StatsEntry)));
}

static void
stats_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(stats_shmem_size());
	RequestNamedLWLockTranche("imgtrans stats", 1);
}

static void
stats_shmem_startup(void)
{
	HASHCTL		info;
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	shared = ShmemInitStruct("imgtrans stats", sizeof(StatsShared), &found);
	if (!found)
	{
		shared->lock = &(GetNamedLWLockTranche("imgtrans stats"))->lock;
		shared->reset_at = GetCurrentTimestamp();
		pg_atomic_init_u64(&shared->dropped, 0);
	}
	memset(&info, 0, sizeof(info));
	info.keysize = sizeof(StatsKey);
	info.entrysize = sizeof(StatsEntry);
	stats_hash = ShmemInitHash("imgtrans stats hash", stats_max, stats_max, &info,
							   HASH_ELEM | HASH_BLOBS);
	LWLockRelease(AddinShmemInitLock);
}

/* from _PG_init */
void
imgtrans_stats_init(void)
{
	DefineCustomBoolVariable("imgtrans.track_stats",
							 "Counts calls, errors and times of imgtrans's functions, providers and jobs.",
							 "Needs imgtrans in shared_preload_libraries; see the view imgtrans.stats.",
							 &imgtrans_track_stats,
							 true,
							 PGC_SUSET, 0,
							 NULL, NULL, NULL);
	if (!process_shared_preload_libraries_in_progress)
		return;
	DefineCustomIntVariable("imgtrans.stats_max",
							"Most (database, role, function/provider/job kind) rows of imgtrans.stats kept.",
							"Counts for new rows are dropped once it is reached (imgtrans.stats_info).",
							&stats_max,
							5000, 100, INT_MAX / 2,
							PGC_POSTMASTER, 0,
							NULL, NULL, NULL);
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = stats_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = stats_shmem_startup;
}

static inline bool
counting(void)
{
	return shared != NULL && imgtrans_track_stats;
}

/* ------------------------------------------------------------------------
 * Counting
 * ------------------------------------------------------------------------
 */

/* the role calls are counted for: a job's owner in its worker, else the current user */
Oid
imgtrans_stats_role(void)
{
	return OidIsValid(stats_owner) ? stats_owner : GetUserId();
}

/*
 * Adds add[] (SF_MAX_US: a candidate maximum) to the entry of (this
 * database, userid, kind, name).
 */
static void
stats_apply(Oid userid, StatKind kind, const char *name, const uint64 *add)
{
	StatsKey	key;
	StatsEntry *e;
	bool		found;
	uint64		max;
	int			i;

	memset(&key, 0, sizeof(key));
	key.dbid = MyDatabaseId;
	key.userid = userid;
	key.kind = kind;
	strlcpy(key.name, name, NAMEDATALEN);

	LWLockAcquire(shared->lock, LW_SHARED);
	e = hash_search(stats_hash, &key, HASH_FIND, NULL);
	if (e == NULL)
	{
		LWLockRelease(shared->lock);
		LWLockAcquire(shared->lock, LW_EXCLUSIVE);
		e = NULL;
		if (hash_get_num_entries(stats_hash) < stats_max)
			e = hash_search(stats_hash, &key, HASH_ENTER_NULL, &found);
		else
			e = hash_search(stats_hash, &key, HASH_FIND, &found);
		if (e == NULL)
		{
			pg_atomic_fetch_add_u64(&shared->dropped, 1);
			LWLockRelease(shared->lock);
			return;
		}
		if (!found)
			for (i = 0; i < SF_N; i++)
				pg_atomic_init_u64(&e->c[i], 0);
	}
	for (i = 0; i < SF_N; i++)
		if (add[i] != 0 && i != SF_MAX_US)
			pg_atomic_fetch_add_u64(&e->c[i], add[i]);
	max = pg_atomic_read_u64(&e->c[SF_MAX_US]);
	while (add[SF_MAX_US] > max &&
		   !pg_atomic_compare_exchange_u64(&e->c[SF_MAX_US], &max, add[SF_MAX_US]))
		;
	LWLockRelease(shared->lock);
}

static uint64
elapsed_us(instr_time start)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, start);
	return INSTR_TIME_GET_MICROSEC(now);
}

/* a call ended: count it, and pass its pixels and pages on to the caller's */
static void
call_ended(CallFrame *frame, const char *name, instr_time start, bool failed)
{
	uint64		add[SF_N] = {0};

	current_frame = frame->parent;
	if (current_frame)
	{
		current_frame->pixels += frame->pixels;
		current_frame->pages += frame->pages;
	}
	add[SF_CALLS] = 1;
	add[SF_ERRORS] = failed ? 1 : 0;
	add[SF_TIME_US] = add[SF_MAX_US] = elapsed_us(start);
	add[SF_PIXELS] = frame->pixels;
	add[SF_PAGES] = frame->pages;
	stats_apply(frame->userid, SK_FUNCTION, name, add);
}

Datum
imgtrans_stats_call(FunctionCallInfo fcinfo, const char *name, PGFunction fn)
{
	CallFrame	frame = {current_frame, InvalidOid, 0, 0};
	instr_time	start;
	Datum		result;

	if (!counting())
		return fn(fcinfo);
	frame.userid = imgtrans_stats_role();
	INSTR_TIME_SET_CURRENT(start);
	current_frame = &frame;
	PG_TRY();
	{
		result = fn(fcinfo);
	}
	PG_CATCH();
	{
		call_ended(&frame, name, start, true);
		PG_RE_THROW();
	}
	PG_END_TRY();
	call_ended(&frame, name, start, false);
	return result;
}

void
imgtrans_stats_page(int64 width, int64 height)
{
	if (current_frame == NULL)
		return;
	current_frame->pages++;
	current_frame->pixels += (uint64) Max(width, 0) * (uint64) Max(height, 0);
}

void
imgtrans_stats_set_owner(Oid owner)
{
	stats_owner = owner;
}

static int
http_bucket(long status)
{
	int			i;

	for (i = 0; i < lengthof(http_codes); i++)
		if (http_codes[i] == status)
			return i;
	return lengthof(http_codes);
}

void
imgtrans_stats_provider_request(const char *provider, instr_time start,
								long http_status, bool failed)
{
	uint64		add[SF_N] = {0};

	if (!counting())
		return;
	add[SF_CALLS] = 1;
	add[SF_TIME_US] = add[SF_MAX_US] = elapsed_us(start);
	if (failed)
	{
		add[SF_ERRORS] = 1;
		add[SF_HTTP + http_bucket(http_status)] = 1;
	}
	stats_apply(imgtrans_stats_role(), SK_PROVIDER, provider, add);
}

void
imgtrans_stats_provider_texts(const char *provider, int texts, int cache_hits, int cache_misses)
{
	uint64		add[SF_N] = {0};

	if (!counting() || texts <= 0)
		return;
	add[SF_TEXTS] = texts;
	add[SF_CACHE_HITS] = cache_hits;
	add[SF_CACHE_MISSES] = cache_misses;
	stats_apply(imgtrans_stats_role(), SK_PROVIDER, provider, add);
}

void
imgtrans_stats_job(const JobAttemptStats *a)
{
	uint64		add[SF_N] = {0};

	if (!counting())
		return;
	if (strcmp(a->outcome, "done") == 0)
	{
		add[SF_DONE] = 1;
		add[SF_PAGES] = Max(a->pages, 0);
	}
	else if (strcmp(a->outcome, "failed") == 0)
		add[SF_FAILED] = add[SF_ERRORS] = 1;
	else if (strcmp(a->outcome, "queued") == 0)
		add[SF_RETRIED] = add[SF_ERRORS] = 1;
	else
		add[SF_CANCELLED] = 1;
	if (a->queue_wait_ms >= 0)
	{
		add[SF_CALLS] = 1;
		add[SF_WAIT_US] = (uint64) (a->queue_wait_ms * 1000.0);
		add[SF_TIME_US] = add[SF_MAX_US] = (uint64) (Max(a->run_ms, 0) * 1000.0);
	}
	stats_apply(a->owner, SK_JOB, a->kind, add);
}

/* ------------------------------------------------------------------------
 * SQL functions
 * ------------------------------------------------------------------------
 */

static void
require_shared(void)
{
	if (shared == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("imgtrans statistics need the imgtrans library in shared_preload_libraries"),
				 errhint("Add imgtrans to shared_preload_libraries in postgresql.conf and restart the server.")));
}

/* may the caller see every role's statistics? */
static bool
sees_all_roles(void)
{
	Oid			admin = get_role_oid("imgtrans_admin", true);

	return superuser() ||
		has_privs_of_role(GetUserId(), ROLE_PG_READ_ALL_STATS) ||
		(OidIsValid(admin) && has_privs_of_role(GetUserId(), admin));
}

static Datum
ms_datum(uint64 us)
{
	return Float8GetDatum((double) us / 1000.0);
}

/* {"429": 2, "none": 1}: the failed requests by HTTP status */
static Datum
http_errors_jsonb(const uint64 *c)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (i = 0; i < NHTTP; i++)
	{
		if (c[SF_HTTP + i] == 0)
			continue;
		if (buf.len > 1)
			appendStringInfoString(&buf, ", ");
		if (i == lengthof(http_codes))
			appendStringInfoString(&buf, "\"other\"");
		else if (http_codes[i] == 0)
			appendStringInfoString(&buf, "\"none\"");
		else
			appendStringInfo(&buf, "\"%d\"", http_codes[i]);
		appendStringInfo(&buf, ": " UINT64_FORMAT, c[SF_HTTP + i]);
	}
	appendStringInfoChar(&buf, '}');
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}

typedef struct EntryCopy
{
	StatsKey	key;
	uint64		c[SF_N];
} EntryCopy;

/*
 * imgtrans.stats_rows(): one row per entry the caller may see: kind, dbid,
 * userid, name, then every counter (the views pick theirs).
 */
Datum
imgtrans_stats_rows(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		all;
	HASH_SEQ_STATUS seq;
	StatsEntry *e;
	EntryCopy  *copies;
	long		n = 0,
				cap,
				r;
	int			i;

	require_shared();
	InitMaterializedSRF(fcinfo, 0);
	all = sees_all_roles();

	LWLockAcquire(shared->lock, LW_SHARED);
	cap = hash_get_num_entries(stats_hash);
	copies = palloc(sizeof(EntryCopy) * Max(cap, 1));
	hash_seq_init(&seq, stats_hash);
	while ((e = hash_seq_search(&seq)) != NULL)
	{
		if (n >= cap)
		{
			hash_seq_term(&seq);
			break;
		}
		copies[n].key = e->key;
		for (i = 0; i < SF_N; i++)
			copies[n].c[i] = pg_atomic_read_u64(&e->c[i]);
		n++;
	}
	LWLockRelease(shared->lock);

	for (r = 0; r < n; r++)
	{
		EntryCopy  *x = &copies[r];
		Datum		v[19];
		bool		nulls[19] = {0};

		if (!all && !is_member_of_role(GetUserId(), x->key.userid))
			continue;
		v[0] = CStringGetTextDatum(kind_names[x->key.kind]);
		v[1] = ObjectIdGetDatum(x->key.dbid);
		v[2] = ObjectIdGetDatum(x->key.userid);
		v[3] = CStringGetTextDatum(x->key.name);
		v[4] = Int64GetDatum((int64) x->c[SF_CALLS]);
		v[5] = Int64GetDatum((int64) x->c[SF_ERRORS]);
		v[6] = ms_datum(x->c[SF_TIME_US]);
		v[7] = ms_datum(x->c[SF_MAX_US]);
		v[8] = Int64GetDatum((int64) x->c[SF_PIXELS]);
		v[9] = Int64GetDatum((int64) x->c[SF_PAGES]);
		v[10] = Int64GetDatum((int64) x->c[SF_TEXTS]);
		v[11] = Int64GetDatum((int64) x->c[SF_CACHE_HITS]);
		v[12] = Int64GetDatum((int64) x->c[SF_CACHE_MISSES]);
		v[13] = http_errors_jsonb(x->c);
		v[14] = Int64GetDatum((int64) x->c[SF_DONE]);
		v[15] = Int64GetDatum((int64) x->c[SF_FAILED]);
		v[16] = Int64GetDatum((int64) x->c[SF_RETRIED]);
		v[17] = Int64GetDatum((int64) x->c[SF_CANCELLED]);
		v[18] = ms_datum(x->c[SF_WAIT_US]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
	}
	return (Datum) 0;
}

/* imgtrans_stats_info(): (reset_at, entries, max_entries, dropped) */
Datum
imgtrans_stats_info(PG_FUNCTION_ARGS)
{
	TupleDesc	desc;
	Datum		v[4];
	bool		nulls[4] = {0};

	require_shared();
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	LWLockAcquire(shared->lock, LW_SHARED);
	v[0] = TimestampTzGetDatum(shared->reset_at);
	v[1] = Int64GetDatum(hash_get_num_entries(stats_hash));
	LWLockRelease(shared->lock);
	v[2] = Int64GetDatum(stats_max);
	v[3] = Int64GetDatum((int64) pg_atomic_read_u64(&shared->dropped));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), v, nulls)));
}

/* imgtrans_stats_reset(): forgets every row; superusers and imgtrans_admin only */
Datum
imgtrans_stats_reset(PG_FUNCTION_ARGS)
{
	Oid			admin = get_role_oid("imgtrans_admin", true);
	HASH_SEQ_STATUS seq;
	StatsEntry *e;
	TimestampTz now = GetCurrentTimestamp();

	require_shared();
	if (!superuser() && !(OidIsValid(admin) && has_privs_of_role(GetUserId(), admin)))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to reset imgtrans statistics"),
				 errhint("Only superusers and members of imgtrans_admin may reset them; "
						 "the statistics are shared by every role.")));
	LWLockAcquire(shared->lock, LW_EXCLUSIVE);
	hash_seq_init(&seq, stats_hash);
	while ((e = hash_seq_search(&seq)) != NULL)
		hash_search(stats_hash, &e->key, HASH_REMOVE, NULL);
	shared->reset_at = now;
	pg_atomic_write_u64(&shared->dropped, 0);
	LWLockRelease(shared->lock);
	PG_RETURN_TIMESTAMPTZ(now);
}
