/*-------------------------------------------------------------------------
 * ratelimit.c
 *	  Per-provider request limits shared by every backend and job worker:
 *	  a token bucket (requests per second, a burst of one request) and a
 *	  count of requests in flight (max_concurrent), plus a hold-off until
 *	  the time a provider's 429 Retry-After named.
 *
 * The table lives in shared memory when imgtrans is preloaded (else in the
 * backend, so the limits hold per session).  One entry per provider name,
 * created on first use; the limits are the provider's options, passed in
 * by each request.  A backend holds at most one request slot at a time and
 * remembers it: it is given back after the request, on ERROR (the caller's
 * PG_FINALLY), and at process exit (before_shmem_exit), and every holder's
 * pid is recorded, so a slot whose process is gone (which only a bug could
 * leave: kill -9 restarts the cluster) is taken back by the next waiter.
 * Waiting is a condition-variable sleep with a timeout: it honours query
 * cancel and statement_timeout.
 *
 * Never hold the spinlock across anything but a few assignments (no
 * ereport, no syscall); never wait without a timeout.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>
#include <signal.h>

#include "miscadmin.h"
#include "pgstat.h"
#include "storage/condition_variable.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "utils/memutils.h"
#include "utils/timeout.h"
#include "utils/timestamp.h"

#include "translate/ratelimit.h"
#include "translate/translate.h"

#define RATE_MAX_PROVIDERS 32
#define RATE_RECHECK_MS 100		/* longest sleep before looking again */

typedef struct RateEntry
{
	char		name[NAMEDATALEN];	/* "" = free */
	double		tokens;			/* at most 1: no bursts */
	TimestampTz refilled;
	TimestampTz hold_until;		/* Retry-After of a 429 */
	int			in_flight;		/* requests counted against max_concurrent */
	pid_t		holders[RATE_MAX_CONCURRENT];
} RateEntry;

typedef struct RateShared
{
	slock_t		mutex;
	ConditionVariable cv;		/* broadcast when a request slot is given back */
	RateEntry	entries[RATE_MAX_PROVIDERS];
} RateShared;

static RateShared *rate = NULL;
static int	held = -1;			/* entry of the slot this backend holds */
static bool held_counted = false;
static bool exit_hook_set = false;
static bool full_warned = false;
static int	retry_after_ms = 0; /* the last 429's Retry-After, for a job's backoff */

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

static void
rate_init_struct(RateShared *r)
{
	memset(r, 0, sizeof(*r));
	SpinLockInit(&r->mutex);
	ConditionVariableInit(&r->cv);
}

static void
rate_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(sizeof(RateShared));
}

static void
rate_shmem_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	rate = ShmemInitStruct("imgtrans provider rate limits", sizeof(RateShared), &found);
	if (!found)
		rate_init_struct(rate);
	LWLockRelease(AddinShmemInitLock);
}

/* from _PG_init: the shared table if we are being preloaded */
void
rate_limit_init(void)
{
	if (!process_shared_preload_libraries_in_progress)
		return;
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = rate_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = rate_shmem_startup;
}

static RateShared *
rate_table(void)
{
	if (rate == NULL)			/* not preloaded: this backend's own */
	{
		rate = MemoryContextAlloc(TopMemoryContext, sizeof(RateShared));
		rate_init_struct(rate);
	}
	return rate;
}

/* the provider's entry, added if new; -1 if the table is full.  Spinlock held. */
static int
entry_of(RateShared *r, const char *name, TimestampTz now)
{
	int			free_at = -1;
	int			i;

	for (i = 0; i < RATE_MAX_PROVIDERS; i++)
	{
		if (strncmp(r->entries[i].name, name, NAMEDATALEN - 1) == 0 && r->entries[i].name[0] != '\0')
			return i;
		if (free_at < 0 && r->entries[i].name[0] == '\0')
			free_at = i;
	}
	if (free_at >= 0)
	{
		RateEntry  *e = &r->entries[free_at];

		strlcpy(e->name, name, sizeof(e->name));
		e->tokens = 1.0;
		e->refilled = now;
	}
	return free_at;
}

/*
 * Takes a request slot of e if the limits allow it now: returns 0.  Else
 * the milliseconds to wait (*full when waiting for a slot to be given
 * back).  Spinlock held.
 */
static long
try_take(RateEntry *e, const RateLimits *lim, TimestampTz now, bool *full)
{
	int			max = Min(lim->max_concurrent, RATE_MAX_CONCURRENT);
	int			i;

	*full = false;
	if (e->hold_until > now)
		return TimestampDifferenceMilliseconds(now, e->hold_until) + 1;
	if (lim->per_second > 0)
	{
		double		elapsed = (double) (now - e->refilled) / USECS_PER_SEC;

		e->tokens = Min(1.0, e->tokens + Max(elapsed, 0) * lim->per_second);
		e->refilled = now;
		if (e->tokens < 1.0)
			return (long) ceil((1.0 - e->tokens) / lim->per_second * 1000.0);
	}
	if (max > 0 && e->in_flight >= max)
	{
		*full = true;
		return RATE_RECHECK_MS;
	}
	if (lim->per_second > 0)
		e->tokens -= 1.0;
	held_counted = false;
	if (max > 0)
		for (i = 0; i < RATE_MAX_CONCURRENT; i++)
			if (e->holders[i] == 0)
			{
				e->holders[i] = MyProcPid;
				e->in_flight++;
				held_counted = true;
				break;
			}
	return 0;
}

/* Gives back the request slots of processes that no longer exist. */
static void
reclaim_dead_holders(RateShared *r, int idx)
{
	pid_t		pids[RATE_MAX_CONCURRENT];
	int			i;

	SpinLockAcquire(&r->mutex);
	memcpy(pids, r->entries[idx].holders, sizeof(pids));
	SpinLockRelease(&r->mutex);
	for (i = 0; i < RATE_MAX_CONCURRENT; i++)
	{
		if (pids[i] == 0 || pids[i] == MyProcPid || kill(pids[i], 0) == 0 || errno != ESRCH)
			continue;
		SpinLockAcquire(&r->mutex);
		if (r->entries[idx].holders[i] == pids[i])
		{
			r->entries[idx].holders[i] = 0;
			r->entries[idx].in_flight--;
		}
		SpinLockRelease(&r->mutex);
		elog(LOG, "imgtrans: took back a request slot of provider \"%s\" from exited process %d",
			 r->entries[idx].name, (int) pids[i]);
	}
}

static void
rate_exit(int code, Datum arg)
{
	rate_release();
}

/*
 * Waits until the provider's limits allow one more request, and takes its
 * slot; rate_release() gives it back.  ERROR on cancel or
 * statement_timeout while waiting.
 */
void
rate_acquire(const RateLimits *lim)
{
	RateShared *r = rate_table();
	bool		slept = false;

	Assert(held < 0);
	if (!exit_hook_set)
	{
		before_shmem_exit(rate_exit, 0);
		exit_hook_set = true;
	}
	for (;;)
	{
		TimestampTz now = GetCurrentTimestamp();
		int			idx;
		long		wait_ms;
		bool		full;

		SpinLockAcquire(&r->mutex);
		idx = entry_of(r, lim->provider, now);
		wait_ms = idx < 0 ? 0 : try_take(&r->entries[idx], lim, now, &full);
		if (wait_ms == 0)
			held = idx;
		SpinLockRelease(&r->mutex);
		if (idx < 0 && !full_warned)
		{
			full_warned = true;
			ereport(WARNING,
					(errmsg("imgtrans: more than %d translation providers; provider \"%s\" is not rate limited",
							RATE_MAX_PROVIDERS, lim->provider)));
		}
		if (wait_ms == 0)
			break;
		if (full)
			reclaim_dead_holders(r, idx);
		slept = true;
		(void) ConditionVariableTimedSleep(&r->cv, Min(wait_ms, RATE_RECHECK_MS), PG_WAIT_EXTENSION);
	}
	if (slept)
		ConditionVariableCancelSleep();
}

/* Gives back the request slot this backend holds, if any. */
void
rate_release(void)
{
	RateShared *r = rate;
	RateEntry  *e;
	int			i;

	if (held < 0 || r == NULL)
		return;
	e = &r->entries[held];
	SpinLockAcquire(&r->mutex);
	if (held_counted)
		for (i = 0; i < RATE_MAX_CONCURRENT; i++)
			if (e->holders[i] == MyProcPid)
			{
				e->holders[i] = 0;
				e->in_flight--;
				break;
			}
	SpinLockRelease(&r->mutex);
	held = -1;
	held_counted = false;
	ConditionVariableBroadcast(&r->cv);
}

/*
 * No request to provider for ms (a 429's Retry-After), from any backend;
 * a job's backoff will be at least that long.
 */
void
rate_hold_off(const char *provider, int ms)
{
	RateShared *r = rate_table();
	TimestampTz now = GetCurrentTimestamp();
	TimestampTz until = TimestampTzPlusMilliseconds(now, ms);
	int			idx;

	SpinLockAcquire(&r->mutex);
	idx = entry_of(r, provider, now);
	if (idx >= 0 && r->entries[idx].hold_until < until)
		r->entries[idx].hold_until = until;
	SpinLockRelease(&r->mutex);
	retry_after_ms = Max(retry_after_ms, ms);
}

/* Milliseconds until statement_timeout fires; -1 without one. */
long
rate_statement_ms_left(void)
{
	if (!get_timeout_active(STATEMENT_TIMEOUT))
		return -1;
	return TimestampDifferenceMilliseconds(GetCurrentTimestamp(),
										   get_timeout_finish_time(STATEMENT_TIMEOUT));
}

/* The longest Retry-After seen since the last reset (translate.h). */
int
imgtrans_translate_retry_after_ms(bool reset)
{
	int			ms = retry_after_ms;

	if (reset)
		retry_after_ms = 0;
	return ms;
}
