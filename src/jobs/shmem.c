/*-------------------------------------------------------------------------
 * shmem.c
 *	  Shared state of the background jobs: the registry of job workers
 *	  (pid, latch, job, phase) behind the imgtrans.workers view, the
 *	  restart generation, and the wake-ups.
 *
 * A backend that queues a job sets every worker's latch when its
 * transaction commits (not before: the job is invisible until then), as
 * pg_net does, so workers need no fast poll.  The same goes the other
 * way: a transaction that ends a job (a worker's, or imgtrans_cancel)
 * sets, at commit, the latch of every backend waiting in imgtrans_wait()
 * for that job (a lock-free array, one entry per backend), and a
 * committed imgtrans_cancel() of a running job sends a query cancel to
 * every worker whose slot runs that job; the worker's SIGINT handler
 * accepts it only while its slot still runs that job, so a cancel that
 * arrives late never stops the next job.  Nothing here runs SQL or
 * touches a table; the spinlock is held only to copy a few fields, and no
 * signal is sent while it is held.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <signal.h>

#include "access/xact.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "port/atomics.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/backend_status.h"
#include "utils/timeout.h"
#include "utils/timestamp.h"

#include "jobs/worker.h"

ImgtransShared *imgtrans_shared = NULL;

/* a backend in imgtrans_wait(): the job it waits for (0 = none) and its latch */
typedef struct JobWaiter
{
	pg_atomic_uint64 job;
	Latch	   *latch;
} JobWaiter;

/* jobs this transaction ends or cancels, acted on at commit */
#define MAX_PENDING_JOBS 64
typedef struct PendingJobs
{
	int			n;
	bool		overflow;		/* more than MAX_PENDING_JOBS: act on all */
	int64		ids[MAX_PENDING_JOBS];
} PendingJobs;

static JobWaiter *waiters = NULL;	/* MaxBackends entries, by backend id */
static int	my_slot = -1;

/* This process is a job worker (it has its slot). */
bool
imgtrans_in_job_worker(void)
{
	return my_slot >= 0;
}
static bool wake_pending = false;
static PendingJobs ended = {0};
static PendingJobs cancelled = {0};
static bool xact_callback_registered = false;

static Size
shared_size(void)
{
	return add_size(offsetof(ImgtransShared, slots),
					mul_size(imgtrans_workers, sizeof(WorkerSlot)));
}

static Size
waiters_size(void)
{
	return mul_size(MaxBackends, sizeof(JobWaiter));
}

void
imgtrans_shmem_request(void)
{
	RequestAddinShmemSpace(shared_size());
	RequestAddinShmemSpace(waiters_size());
}

void
imgtrans_shmem_startup(void)
{
	bool		found;

	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	imgtrans_shared = ShmemInitStruct("imgtrans jobs", shared_size(), &found);
	if (!found)
	{
		memset(imgtrans_shared, 0, shared_size());
		SpinLockInit(&imgtrans_shared->mutex);
		imgtrans_shared->nslots = imgtrans_workers;
	}
	waiters = ShmemInitStruct("imgtrans job waiters", waiters_size(), &found);
	if (!found)
	{
		int			i;

		for (i = 0; i < MaxBackends; i++)
		{
			pg_atomic_init_u64(&waiters[i].job, 0);
			waiters[i].latch = NULL;
		}
	}
	LWLockRelease(AddinShmemInitLock);
}

/*
 * Frees this worker's slot at exit and wakes the launcher, so the slot is
 * refilled at once even when the postmaster's exit notice goes elsewhere
 * (a launcher started after this worker).
 */
static void
slot_detach(int code, Datum arg)
{
	WorkerSlot *slot = &imgtrans_shared->slots[DatumGetInt32(arg)];
	Latch	   *launcher = NULL;

	SpinLockAcquire(&imgtrans_shared->mutex);
	if (slot->pid == MyProcPid)
	{
		memset(slot, 0, sizeof(*slot));
		launcher = imgtrans_shared->launcher_latch;
	}
	SpinLockRelease(&imgtrans_shared->mutex);
	if (launcher != NULL)
		SetLatch(launcher);
}

/*
 * Registers this process as job worker number slot until it exits.  False
 * if a live worker holds the slot (started by an earlier launcher), or if
 * generation, the one the launcher started this worker for, is no longer
 * current: a restart or DROP DATABASE came after the launcher decided to
 * start it, and the stop that came with it could not reach a process that
 * had no slot yet.  Both checks and the claim are one step under the
 * spinlock, so imgtrans_stop_workers() either sees this worker in its slot
 * or this worker sees the new generation.
 */
bool
imgtrans_slot_attach(int slot, uint32 generation)
{
	WorkerSlot *s = &imgtrans_shared->slots[slot];
	bool		stale;

	SpinLockAcquire(&imgtrans_shared->mutex);
	stale = imgtrans_shared->generation != generation;
	if (stale || s->pid != 0)
	{
		SpinLockRelease(&imgtrans_shared->mutex);
		elog(DEBUG1, "imgtrans worker %d exits: %s", slot,
			 stale ? "started before a restart or DROP DATABASE" : "slot taken");
		return false;
	}
	s->pid = MyProcPid;
	s->generation = generation;
	s->latch = MyLatch;
	s->job = 0;
	s->since = GetCurrentTimestamp();
	strlcpy(s->phase, "starting", sizeof(s->phase));
	SpinLockRelease(&imgtrans_shared->mutex);
	my_slot = slot;
	on_shmem_exit(slot_detach, Int32GetDatum(slot));
	return true;
}

/*
 * Records what this worker does (job 0 = none) in its slot and in
 * pg_stat_activity.
 */
/* The owner of the job this worker runs: imgtrans.worker_status() shows it only to them. */
void
imgtrans_slot_set_owner(Oid owner)
{
	Assert(my_slot >= 0);
	SpinLockAcquire(&imgtrans_shared->mutex);
	imgtrans_shared->slots[my_slot].owner = owner;
	SpinLockRelease(&imgtrans_shared->mutex);
}

void
imgtrans_slot_set(int64 job, const char *phase)
{
	WorkerSlot *s = &imgtrans_shared->slots[my_slot];
	char		activity[128];

	Assert(my_slot >= 0);
	SpinLockAcquire(&imgtrans_shared->mutex);
	if (s->job == job && strncmp(s->phase, phase, sizeof(s->phase)) == 0)
	{
		SpinLockRelease(&imgtrans_shared->mutex);
		return;					/* unchanged: keep "since" */
	}
	s->job = job;
	if (job == 0)
	{
		s->owner = InvalidOid;
		s->cancel_job = 0;
	}
	strlcpy(s->phase, phase, sizeof(s->phase));
	s->since = GetCurrentTimestamp();
	SpinLockRelease(&imgtrans_shared->mutex);

	if (job != 0)
	{
		snprintf(activity, sizeof(activity), "imgtrans job " INT64_FORMAT ": %s", job, phase);
		pgstat_report_activity(STATE_RUNNING, activity);
	}
	else
	{
		snprintf(activity, sizeof(activity), "imgtrans worker: %s", phase);
		pgstat_report_activity(STATE_IDLE, activity);
	}
}

/*
 * Sets every worker's latch, and the launcher's when a slot is empty (it
 * may not have started workers yet, e.g. for a database just created).
 */
void
imgtrans_wake_workers(void)
{
	Latch	   *latches[IMGTRANS_MAX_WORKERS + 1];
	int			n = 0;
	int			i;
	bool		missing = false;

	if (imgtrans_shared == NULL)
		return;
	SpinLockAcquire(&imgtrans_shared->mutex);
	for (i = 0; i < imgtrans_shared->nslots; i++)
	{
		if (imgtrans_shared->slots[i].pid != 0)
			latches[n++] = imgtrans_shared->slots[i].latch;
		else
			missing = true;
	}
	if (missing && imgtrans_shared->launcher_latch != NULL)
		latches[n++] = imgtrans_shared->launcher_latch;
	SpinLockRelease(&imgtrans_shared->mutex);

	for (i = 0; i < n; i++)
		SetLatch(latches[i]);
}

static bool
pending_has(const PendingJobs *p, int64 job)
{
	int			i;

	if (p->overflow)
		return true;
	for (i = 0; i < p->n; i++)
		if (p->ids[i] == job)
			return true;
	return false;
}

/* Sets the latch of every backend waiting for a job in ended. */
static void
wake_job_waiters(const PendingJobs *p)
{
	int			i;

	if (waiters == NULL)
		return;
	for (i = 0; i < MaxBackends; i++)
	{
		uint64		job = pg_atomic_read_u64(&waiters[i].job);

		pg_read_barrier();
		/* a stale latch is harmless: its owner rechecks its job's status */
		if (job != 0 && waiters[i].latch != NULL && pending_has(p, (int64) job))
			SetLatch(waiters[i].latch);
	}
}

/*
 * Sends a query cancel to every worker whose slot runs a job in p, after
 * marking the slot, so that its handler knows the cancel is for the job
 * it still runs (see imgtrans_worker_cancel_handler).
 */
static void
signal_cancelled_jobs(const PendingJobs *p)
{
	pid_t		pids[IMGTRANS_MAX_WORKERS];
	int			n = 0;
	int			i;

	if (imgtrans_shared == NULL)
		return;
	SpinLockAcquire(&imgtrans_shared->mutex);
	for (i = 0; i < imgtrans_shared->nslots; i++)
	{
		WorkerSlot *s = &imgtrans_shared->slots[i];

		if (s->pid != 0 && s->job != 0 && !p->overflow && pending_has(p, s->job))
		{
			s->cancel_job = s->job;
			pids[n++] = s->pid;
		}
	}
	SpinLockRelease(&imgtrans_shared->mutex);
	for (i = 0; i < n; i++)
		kill(pids[i], SIGINT);
}

static void
wake_xact_callback(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_PARALLEL_COMMIT)
	{
		if (wake_pending)
			imgtrans_wake_workers();
		if (cancelled.n > 0 || cancelled.overflow)
			signal_cancelled_jobs(&cancelled);
		if (ended.n > 0 || ended.overflow)
			wake_job_waiters(&ended);
	}
	else if (event != XACT_EVENT_ABORT && event != XACT_EVENT_PARALLEL_ABORT)
		return;
	wake_pending = false;
	memset(&ended, 0, sizeof(ended));
	memset(&cancelled, 0, sizeof(cancelled));
}

static void
register_xact_callback(void)
{
	if (!xact_callback_registered)
	{
		RegisterXactCallback(wake_xact_callback, NULL);
		xact_callback_registered = true;
	}
}

static void
pending_add(PendingJobs *p, int64 job)
{
	register_xact_callback();
	if (pending_has(p, job))
		return;
	if (p->n == MAX_PENDING_JOBS)
		p->overflow = true;
	else
		p->ids[p->n++] = job;
}

/* Wakes the workers when the current transaction commits. */
void
imgtrans_wake_at_commit(void)
{
	register_xact_callback();
	wake_pending = true;
}

/* Wakes the backends waiting for job when the current transaction commits. */
void
imgtrans_job_ended_at_commit(int64 job)
{
	pending_add(&ended, job);
}

/*
 * Stops job's OCR (or translation) in every worker that runs it, when the
 * current transaction, which marked it cancelled, commits.  More than
 * MAX_PENDING_JOBS in one transaction: those jobs' workers notice at
 * their next commit instead (the statement finds the job cancelled).
 */
void
imgtrans_cancel_at_commit(int64 job)
{
	pending_add(&cancelled, job);
}

/* This backend waits for job (imgtrans_wait); its latch is set when it ends. */
void
imgtrans_wait_register(int64 job)
{
	JobWaiter  *w;

	if (waiters == NULL || MyBackendId < 1 || MyBackendId > MaxBackends)
		return;
	w = &waiters[MyBackendId - 1];
	w->latch = MyLatch;
	pg_write_barrier();
	pg_atomic_write_u64(&w->job, (uint64) job);
}

void
imgtrans_wait_unregister(void)
{
	if (waiters == NULL || MyBackendId < 1 || MyBackendId > MaxBackends)
		return;
	pg_atomic_write_u64(&waiters[MyBackendId - 1].job, 0);
}

/*
 * SIGINT of a job worker: a query cancel, accepted only while the slot
 * runs the job a committed imgtrans_cancel() named (the slot is this
 * process's own; a cancel for a job that has ended meanwhile is dropped),
 * or when the statement timeout that bounds a job owner's code fired.
 * What StatementCancelHandler does otherwise; async-signal-safe.
 */
void
imgtrans_worker_cancel_handler(SIGNAL_ARGS)
{
	int			save_errno = errno;

	if (my_slot >= 0 && imgtrans_shared != NULL)
	{
		volatile WorkerSlot *s = &imgtrans_shared->slots[my_slot];

		/* or imgtrans.owner_code_timeout, through statement_timeout's own signal */
		if ((s->cancel_job != 0 && s->cancel_job == s->job) ||
			get_timeout_indicator(STATEMENT_TIMEOUT, false))
		{
			InterruptPending = true;
			QueryCancelPending = true;
		}
	}
	SetLatch(MyLatch);
	errno = save_errno;
}

/*
 * Tells every job worker to exit: after its current job, or at once with
 * SIGTERM when terminate.  The launcher starts no new ones for pause_ms
 * (a pause already running is never shortened: a restart during DROP
 * DATABASE must not start workers in the database being dropped).  Workers
 * started but not yet in their slot exit when they attach, as the
 * generation changed.
 */
void
imgtrans_stop_workers(bool terminate, int pause_ms)
{
	pid_t		pids[IMGTRANS_MAX_WORKERS];
	int			n = 0;
	int			i;

	SpinLockAcquire(&imgtrans_shared->mutex);
	imgtrans_shared->generation++;
	imgtrans_shared->paused_until =
		Max(imgtrans_shared->paused_until,
			TimestampTzPlusMilliseconds(GetCurrentTimestamp(), pause_ms));
	for (i = 0; i < imgtrans_shared->nslots; i++)
		if (imgtrans_shared->slots[i].pid != 0)
			pids[n++] = imgtrans_shared->slots[i].pid;
	SpinLockRelease(&imgtrans_shared->mutex);

	for (i = 0; terminate && i < n; i++)
		kill(pids[i], SIGTERM);
	imgtrans_wake_workers();
}

uint32
imgtrans_generation(void)
{
	TimestampTz paused_until;

	return imgtrans_launcher_state(&paused_until);
}

/*
 * The current generation and pause, read together: workers the launcher
 * starts for this generation are stopped by any later restart or DROP.
 */
uint32
imgtrans_launcher_state(TimestampTz *paused_until)
{
	uint32		g;

	SpinLockAcquire(&imgtrans_shared->mutex);
	g = imgtrans_shared->generation;
	*paused_until = imgtrans_shared->paused_until;
	SpinLockRelease(&imgtrans_shared->mutex);
	return g;
}

/* The pid of the worker in slot, 0 if it is empty. */
pid_t
imgtrans_slot_pid(int slot)
{
	pid_t		pid;

	SpinLockAcquire(&imgtrans_shared->mutex);
	pid = imgtrans_shared->slots[slot].pid;
	SpinLockRelease(&imgtrans_shared->mutex);
	return pid;
}
