/*-------------------------------------------------------------------------
 * shmem.c
 *	  Shared state of the background jobs: the registry of job workers
 *	  (pid, latch, job, phase) behind the imgtrans.workers view, the
 *	  restart generation, and the wake-ups.
 *
 * A backend that queues a job sets every worker's latch when its
 * transaction commits (not before: the job is invisible until then), as
 * pg_net does, so workers need no fast poll.  Nothing here runs SQL or
 * touches a table; the spinlock is held only to copy a few fields.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <signal.h>

#include "access/xact.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/backend_status.h"
#include "utils/timestamp.h"

#include "jobs/worker.h"

ImgtransShared *imgtrans_shared = NULL;

static int	my_slot = -1;
static bool wake_pending = false;
static bool xact_callback_registered = false;

static Size
shared_size(void)
{
	return add_size(offsetof(ImgtransShared, slots),
					mul_size(imgtrans_workers, sizeof(WorkerSlot)));
}

void
imgtrans_shmem_request(void)
{
	RequestAddinShmemSpace(shared_size());
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
		s->owner = InvalidOid;
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

static void
wake_xact_callback(XactEvent event, void *arg)
{
	if (!wake_pending)
		return;
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_PARALLEL_COMMIT)
	{
		wake_pending = false;
		imgtrans_wake_workers();
	}
	else if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
		wake_pending = false;
}

/* Wakes the workers when the current transaction commits. */
void
imgtrans_wake_at_commit(void)
{
	if (!xact_callback_registered)
	{
		RegisterXactCallback(wake_xact_callback, NULL);
		xact_callback_registered = true;
	}
	wake_pending = true;
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
	uint32		g;

	SpinLockAcquire(&imgtrans_shared->mutex);
	g = imgtrans_shared->generation;
	SpinLockRelease(&imgtrans_shared->mutex);
	return g;
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
